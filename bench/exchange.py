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
            "SECRET_KEY": "bench-secret-key-" + "s" * 40,
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


def _start_package(folder: Path):
    """Django set up, an empty folder, and what a generator needs: the format module, the
    CPR number maker and the adult wheel's item codes."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fremdrift.settings")
    django.setup()
    from fremdrift.exchange import format as fmt
    from fremdrift.instruments.builtin import INSTRUMENTS
    from fremdrift.testing import make_cpr

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return fmt, make_cpr, [item[0] for item in INSTRUMENTS[0]["items"]][:ITEMS]


def _finish_package(folder: Path, fmt) -> None:
    manifest = {
        "format": fmt.FORMAT,
        "version": fmt.FORMAT_VERSION,
        "source_system": "bench",
        "files": [spec.name for spec in fmt.FILES],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def generate(folder: Path, answers: int) -> None:
    """A package of citizens with ten assessments each on the adult wheel."""
    if (folder / "manifest.json").exists():
        return
    fmt, make_cpr, codes = _start_package(folder)
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
    _finish_package(folder, fmt)


def generate_realistic(folder: Path, citizens: int) -> None:
    """A package as a municipality's case system holds it: each citizen with an enrolment in
    one of 20 programmes, a plan with an end goal and two sub-goals (one scaled in five levels,
    with a follow-up rating and an achievement), two activities, a start meeting with two
    participants, a mentor, and ten assessments of eight answers."""
    if (folder / "manifest.json").exists():
        return
    fmt, make_cpr, codes = _start_package(folder)
    w = {spec.name: fmt.Writer(folder, spec) for spec in fmt.FILES}
    start = dt.date(2021, 1, 4)
    levels = ["I sengen", "Op, ikke ud", "Ud 2 dage", "Ud 4 dage", "Ud hver dag"]
    for p in range(20):
        w["programmes.csv"].write(
            {
                "id": f"P{p}",
                "organisation": "Jobcenter Bench",
                "name": f"Forløb {p}",
                "start_date": dt.date(2020, 1, 1),
                "price": "42500,00",
            }
        )
        w["programme_instruments.csv"].write(
            {"programme": f"P{p}", "instrument": "adult_wheel", "interval_days": 14}
        )
    for n in range(citizens):
        c = f"B{n}"
        born = dt.date(1960, 1, 1) + dt.timedelta(days=n % 14000)
        cpr = make_cpr(born, female=n % 2 == 0)
        begin = start + dt.timedelta(days=n % 365)
        w["citizens.csv"].write(
            {
                "id": c,
                "cpr": f"{cpr[:6]}-{cpr[6:]}",
                "first_name": "Borger",
                "last_name": f"Nr. {n}",
                "target_group": "activity_ready_cash_benefit",
                "organisation": "Jobcenter Bench",
                "caseworker": "bench-cw",
            }
        )
        w["enrolments.csv"].write(
            {"id": f"F{n}", "citizen": c, "programme": f"P{n % 20}", "start_date": begin}
        )
        for m in range(PER_CITIZEN):
            date = begin + dt.timedelta(days=14 * m)
            for i, code in enumerate(codes):
                w["assessments.csv"].write(
                    {
                        "assessment": f"M{n}-{m}",
                        "citizen": c,
                        "instrument": "adult_wheel",
                        "version": 1,
                        "date": date,
                        "respondent": "joint",
                        "status": "completed",
                        "item": code,
                        "value": 1 + (n + m + i) % 10,
                    }
                )
        w["plans.csv"].write({"citizen": c, "own_effort": "Går en tur hver dag", "made": begin})
        w["goals.csv"].write(
            {
                "id": f"G{n}",
                "citizen": c,
                "text": "Et arbejde 15 timer om ugen",
                "category": "ordinary_hours",
                "created": begin,
            }
        )
        w["goals.csv"].write(
            {
                "id": f"G{n}a",
                "citizen": c,
                "end_goal": f"G{n}",
                "text": "Komme ud af døren",
                "supported_by": "mentor",
                "created": begin,
                **dict(zip(fmt.GAS_COLUMNS, levels, strict=True)),
                "gas_baseline": "-1",
            }
        )
        w["goals.csv"].write(
            {
                "id": f"G{n}b",
                "citizen": c,
                "end_goal": f"G{n}",
                "text": "Prøve en praktik",
                "created": begin,
            }
        )
        w["goal_events.csv"].write(
            {
                "id": f"H{n}a",
                "goal": f"G{n}a",
                "date": begin + dt.timedelta(days=30),
                "reason": "follow_up",
                "gas_level": "+1",
            }
        )
        w["goal_events.csv"].write(
            {
                "id": f"H{n}b",
                "goal": f"G{n}a",
                "date": begin + dt.timedelta(days=60),
                "reason": "achieved",
                "status": "achieved",
            }
        )
        w["activities.csv"].write(
            {
                "id": f"A{n}a",
                "citizen": c,
                "sector": "employment",
                "kind": "internship_single",
                "purpose": "Afprøve arbejde",
                "goals": f"G{n}b",
                "start_date": begin + dt.timedelta(days=20),
                "end_date": begin + dt.timedelta(days=80),
                "weekly_hours": "10",
            }
        )
        w["activities.csv"].write(
            {
                "id": f"A{n}b",
                "citizen": c,
                "sector": "health",
                "kind": "psychologist",
                "purpose": "Samtaler",
                "goals": f"G{n}a",
                "start_date": begin + dt.timedelta(days=10),
            }
        )
        w["meeting_participants.csv"].write(
            {"meeting": f"N{n}", "role": "employment_caseworker", "user": "bench-cw"}
        )
        w["meeting_participants.csv"].write({"meeting": f"N{n}", "role": "doctor", "name": "Læge"})
        w["meetings.csv"].write(
            {"id": f"N{n}", "citizen": c, "kind": "start_meeting", "date": begin}
        )
        w["mentors.csv"].write(
            {
                "id": f"K{n}",
                "citizen": c,
                "kind": "social",
                "name": "Mentor",
                "start_date": begin + dt.timedelta(days=5),
                "tasks": "goal_setting",
            }
        )
    for writer in w.values():
        writer.close()
    _finish_package(folder, fmt)


def realistic_run(citizens: int) -> list[tuple[str, str]]:
    package = ROOT / "var" / f"bench-realistic-{citizens}"
    generate_realistic(package, citizens)
    url = database_url("_bench_import")
    fresh_database(url)
    manage(url, "migrate", "--noinput")
    manage(url, "shell", "-c", SETUP)
    seconds, peak, output = manage(url, "import_package", str(package))
    assert "Imported" in output, output
    answers = citizens * PER_CITIZEN * ITEMS
    return [
        (
            f"import, realistic, {citizens:,} citizens",
            f"{seconds:.1f} s, {citizens / seconds:,.0f} citizens/s, "
            f"{answers / seconds:,.0f} answers/s, peak {peak} MB",
        )
    ]


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
    parser.add_argument(
        "--realistic",
        type=int,
        default=0,
        metavar="CITIZENS",
        help="also import a realistic package of this many citizens (plans, enrolments, ...)",
    )
    args = parser.parse_args()
    (ROOT / "var").mkdir(exist_ok=True)
    vendor = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(f"Fremdrift exchange benchmark on {vendor}")
    rows = [] if args.no_import else import_run(args.answers // 4) + import_run(args.answers)
    if args.realistic:
        rows += realistic_run(args.realistic // 4) + realistic_run(args.realistic)
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
