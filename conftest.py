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


def pytest_ignore_collect(collection_path, config):
    if not config.getoption("--replica") and collection_path.is_relative_to(REPLICA_TESTS):
        return True
    return None
