"""When a citizen's case is closed and when its data fall due for erasure.

A case is open while the citizen has an active enrolment, an active referral, an activity or
mentor without an end date, or a meeting booked ahead (a follow of an instrument alone does
not keep it open: a citizen no longer assessed has no case going on). Once none is left, the
case is closed since the last thing that happened in it: an enrolment or referral ended, an
assessment, an activity or mentor ended or changed, a meeting held or cancelled, a change of
the plan or a goal, or (a citizen of whom nothing else is recorded) their registration. The
data are due for erasure the organisation's rule's months after that day."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import DateField, Exists, Max, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Greatest, TruncDate

from fremdrift.assessments.models import Assessment
from fremdrift.citizens.models import Citizen
from fremdrift.plans.models import Activity, GoalEvent, Meeting, Mentor, Plan
from fremdrift.programmes.models import Enrolment
from fremdrift.referrals.models import Referral

from .models import ErasureApproval, ErasureCandidate, LegalHold, RetentionRule

NEVER = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class ClosedCase:
    citizen_id: int
    closed_since: dt.date
    due_on: dt.date


def organisation_citizen(*, organisation_id: int, citizen_id: int) -> Citizen | None:
    """A citizen whose home organisation is the administrator's: the only ones whose retention
    they manage."""
    return Citizen.objects.filter(pk=citizen_id, home_organisation_id=organisation_id).first()


def retention_months(organisation_id: int) -> int:
    rule = RetentionRule.objects.filter(organisation_id=organisation_id).first()
    return rule.months_after_close if rule else settings.FREMDRIFT_RETENTION_MONTHS


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day where it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _latest_of(model, citizen_path: str, field: str, **only):
    rows = (
        model.objects.filter(**{citizen_path: OuterRef("pk")}, **only)
        .order_by()
        .values(citizen_path)
    )
    return Coalesce(
        Subquery(rows.annotate(latest=Max(field)).values("latest")[:1], output_field=DateField()),
        Value(NEVER),
    )


def _day(field: str):
    return TruncDate(field)


def closed_cases(*, organisation_id: int, citizen_ids=None) -> list[ClosedCase]:
    """The organisation's citizens whose case is closed, with the day it closed and the day
    their data fall due for erasure under the organisation's rule."""
    open_case = (
        Exists(Enrolment.objects.filter(citizen=OuterRef("pk"), status=Enrolment.Status.ACTIVE))
        | Exists(Referral.objects.filter(citizen=OuterRef("pk"), status=Referral.Status.ACTIVE))
        | Exists(Activity.objects.filter(plan__citizen=OuterRef("pk"), end_date__isnull=True))
        | Exists(Mentor.objects.filter(plan__citizen=OuterRef("pk"), end_date__isnull=True))
        # A meeting booked ahead is work still to come, whatever its date.
        | Exists(Meeting.objects.filter(plan__citizen=OuterRef("pk"), status=Meeting.Status.BOOKED))
    )
    citizens = Citizen.objects.filter(home_organisation_id=organisation_id)
    if citizen_ids is not None:
        citizens = citizens.filter(pk__in=citizen_ids)
    closed = (
        citizens.annotate(is_open=open_case)
        .filter(is_open=False)
        .annotate(
            closed_since=Greatest(
                Cast(_day("created_at"), DateField()),
                _latest_of(Enrolment, "citizen", "end_date"),
                _latest_of(Referral, "citizen", "end_date"),
                _latest_of(Assessment, "citizen", "date"),
                _latest_of(Activity, "plan__citizen", "end_date"),
                _latest_of(Activity, "plan__citizen", _day("updated_at")),
                _latest_of(Mentor, "plan__citizen", "end_date"),
                _latest_of(Mentor, "plan__citizen", _day("updated_at")),
                _latest_of(Meeting, "plan__citizen", "date", status=Meeting.Status.HELD),
                _latest_of(
                    Meeting,
                    "plan__citizen",
                    _day("updated_at"),
                    status=Meeting.Status.CANCELLED,
                ),
                _latest_of(GoalEvent, "goal__plan__citizen", _day("at")),
                _latest_of(Plan, "citizen", _day("revised_at")),
                output_field=DateField(),
            )
        )
        .values_list("pk", "closed_since")
        .order_by("pk")
    )
    months = retention_months(organisation_id)
    return [
        ClosedCase(citizen_id=pk, closed_since=since, due_on=months_after(since, months))
        for pk, since in closed
    ]


def citizens_due(*, organisation_id: int, today: dt.date, citizen_ids=None) -> list[ClosedCase]:
    """Closed cases due for erasure today, but for citizens under a legal hold."""
    held = set(
        LegalHold.objects.filter(
            citizen__home_organisation_id=organisation_id, lifted_at__isnull=True
        ).values_list("citizen_id", flat=True)
    )
    return [
        case
        for case in closed_cases(organisation_id=organisation_id, citizen_ids=citizen_ids)
        if case.due_on <= today and case.citizen_id not in held
    ]


def erasure_candidates(*, organisation_id: int):
    """ "Klar til sletning": the citizens the daily job found due, longest due first."""
    return (
        ErasureCandidate.objects.filter(citizen__home_organisation_id=organisation_id)
        .select_related("citizen")
        .order_by("due_on", "citizen_id")
    )


def legal_holds_in_force(*, organisation_id: int):
    return (
        LegalHold.objects.filter(
            citizen__home_organisation_id=organisation_id, lifted_at__isnull=True
        )
        .select_related("citizen", "placed_by")
        .order_by("placed_at")
    )


def erasure_approvals(*, organisation_id: int):
    return ErasureApproval.objects.filter(organisation_id=organisation_id).select_related(
        "approved_by"
    )[:20]


def organisations_with_citizens() -> list[int]:
    return list(
        Citizen.objects.order_by().values_list("home_organisation_id", flat=True).distinct()
    )
