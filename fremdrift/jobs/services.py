"""Running the scheduled jobs: each due job once, never two runs of one job at the same time,
even from several servers (a lease taken by one conditional UPDATE, which the database
serialises), and its outcome kept."""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import JobRun
from .registry import JOBS, Job

log = logging.getLogger("fremdrift.jobs")
LEASE = dt.timedelta(hours=1)  # longer than any job; a crashed run frees its job after it


@dataclass
class JobOutcome:
    name: str
    ran: bool
    ok: bool = True
    message: str = ""


def _job_lease(job: Job, now: dt.datetime) -> bool:
    """Takes the job for this run if it is due and nobody holds it."""
    try:
        with transaction.atomic():
            JobRun.objects.get_or_create(name=job.name)
    except IntegrityError:
        pass  # another server made the row at the same moment
    taken = (
        JobRun.objects.filter(name=job.name)
        .filter(Q(running_until__isnull=True) | Q(running_until__lt=now))
        .filter(Q(last_succeeded__isnull=True) | Q(last_succeeded__lte=now - job.every))
        .update(running_until=now + LEASE, last_started=now)
    )
    return taken == 1


def jobs_run_due(*, now: dt.datetime | None = None, jobs=None) -> list[JobOutcome]:
    """Runs each due job of `jobs` (all registered jobs by default) once."""
    outcomes = []
    for job in JOBS if jobs is None else jobs:
        started = now or timezone.now()
        if not _job_lease(job, started):
            outcomes.append(JobOutcome(job.name, ran=False))
            continue
        try:
            message = job.run()
        except Exception as problem:  # noqa: BLE001 (a failed job must not stop the others)
            log.exception("job %s failed", job.name)
            JobRun.objects.filter(name=job.name).update(
                running_until=None, last_failed=timezone.now(), last_message=str(problem)[:500]
            )
            outcomes.append(JobOutcome(job.name, ran=True, ok=False, message=str(problem)))
            continue
        JobRun.objects.filter(name=job.name).update(
            running_until=None, last_succeeded=started, last_message=message
        )
        log.info("job %s: %s", job.name, message)
        outcomes.append(JobOutcome(job.name, ran=True, message=message))
    return outcomes
