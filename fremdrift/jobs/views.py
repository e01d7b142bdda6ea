from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from fremdrift.audit.routers import request_writes_database

from . import selectors

_migrated = False  # once every migration is applied, it stays so for this process


def _migrations_applied() -> bool:
    """In the main database and, on SQLite, in the file of what every request writes."""
    global _migrated
    if not _migrated:
        pending = False
        for alias in {DEFAULT_DB_ALIAS, request_writes_database()}:
            executor = MigrationExecutor(connections[alias])
            pending = pending or bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        _migrated = not pending
    return _migrated


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For a load balancer and the operators: the database answers (else 503), every
    migration is applied (else 503: this server runs code its database does not have yet), and
    when each scheduled job last succeeded or failed. No personal data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        migrated = _migrations_applied()
        jobs = selectors.job_runs() if migrated else {}
    except DatabaseError as error:
        reason = type(error).__name__
        return JsonResponse({"status": "error", "database": reason}, status=503)
    answer = {
        "status": "ok" if migrated else "error",
        "database": "ok",
        "migrations": "applied" if migrated else "pending",
        "jobs": jobs,
    }
    return JsonResponse(answer, status=200 if migrated else 503)
