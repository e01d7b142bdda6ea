"""The tests on a real streaming replica (collected with `--replica` only, `make test-replica`).

A physical replica holds every database of the primary's cluster, so the replica of the test
database (`test_<name>`, `test_<name>_gw0` under xdist) is the database of that name on the
replica server. The "replica" alias is a test mirror of "default", so no test database is
created for it; Django would point the mirror at the primary itself, and
`replica_reads_the_test_database` points it at the replica server instead. Its data reach the
replica only once committed: the tests are transactional, and wait until the replica has
replayed the primary's WAL (`replica_caught_up`) before they read there."""

import time

import pytest
from django.db import OperationalError, connections

# The reports' data, as in their own tests (re-exported on purpose, as in api/tests/conftest).
from fremdrift.api.tests.writes import cases as cases
from fremdrift.api.tests.writes import referred as referred
from fremdrift.reports.tests.test_agreement import pairs as pairs
from fremdrift.reports.tests.test_comparison import two_programmes as two_programmes
from fremdrift.reports.tests.test_goals import plans_in_programme as plans_in_programme
from fremdrift.reports.tests.test_quality import followed as followed
from fremdrift.reports.tests.test_surveys import answered as answered

REPLAY_TIMEOUT = 30  # seconds; a replica on the same machine replays in milliseconds


@pytest.fixture(scope="session", autouse=True)
def replica_reads_the_test_database(django_db_setup):
    replica = connections.settings["replica"]  # the settings every thread's connection reads
    name = replica["NAME"]
    replica["NAME"] = connections["default"].settings_dict["NAME"]
    connections["replica"].close()
    connections["replica"].settings_dict = replica
    yield
    connections["replica"].close()
    replica["NAME"] = name


def _replayed(target: str) -> bool:
    try:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            return cursor.fetchone()[0]
    except OperationalError:  # the test database itself is not replayed yet
        connections["replica"].close()
        return False


def _caught_up() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        (target,) = cursor.fetchone()
    deadline = time.monotonic() + REPLAY_TIMEOUT
    while not _replayed(target):
        if time.monotonic() > deadline:
            raise AssertionError(f"The replica has not replayed {target} in {REPLAY_TIMEOUT} s")
        time.sleep(0.02)


@pytest.fixture
def replica_caught_up():
    """Call it to wait until the replica has replayed everything the primary has written."""
    return _caught_up
