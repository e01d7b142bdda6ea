"""Shared pytest plugins and options: the headless browser fixtures, and `--replica`, which
collects the tests that read from a real PostgreSQL streaming replica
(`fremdrift/reports/tests/replica/`, run by `make test-replica`). Without it they are not
collected, so the ordinary suite neither runs nor skips them."""

import os
from pathlib import Path

import pytest

pytest_plugins = ["fremdrift.browser_fixtures"]

REPLICA_TESTS = Path(__file__).resolve().parent / "fremdrift" / "reports" / "tests" / "replica"


def pytest_addoption(parser):
    parser.addoption(
        "--replica",
        action="store_true",
        help="also run the tests on a read replica (needs DATABASE_REPLICA_URL; see "
        "make test-replica)",
    )


def pytest_configure(config):
    if config.getoption("--replica") and not os.environ.get("DATABASE_REPLICA_URL"):
        raise pytest.UsageError(
            "--replica needs DATABASE_REPLICA_URL: `make test-replica` starts a replica"
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test with `serialized_rollback`, whose teardown empties the database, the data
    the migrations load (instruments, code lists) is put back at once, not only at the start
    of the next such test: with `--dist loadfile` a worker may run other test files after it,
    and they read that data."""
    yield
    marker = item.get_closest_marker("django_db")
    # After the session's last test the test databases are gone already.
    if nextitem is None or not (marker and marker.kwargs.get("serialized_rollback")):
        return
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    aliases = marker.kwargs.get("databases") or ["default"]
    aliases = list(connections) if aliases == "__all__" else aliases
    with item.config.stash[blocking_manager_key].unblock():
        for connection in (connections[alias] for alias in aliases):
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)


def pytest_ignore_collect(collection_path, config):
    if not config.getoption("--replica") and collection_path.is_relative_to(REPLICA_TESTS):
        return True
    return None
