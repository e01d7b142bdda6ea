"""The replica router's decisions, without a replica: reads go to the replica only inside
`reads_from_replica()`, only where one is configured and only outside a transaction on the
primary; writes never go there; anything else is left to the other routers. And the
settings that make the "replica" alias out of DATABASE_REPLICA_URL."""

import json
from types import SimpleNamespace

import pytest
from django.db import router

from fremdrift.accounts.models import Organisation
from fremdrift.core.routers import ReplicaRouter, reads_from_replica, replica_reads_wanted

from .test_platform import run_django


def databases(*, replica=True, in_transaction=False) -> dict:
    """What the router reads of `django.db.connections`: the aliases and the primary's
    transaction."""
    found = {"default": SimpleNamespace(in_atomic_block=in_transaction)}
    if replica:
        found["replica"] = SimpleNamespace(in_atomic_block=False)
    return found


def row_from(alias: str) -> Organisation:
    row = Organisation(name="Jobcenter Nord")
    row._state.db = alias
    return row


def test_reads_go_to_the_replica_only_inside_the_scope():
    router = ReplicaRouter(databases())
    assert router.db_for_read(Organisation) is None
    with reads_from_replica():
        assert router.db_for_read(Organisation) == "replica"
        assert router.db_for_read(Organisation, instance=row_from("default")) == "replica"
    assert router.db_for_read(Organisation) is None


def test_without_a_replica_or_inside_a_transaction_reads_stay_on_the_primary():
    with reads_from_replica():
        assert ReplicaRouter(databases(replica=False)).db_for_read(Organisation) is None
        assert ReplicaRouter(databases(in_transaction=True)).db_for_read(Organisation) is None


def test_writes_never_go_to_the_replica():
    router = ReplicaRouter(databases())
    with reads_from_replica():
        assert router.db_for_write(Organisation) is None  # the primary, or another router's
        assert router.db_for_write(Organisation, instance=row_from("default")) is None
        # Django would write a row back where it was read.
        assert router.db_for_write(Organisation, instance=row_from("replica")) == "default"
    assert router.db_for_write(Organisation, instance=row_from("replica")) == "default"


def test_rows_of_the_replica_and_the_primary_may_refer_to_each_other_and_nothing_else_is_decided():
    router = ReplicaRouter(databases())
    assert router.allow_relation(row_from("replica"), row_from("default")) is True
    assert router.allow_relation(row_from("default"), row_from("replica")) is True
    assert router.allow_relation(row_from("default"), row_from("default")) is None
    assert router.allow_relation(row_from("replica"), row_from("access_log")) is None
    assert router.allow_migrate("replica", "citizens") is False
    assert router.allow_migrate("default", "citizens") is None
    assert router.allow_migrate("access_log", "audit") is None


def test_the_scope_is_a_decorator_too_and_ends_with_an_error():
    @reads_from_replica()
    def report():
        assert replica_reads_wanted()
        raise ValueError

    with pytest.raises(ValueError):
        report()
    assert not replica_reads_wanted()
    with reads_from_replica():
        with reads_from_replica():
            pass
        assert replica_reads_wanted()
    assert not replica_reads_wanted()


def test_django_asks_the_router_in_the_settings():
    assert [type(r) for r in router.routers if isinstance(r, ReplicaRouter)] == [ReplicaRouter]


REPLICA_SETTINGS = (
    "from django.conf import settings as s\n"
    "import json\n"
    "r = s.DATABASES.get('replica')\n"
    "print(json.dumps(r and {k: r[k] for k in ('HOST', 'PORT', 'NAME', 'OPTIONS', 'TEST')}))\n"
)


def test_database_replica_url_makes_a_read_only_replica_alias_with_the_primarys_options():
    result = run_django(
        REPLICA_SETTINGS,
        DATABASE_URL="postgres://fremdrift@db1:5432/fremdrift",
        DATABASE_REPLICA_URL="postgres://fremdrift@db2:5433/fremdrift",
    )
    assert result.returncode == 0, result.stderr
    replica = json.loads(result.stdout)
    assert (replica["HOST"], replica["PORT"], replica["NAME"]) == ("db2", 5433, "fremdrift")
    assert replica["OPTIONS"] == {"options": "-c jit=off -c default_transaction_read_only=on"}
    assert replica["TEST"]["MIRROR"] == "default"


def test_without_database_replica_url_there_is_no_replica_and_sqlite_refuses_one():
    result = run_django(
        REPLICA_SETTINGS, DATABASE_URL="sqlite:///var/x.sqlite3", DATABASE_REPLICA_URL=""
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) is None
    refused = run_django(
        REPLICA_SETTINGS,
        DATABASE_URL="sqlite:///var/x.sqlite3",
        DATABASE_REPLICA_URL="postgres://fremdrift@db2:5433/fremdrift",
    )
    assert refused.returncode != 0
    assert "DATABASE_REPLICA_URL needs PostgreSQL" in refused.stderr
