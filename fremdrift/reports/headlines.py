"""The headline figures a manager or analyst lands on ("Mit overblik"): the organisation's
active enrolments, the share of due assessments done on time, and the progression report's
verdict in words. Each is the figure of the report it links to, run with the filters that
report opens with (`CohortForm.default_data`), so that the link shows the same number (as of
the time they were computed); each follows the small-cell rule of `privacy.py`.

Running those reports takes the time of three report pages, so the figures are computed at
most once a day per organisation and language (the verdict is in words) and kept in Django's
cache until the day ends: they depend on the user only through the organisation, as the
reports' cohort and default filters do (`cohort.cohort_units`, `forms.CohortForm`)."""

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count
from django.http import QueryDict
from django.utils import timezone, translation

from fremdrift.accounts.access import may_read_reports
from fremdrift.core.routers import reads_from_replica
from fremdrift.programmes.models import Enrolment

from .cohort import Filters, cohort_citizens, cohort_units
from .forms import ProgressionForm, QualityForm
from .privacy import HIDDEN, TOO_FEW, cohort_too_small, small, too_few
from .progression import progression_report
from .quality import quality_report
from .tables import summary_of


@dataclass
class Headlines:
    # The organisation's active enrolments (its programmes' and its own citizens'
    # elsewhere): the count, or `HIDDEN` when they are of 1 to 4 citizens.
    active_enrolments: int | str
    # The share (0-100) of due assessments of the last year done within a week of their due
    # date: None when none was due, `HIDDEN` for fewer than 5 citizens.
    on_time: float | str | None
    on_time_due: int = 0
    # The progression report's sentences, and the instrument they are of (None: no report).
    verdict: list[str] = field(default_factory=list)
    instrument: object = None
    # When the figures were computed (they are kept for the rest of the day).
    computed_at: dt.datetime | None = None

    @property
    def on_time_hidden(self) -> bool:
        return self.on_time == HIDDEN


def _opening(form_class, user):
    """The report's form as the report opens, with its defaults; None when it has none."""
    defaults = form_class(user=user).default_data()
    form = form_class(QueryDict(urlencode(defaults)), user=user)
    return form if form.is_valid() else None


def _active_enrolments(user) -> int | str:
    counts = (
        cohort_units(user, Filters())
        .filter(status=Enrolment.Status.ACTIVE)
        .aggregate(n=Count("pk"), citizens=Count("citizen_id", distinct=True))
    )
    return HIDDEN if small(counts["citizens"]) else counts["n"]


def _on_time(user) -> tuple[float | str | None, int]:
    form = _opening(QualityForm, user)
    if form is None:
        return None, 0
    filters = form.filters()
    citizens = len(cohort_citizens(user, filters))
    if cohort_too_small(citizens):
        return HIDDEN, 0
    report = quality_report(user, filters)
    rows = report.by_staff  # the organisation's own follows; providers score at their cadence
    due = sum(r.due for r in rows)
    if not due:
        return None, 0
    if too_few(sum(r.citizens for r in rows)):
        return HIDDEN, due
    return 100 * sum(r.on_time for r in rows) / due, due


def _verdict(user) -> tuple[list[str], object]:
    form = _opening(ProgressionForm, user)
    if form is None:
        return [], None
    filters = form.filters()
    instrument = form.cleaned_data["instrument"]
    citizens = len(cohort_citizens(user, filters))
    if not citizens:
        return [], instrument
    if cohort_too_small(citizens):
        return [str(TOO_FEW)], instrument
    report = progression_report(
        user, filters, instrument=instrument, horizon=form.cleaned_data["horizon"]
    )
    return [str(line) for line in summary_of(report)], instrument


def headlines(user, *, today: dt.date | None = None) -> Headlines:
    """The organisation's figures of `today` (by default the local date): computed by the
    day's first visit in the user's language, read from the cache by the others."""
    if not may_read_reports(user):
        return _computed(user)  # nothing to count, and nothing to keep under the organisation
    today = today or timezone.localdate()
    key = f"reports:headlines:{user.organisation_id}:{today.isoformat()}:{_language()}"
    found = cache.get(key)
    if found is None:
        found = _computed(user)
        cache.set(key, found, timeout=_seconds_left(today))
    return found


def _language() -> str:
    return translation.get_language() or "da"


def _seconds_left(today: dt.date) -> int:
    """Until the end of `today` in local time, at least a minute: a new day has a key of its
    own, and yesterday's figures leave the cache."""
    midnight = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time()))
    return max(60, int((midnight - timezone.now()).total_seconds()))


def _computed(user) -> Headlines:
    with reads_from_replica():
        on_time, due = _on_time(user)
        verdict, instrument = _verdict(user)
        return Headlines(
            active_enrolments=_active_enrolments(user),
            on_time=on_time,
            on_time_due=due,
            verdict=verdict,
            instrument=instrument,
            computed_at=timezone.now(),
        )
