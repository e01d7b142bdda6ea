#!/usr/bin/env python
"""`make bench`, part two: imports an exchange package with a million answers into an empty
database and exports it again, each in a process of its own, and prints answers per second
and peak memory (the process's maximum resident set size).

    python bench/exchange.py [--answers 1000000] [--export-municipality]

Runs on SQLite (var/bench_import.sqlite3), or, where DATABASE_URL points at PostgreSQL, on a
database of that name with `_bench_import` appended; either is made anew on each run. The
package is generated once into var/bench-package-<answers>/ and kept. A quarter-size package
is imported too, so that memory can be compared across sizes. `--export-municipality` also
exports the municipality-size database of bench/run.py (var/bench.sqlite3 or <name>_bench).
A benchmark, not a test: nothing here asserts.
"""

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ITEMS = 8  # the adult wheel's items
PER_CITIZEN = 10  # assessments per citizen
SETUP = """
from fremdrift.accounts.models import Organisation, Role
from fremdrift.accounts.services import organisation_create, user_create
jobcentre = organisation_create(name="Jobcenter Bench", kind=Organisation.Kind.AUTHORITY)
user_create(username="bench-cw", password=None, organisation=jobcentre, role=Role.CASEWORKER)
user_create(username="bench-admin", password=None, organisation=jobcentre, role=Role.ADMINISTRATOR)
"""

# The export is made in an administrator's name (and written to the access log).
ADMIN = """
from fremdrift.accounts.models import Organisation, Role, User
from fremdrift.accounts.services import user_create
if not User.objects.filter(username="bench-admin").exists():
    organisation = Organisation.objects.filter(kind=Organisation.Kind.AUTHORITY).first()
    user_create(username="bench-admin", password=None, organisation=organisation,
                role=Role.ADMINISTRATOR)
"""


def database_url(suffix: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        base, _, name = url.rpartition("/")
        return f"{base}/{name or 'fremdrift'}{suffix}"
    return f"sqlite:///{ROOT / 'var' / ('bench' + suffix.removeprefix('_bench'))}.sqlite3"


def fresh_database(url: str) -> None:
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        for extra in ("", "-wal", "-shm"):
            Path(path + extra).unlink(missing_ok=True)
        return
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def manage(url: str, *args: str, production: bool = True) -> tuple[float, int, str]:
    """Runs manage.py in a process of its own: (seconds, peak memory in MB, output). The
    imports run as in production (DEBUG off, which also stops Django keeping every query);
    the municipality database of bench/run.py was written with the development keys and is
    read with DEBUG on (`production=False`)."""
    env = os.environ | {"DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    if production:
        env |= {
            "DEBUG": "false",
            "SECRET_KEY": "bench-secret-key-" + "s" * 32,
            "FREMDRIFT_FIELD_KEY": "bench-field-key-" + "f" * 32,
        }
    else:
        env["DEBUG"] = "true"
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own manage.py with our own arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{output}")
    return seconds, usage.ru_maxrss // 1024, output


def generate(folder: Path, answers: int) -> None:
    """A package of citizens with ten assessments each on the adult wheel."""
    if (folder / "manifest.json").exists():
        return
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fremdrift.settings")
    django.setup()
    from fremdrift.exchange import format as fmt
    from fremdrift.instruments.builtin import INSTRUMENTS
    from fremdrift.testing import make_cpr

    codes = [item[0] for item in INSTRUMENTS[0]["items"]][:ITEMS]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    citizens = fmt.Writer(folder, fmt.CITIZENS)
    assessments = fmt.Writer(folder, fmt.ASSESSMENTS)
    start = dt.date(2021, 1, 4)
    for n in range(answers // (ITEMS * PER_CITIZEN)):
        born = dt.date(1960, 1, 1) + dt.timedelta(days=n % 14000)
        cpr = make_cpr(born, female=n % 2 == 0)
        citizens.write(
            {
                "id": f"B{n}",
                "cpr": f"{cpr[:6]}-{cpr[6:]}",
                "first_name": "Borger",
                "last_name": f"Nr. {n}",
                "target_group": "activity_ready_cash_benefit",
                "organisation": "Jobcenter Bench",
                "caseworker": "bench-cw",
            }
        )
        for m in range(PER_CITIZEN):
            date = start + dt.timedelta(days=14 * m + n % 7)
            for i, code in enumerate(codes):
                assessments.write(
                    {
                        "assessment": f"M{n}-{m}",
                        "citizen": f"B{n}",
                        "instrument": "adult_wheel",
                        "version": 1,
                        "date": date,
                        "respondent": "joint",
                        "status": "completed",
                        "item": code,
                        "value": 1 + (n + m + i) % 10,
                    }
                )
    citizens.close()
    assessments.close()
    for spec in fmt.FILES:
        if not (folder / spec.name).exists():
            fmt.Writer(folder, spec).close()
    manifest = {
        "format": fmt.FORMAT,
        "version": fmt.FORMAT_VERSION,
        "source_system": "bench",
        "files": [spec.name for spec in fmt.FILES],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def import_run(answers: int) -> list[tuple[str, str]]:
    package = ROOT / "var" / f"bench-package-{answers}"
    generate(package, answers)
    url = database_url("_bench_import")
    fresh_database(url)
    manage(url, "migrate", "--noinput")
    manage(url, "shell", "-c", SETUP)
    seconds, peak, output = manage(url, "import_package", str(package))
    assert "Imported" in output, output
    rows = [
        (
            f"import, {answers:,} answers",
            f"{seconds:.1f} s, {answers / seconds:,.0f} answers/s, peak {peak} MB",
        )
    ]
    export_seconds, export_peak, _ = manage(url, "export_package", str(package) + "-export")
    shutil.rmtree(str(package) + "-export", ignore_errors=True)
    rows.append((f"export, {answers:,} answers", f"{export_seconds:.1f} s, peak {export_peak} MB"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--export-municipality", action="store_true")
    parser.add_argument("--no-import", action="store_true", help="skip the import runs")
    args = parser.parse_args()
    (ROOT / "var").mkdir(exist_ok=True)
    vendor = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(f"Fremdrift exchange benchmark on {vendor}")
    rows = [] if args.no_import else import_run(args.answers // 4) + import_run(args.answers)
    if args.export_municipality:
        url = database_url("_bench")
        folder = ROOT / "var" / "bench-municipality-export"
        manage(url, "migrate", "--noinput", production=False)
        manage(url, "shell", "-c", ADMIN, production=False)
        seconds, peak, output = manage(url, "export_package", str(folder), production=False)
        answers = next(
            int(line.split(": ")[1].split()[0])
            for line in output.splitlines()
            if line.startswith("assessments.csv")
        )
        shutil.rmtree(folder, ignore_errors=True)
        rows.append(
            (
                f"export, municipality ({answers:,} answers)",
                f"{seconds:.1f} s, {answers / seconds:,.0f} answers/s, peak {peak} MB",
            )
        )
    for name, figures in rows:
        print(f"{name:<45} {figures}")


if __name__ == "__main__":
    main()
