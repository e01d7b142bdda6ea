"""Reads that compose several apps for one page: the caseload (citizens with their next due
assessment) and the programme page (enrolments with their milestones, plans and the
provider's next scores)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from fremdrift.accounts.access import is_provider_staff, may_record_fidelity
from fremdrift.assessments.models import Answer, Assessment
from fremdrift.assessments.selectors import with_due
from fremdrift.citizens.access import citizens_in_scope
from fremdrift.citizens.models import Citizen
from fremdrift.citizens.selectors import citizen_search
from fremdrift.instruments.models import Respondent
from fremdrift.plans.models import Plan
from fremdrift.programmes.models import Enrolment, Programme
from fremdrift.programmes.selectors import EnrolmentMilestones, milestones_reached
from fremdrift.referrals import selectors as referral_selectors
from fremdrift.referrals.models import FocusItem, Referral

PLAN_OVERDUE = "plan_overdue"


class PlusDays(Func):
    """A date plus a number of days that is itself a column (NULL days: NULL)."""

    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra):
        template = "date(%(expressions)s || ' days')"
        return self.as_sql(compiler, connection, template=template, arg_joiner=", '+' || ", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = "(%(expressions)s)"
        return self.as_sql(compiler, connection, template=template, arg_joiner=" + ", **extra)


def referrals_with_next_score(referrals: QuerySet) -> QuerySet:
    """`referrals` annotated with their next score due (`due`), by the rule of
    `referrals.selectors.provider_next_due` in SQL: the referral's cadence from the provider's
    latest score on a focus item since the referral started, or from its start; NULL without
    a cadence."""
    focus_codes = FocusItem.objects.filter(referral_id=OuterRef(OuterRef(OuterRef("pk")))).values(
        "item_code"
    )
    latest_score = (
        Assessment.objects.filter(
            citizen_id=OuterRef("citizen_id"),
            version__instrument_id=OuterRef("instrument_id"),
            respondent=Respondent.PROVIDER,
            recorded_by_organisation_id=OuterRef("provider_id"),
            status=Assessment.Status.COMPLETED,
            date__gte=OuterRef("start_date"),
        )
        .filter(
            Exists(
                Answer.objects.filter(
                    assessment_id=OuterRef("pk"),
                    value__isnull=False,
                    item__code__in=focus_codes,
                )
            )
        )
        .order_by("-date")
        .values("date")[:1]
    )
    return referrals.annotate(
        due=PlusDays(
            Coalesce(Subquery(latest_score, output_field=DateField()), F("start_date")),
            F("interval_days"),
        )
    )


def referral_next_score_subquery(provider_id: int) -> Subquery:
    """The soonest next score due of a citizen's active referrals to the provider
    (`referrals_with_next_score`); none without a cadence."""
    return Subquery(
        referrals_with_next_score(
            referral_selectors.active_referrals().filter(
                citizen_id=OuterRef("pk"), provider_id=provider_id, interval_days__isnull=False
            )
        )
        .order_by("due")
        .values("due")[:1],
        output_field=DateField(),
    )


def _with_referral_due(citizens: QuerySet, *, provider_id: int, due_filter: str) -> QuerySet:
    """As `assessments.selectors.with_due`, with the provider's next score (`next_due`)."""
    day = dt.date.today()
    # The provider's own referral of each citizen: its programme and its date (the first,
    # when the citizen is referred to more than one of the provider's programmes).
    referral = (
        referral_selectors.active_referrals()
        .filter(citizen_id=OuterRef("pk"), provider_id=provider_id)
        .order_by("start_date", "id")
    )
    citizens = citizens.annotate(
        next_due=referral_next_score_subquery(provider_id),
        referral_start=Subquery(referral.values("start_date")[:1]),
        referral_programme=Subquery(referral.values("programme__name")[:1]),
    )
    if due_filter == "overdue":
        citizens = citizens.filter(next_due__lt=day)
    elif due_filter == "due":
        citizens = citizens.filter(next_due__lte=day + dt.timedelta(days=14))
    return citizens


