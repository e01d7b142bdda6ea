from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import selectors

_migrated = False  # once every migration is applied, it stays so for this process


def _migrations_applied() -> bool:
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connection)
        _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
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
