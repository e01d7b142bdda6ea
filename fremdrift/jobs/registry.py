"""Every scheduled job, in one place: what it does and how often. `manage.py run_jobs` runs
the due ones (services.jobs_run_due)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from fremdrift.assessments.services import follows_due_dates_refresh
from fremdrift.audit.services import access_log_purge
from fremdrift.portal.services import self_assessment_drafts_clear
from fremdrift.rights.services import erasure_candidates_refresh

from .digest import digests_send


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    run: Callable[[], str]  # returns what it did, for the log and /healthz


def _purge() -> str:
    return f"{access_log_purge()} access-log rows deleted"


def _due_dates() -> str:
    return f"{follows_due_dates_refresh()} due dates corrected"


def _erasure_due() -> str:
    listed, taken_off = erasure_candidates_refresh()
    return f"{listed} citizens due for erasure, {taken_off} taken off the list"


def _self_assessment_drafts() -> str:
    return f"{self_assessment_drafts_clear()} expired self-assessment links' answers forgotten"


JOBS = (
    Job("purge_access_log", dt.timedelta(days=1), _purge),
    Job("due_dates", dt.timedelta(days=1), _due_dates),
    Job("erasure_due", dt.timedelta(days=1), _erasure_due),
    Job("caseworker_digest", dt.timedelta(days=1), digests_send),
    # Hourly, so that an abandoned self-assessment is kept no more than an hour past its link.
    Job("self_assessment_drafts", dt.timedelta(hours=1), _self_assessment_drafts),
)
