"""Reads from a read replica (`DATABASE_REPLICA_URL`, the alias "replica"): the reads made
inside `reads_from_replica()` go there; every other read, and every write, goes to the
primary. The group reports and the analysis dataset run their statements in that scope;
pages, sign-in, sessions and writes never see the replica."""

import contextvars
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_replica_reads = contextvars.ContextVar("replica_reads", default=False)


@contextmanager
def reads_from_replica():
    """Reads inside go to the replica, where one is configured (a context manager, or a
    decorator of a view). Writes inside still go to the primary."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_reads_wanted() -> bool:
    """Whether the code runs inside `reads_from_replica()`."""
    return _replica_reads.get()


class ReplicaRouter:
    """Decides the replica's reads, keeps writes off it, and returns None for anything else,
    so that a router placing a model on a database of its own composes with it in
    `DATABASE_ROUTERS`."""

    def __init__(self, databases=connections):
        self.databases = databases  # the configured connections; a test passes its own

    def db_for_read(self, model, **hints):
        if not _replica_reads.get() or REPLICA not in self.databases:
            return None
        if self.databases[DEFAULT_DB_ALIAS].in_atomic_block:
            # A transaction on the primary may have written what it reads, which the replica
            # has not got.
            return None
        return REPLICA

    def db_for_write(self, model, **hints):
        # Django writes a row read from the replica back where it was read, unless told.
        instance = hints.get("instance")
        if instance is not None and instance._state.db == REPLICA:
            return DEFAULT_DB_ALIAS
        return None

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: a row read there may point at one here.
        found = {obj1._state.db, obj2._state.db}
        if REPLICA in found and found <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None
