#!/usr/bin/env python
"""`make bench`: builds a municipality-size database and times the pages that must stay fast.

    python bench/run.py [--citizens 30000] [--years 5] [--rebuild] [--samples 200]

Runs on SQLite (var/bench.sqlite3), or, where DATABASE_URL points at PostgreSQL, on a database
of the same name with `_bench` appended. The database is built once and kept; `--rebuild`
builds it anew. Prints a table: build time, and for each page the median and 95th percentile
server time and the number of SQL queries. A benchmark, not a test: nothing here asserts.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bench_database_url() -> str:
    if os.environ.get("BENCH_DATABASE_URL"):  # the load test's database (scripts/load.py)
        return os.environ["BENCH_DATABASE_URL"]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        base, _, name = url.rpartition("/")
        return f"{base}/{name or 'fremdrift'}_bench"
    return f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=30_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--reports-only", action="store_true", help="time only the reports")
    parser.add_argument(
        "--build-only", action="store_true", help="build the database, time nothing"
    )
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = bench_database_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fremdrift.settings")
    os.environ["DEBUG"] = "true"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    (ROOT / "var").mkdir(exist_ok=True)
    if args.rebuild and os.environ["DATABASE_URL"].startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(ROOT / "var" / "bench.sqlite3") + suffix).unlink(missing_ok=True)
    _ensure_postgres_database(os.environ["DATABASE_URL"], drop=args.rebuild)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from bench import build, measure

    vendor = django.db.connection.vendor
    print(f"Fremdrift benchmark on {vendor} ({os.environ['DATABASE_URL'].split('@')[-1]})")
    started = time.perf_counter()
    built = build.build_if_empty(citizens=args.citizens, years=args.years)
    build_seconds = time.perf_counter() - started
    counts = build.counts()
    if args.build_only:
        print(f"built in {build_seconds:.1f} s: {counts}")
        return
    rows = [("build", f"{build_seconds:.1f} s" if built else "kept (use --rebuild)", "", "")]
    if not args.reports_only:
        for name, timings, queries in measure.pages(samples=args.samples, rng=random.Random(7)):
            rows.append((name, _ms(statistics.median(timings)), _ms(_p95(timings)), queries))
    floor = None
    for name, timings, queries in measure.reports():
        median = statistics.median(timings)
        if floor is None:
            floor = median
            rows.append((name, _ms(median), "", queries))
        else:
            rows.append((name, _ms(median), f"{median / floor:.1f}× floor", queries))
    print(
        f"{counts['citizens']:,} citizens, {counts['assessments']:,} assessments, "
        f"{counts['answers']:,} answers"
    )
    print(f"{'what':<30} {'median':>10} {'p95':>12} {'queries':>10}")
    for name, median, p95, queries in rows:
        print(f"{name:<30} {median:>10} {p95:>12} {queries!s:>10}")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _ensure_postgres_database(url: str, *, drop: bool) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and drop:
            connection.execute(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
