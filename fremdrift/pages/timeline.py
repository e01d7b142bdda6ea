"""The whole red thread of a citizen for a period: the plan's own entries
(`plans.selectors.timeline`: assessments with their movement, goal changes, activities,
meetings, mentors, aftercare activities) with the referrals and the enrolments and their exits
of the apps above plans, and the summary of interventions by sector and year.

Sector: an activity has its own; a referral and an enrolment (with its exit) count as
employment, the sector that refers and pays for the programmes."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fremdrift.codelists.labels import two_level_label
from fremdrift.plans import selectors as plan_selectors
from fremdrift.plans.selectors import TimelineEntry
from fremdrift.programmes.models import Enrolment
from fremdrift.referrals.models import Referral

PROGRAMME_SECTOR = "employment"
KINDS = (*plan_selectors.TIMELINE_KINDS, "referral", "enrolment", "exit")
KIND_LABELS = {
    **plan_selectors.KIND_LABELS,
    "referral": gettext_lazy("Referrals"),
    "enrolment": gettext_lazy("Enrolments"),
    "exit": gettext_lazy("Exits"),
}
YEARS = 5


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last five years up to today."""
    try:
        since = today.replace(year=today.year - YEARS)
    except ValueError:  # 29 February
        since = today.replace(year=today.year - YEARS, day=28)
    return since, today


def _period(start: dt.date, end: dt.date | None) -> str:
    return f"{start:%d.%m.%Y} – {end:%d.%m.%Y}" if end else f"{start:%d.%m.%Y} –"


def red_thread(
    citizen,
    *,
    since: dt.date,
    until: dt.date,
    kinds: set[str] | None = None,
    sector: str = "",
    assessments_of_organisation: int | None = None,
    may_read_notes=None,
) -> list[TimelineEntry]:
    """Every entry of the period, newest first; two queries more than the plan's own,
    whatever the history's length."""
    kinds = kinds or set(KINDS)
    if sector:
        programme_kinds = {"referral", "enrolment", "exit"} if sector == PROGRAMME_SECTOR else set()
        kinds = kinds & ({"activity"} | programme_kinds)
    entries = plan_selectors.timeline(
        citizen,
        kinds=(kinds & set(plan_selectors.TIMELINE_KINDS)) or {"none"},
        sector=sector,
        assessments_of_organisation=assessments_of_organisation,
        may_read_notes=may_read_notes,
    )
    if "referral" in kinds:
        referrals = (
            Referral.objects.filter(citizen=citizen)
            .select_related("provider", "programme")
            .prefetch_related("focus_items")
        )
        for r in referrals:
            details = [
                _("Provider: %(provider)s") % {"provider": r.provider.name},
                _("Period: %(period)s") % {"period": _period(r.start_date, r.end_date)},
                _("Status: %(status)s") % {"status": r.get_status_display()},
            ]
            focus = ", ".join(f.item_code for f in r.focus_items.all())
            if focus:
                details.append(_("Focus items: %(items)s") % {"items": focus})
            entries.append(
                TimelineEntry(
                    day=r.start_date,
                    kind="referral",
                    sector=PROGRAMME_SECTOR,
                    title=_("Referral: %(programme)s")
                    % {"programme": r.programme.name if r.programme else r.provider.name},
                    details=details,
                    intervention=not r.programme_id,
                    end=r.end_date,
                    has_result=False,
                )
            )
    if kinds & {"enrolment", "exit"}:
        enrolments = Enrolment.objects.filter(citizen=citizen).select_related(
            "programme", "exit_reason__parent"
        )
        for e in enrolments:
            if "enrolment" in kinds:
                entries.append(
                    TimelineEntry(
                        day=e.start_date,
                        kind="enrolment",
                        sector=PROGRAMME_SECTOR,
                        title=_("Enrolment: %(programme)s") % {"programme": e.programme.name},
                        details=[
                            _("Period: %(period)s") % {"period": _period(e.start_date, e.end_date)}
                        ],
                        intervention=True,
                        end=e.end_date,
                        has_result=e.exit_reason_id is not None,
                    )
                )
            if "exit" in kinds and e.end_date:
                reason = e.exit_reason
                details = []
                if reason is not None:
                    details.append(
                        _("Exit reason: %(reason)s") % {"reason": two_level_label(reason)}
                    )
                if e.exit_note:
                    details.append(e.exit_note)
                entries.append(
                    TimelineEntry(
                        day=e.end_date,
                        kind="exit",
                        sector=PROGRAMME_SECTOR,
                        title=_("Exit: %(programme)s") % {"programme": e.programme.name},
                        details=details,
                    )
                )
    entries = [e for e in entries if since <= e.day <= until]
    entries.sort(key=lambda e: (e.day, KINDS.index(e.kind)), reverse=True)
    return entries


@dataclass
class SummaryRow:
    sector: str
    year: int
    count: int = 0
    days: int = 0
    with_result: int = 0


def summary(entries: list[TimelineEntry], *, until: dt.date) -> list[SummaryRow]:
    """Interventions by sector and year of their start: how many, their days (up to their
    end, or to the period's end while they last) and how many have a result recorded."""
    rows: dict[tuple[str, int], SummaryRow] = defaultdict(lambda: SummaryRow("", 0))
    for e in entries:
        if not e.intervention:
            continue
        key = (e.sector, e.day.year)
        row = rows[key]
        row.sector, row.year = key
        row.count += 1
        row.days += ((min(e.end, until) if e.end else until) - e.day).days + 1
        row.with_result += e.has_result
    return sorted(rows.values(), key=lambda r: (r.year, r.sector), reverse=True)