def caseload(
    user, *, query: str = "", mine_only: bool = False, due: str = "", sort: str = ""
) -> QuerySet[Citizen]:
    """The caseload and the search: citizens in scope matching the search, annotated with
    their next due assessment (for provider staff, their referral's next score) and their
    plan's next review (`plan_review`, in the same query);
    the user's own caseload first, or the soonest due first. `due` 'plan_overdue': the
    citizens whose plan's review is overdue."""
    found = citizen_search(user, query=query, mine_only=mine_only)
    if is_provider_staff(user):
        # Provider staff score at the referral's own cadence, not the jobcentre's follows.
        citizens = _with_referral_due(found, provider_id=user.organisation_id, due_filter=due)
    else:
        citizens = with_due(found, due_filter=due)
    citizens = citizens.annotate(
        not_mine=Case(
            When(responsible_caseworker_id=user.pk, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        plan_review=F("plan__next_review"),
    )
    if due == PLAN_OVERDUE:
        citizens = citizens.filter(plan_review__lt=dt.date.today())
    if sort == "due" or is_provider_staff(user):  # provider staff have no caseload of their own
        return citizens.order_by(F("next_due").asc(nulls_last=True), "last_name", "id")
    return citizens.order_by("not_mine", "last_name", "first_name", "id")


@dataclass
class ProgrammeRow:
    enrolment: Enrolment
    citizen: object | None  # None when the citizen is outside the user's scope
    milestones: EnrolmentMilestones
    has_plan: bool
    next_due: dt.date | None


def programme_overview(user, programme: Programme) -> dict:
    """The programme page: who is enrolled, who is due, who has no plan, who reached which
    milestone, recent exits. Citizens outside the user's scope are shown without identity."""
    in_scope = set(
        citizens_in_scope(user).filter(enrolments__programme=programme).values_list("pk", flat=True)
    )
    recent = dt.date.today() - dt.timedelta(days=90)
    enrolments = list(
        Enrolment.objects.filter(programme=programme)
        .filter(Q(status=Enrolment.Status.ACTIVE) | Q(end_date__gte=recent))
        .select_related("citizen", "responsible", "exit_reason__parent")
        .order_by("start_date", "id")
    )
    reached = milestones_reached(enrolments)
    citizen_ids = {e.citizen_id for e in enrolments}
    with_plan = set(
        Plan.objects.filter(citizen_id__in=citizen_ids, goals__isnull=False).values_list(
            "citizen_id", flat=True
        )
    )
    referrals = list(
        Referral.objects.filter(
            programme=programme, status=Referral.Status.ACTIVE, citizen_id__in=citizen_ids
        ).prefetch_related("focus_items")
    )
    rows_by_referral = referral_selectors.focus_rows(referrals)
    due: dict[int, dt.date] = {}
    for referral in referrals:
        day = referral_selectors.provider_next_due(referral, rows_by_referral.get(referral.pk, []))
        if day is not None:
            due[referral.citizen_id] = min(day, due.get(referral.citizen_id, day))
    rows = [
        ProgrammeRow(
            enrolment=e,
            citizen=e.citizen if e.citizen_id in in_scope else None,
            milestones=reached[e.pk],
            has_plan=e.citizen_id in with_plan,
            next_due=due.get(e.citizen_id),
        )
        for e in enrolments
    ]
    active = [r for r in rows if r.enrolment.status == Enrolment.Status.ACTIVE]
    today = dt.date.today()
    return {
        "programme": programme,
        "milestones": list(programme.milestones.all()),
        "active": active,
        # Most overdue first.
        "due": sorted(
            (r for r in active if r.next_due is not None and r.next_due <= today),
            key=lambda r: r.next_due,
        ),
        "without_plan": [r for r in active if not r.has_plan],
        "exits": sorted(
            (r for r in rows if r.enrolment.status == Enrolment.Status.ENDED),
            key=lambda r: r.enrolment.end_date,
            reverse=True,
        ),
        "capacity_used": len(active),
        "may_record_fidelity": may_record_fidelity(user),
        "today": today,
    }
