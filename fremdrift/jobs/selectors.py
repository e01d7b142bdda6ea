from .models import JobRun


def job_runs() -> dict[str, dict]:
    """The last run of each job, for /healthz."""
    return {
        run.name: {
            "last_succeeded": run.last_succeeded.isoformat() if run.last_succeeded else None,
            "last_failed": run.last_failed.isoformat() if run.last_failed else None,
        }
        for run in JobRun.objects.order_by("name")
    }
