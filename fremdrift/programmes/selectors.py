"""Reads of programmes: milestones reached by their rules, the programme page, and the
payment report per provider and quarter."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.http import Http404

from fremdrift.accounts.access import (
    is_caseworker,
    is_manager,
    is_provider_staff,
    may_record_fidelity,
    reads_programmes,
)
from fremdrift.accounts.models import Organisation, Role, User
from fremdrift.assessments.models import Answer
from fremdrift.citizens.access import (
    PROVIDER_PURPOSES,
    citizen_get,
    citizens_in_scope,
    may_end_enrolment,
)
from fremdrift.codelists.company import COMPANY_ACTIVITY_TYPES
from fremdrift.instruments.builtin import PROFILE_CODE
from fremdrift.instruments.models import NOMINAL_SCALES, InstrumentVersion, Item, Purpose
from fremdrift.plans.models import Activity, Goal, Meeting, Mentor

from .models import (
    Enrolment,
    FidelityAssessment,
    Milestone,
    MilestoneConfirmation,
    MilestoneRule,
    Programme,
    ProgrammeInstrument,
)

JOB_OR_EDUCATION = ("job", "education")
# Support in the first time in a job or education after an exit (seed 002, "efterværn"): an
# activity of this type that starts within AFTERCARE_DAYS of the exit belongs to it.
AFTERCARE = "aftercare"
AFTERCARE_DAYS = 92


@dataclass
class Reached:
    milestone: Milestone
    on: dt.date
    confirmed_by: object = None  # the user who confirmed it by hand; None when a rule did


@dataclass
class EnrolmentMilestones:
    enrolment: Enrolment
    reached: list[Reached] = field(default_factory=list)
    open_manual: list[Milestone] = field(default_factory=list)
    may_end: bool = False
    candidates: list = field(default_factory=list)

    @property
    def reached_codes(self) -> set[str]:
        return {r.milestone.code for r in self.reached}


def programmes_for(user) -> QuerySet[Programme]:
    """The programmes whose pages `user` may open: those of their own organisation."""
    if not reads_programmes(user):
        return Programme.objects.none()
    return Programme.objects.filter(organisation_id=user.organisation_id)


def instruments_for_providers(programme_ids) -> dict[int, list]:
    """Per programme, its instruments that provider staff fill in on the general assessment
    pages for a citizen referred to it (`citizens.access.PROVIDER_PURPOSES`): one query."""
    found: dict[int, list] = defaultdict(list)
    for link in (
        ProgrammeInstrument.objects.filter(
            programme_id__in=programme_ids, instrument__purpose__in=PROVIDER_PURPOSES
        )
        .select_related("instrument")
        .order_by("instrument__code")
    ):
        found[link.programme_id].append(link.instrument)
    return found


def fidelity_programme_get(user, programme_id: int) -> Programme:
    """A programme whose fidelity `user` records and reads: one of their own organisation's,
    for its staff, caseworkers and managers; any other answers 404."""
    if not may_record_fidelity(user):
        raise Http404
    try:
        return programmes_for(user).get(pk=programme_id)
    except Programme.DoesNotExist:
        raise Http404 from None


def fidelity_versions() -> QuerySet[InstrumentVersion]:
    """The fidelity scales in use (their published versions), with their items."""
    return (
        InstrumentVersion.objects.filter(
            status=InstrumentVersion.Status.PUBLISHED, instrument__purpose=Purpose.FIDELITY
        )
        .select_related("instrument")
        .prefetch_related("items")
        .order_by("instrument__code", "pk")
    )


@dataclass
class FidelityListRow:
    assessment: FidelityAssessment
    answered: int
    mean: float | None


def fidelity_assessments_of(programme: Programme) -> list[FidelityListRow]:
    """The programme's fidelity assessments, the newest period first, with how many items
    each answered and their mean."""
    rows = []
    for assessment in FidelityAssessment.objects.filter(programme=programme).select_related(
        "unit", "version__instrument", "recorded_by"
    ):
        values = [float(v) for v in assessment.answers.values() if v is not None]
        rows.append(
            FidelityListRow(assessment, len(values), sum(values) / len(values) if values else None)
        )
    return rows


def _first_dates(queryset, key: str, day: str) -> dict:
    return {
        row[key]: row["first"] for row in queryset.values(key).annotate(first=Min(day)).order_by()
    }


def milestones_reached(enrolments: list[Enrolment]) -> dict[int, EnrolmentMilestones]:
    """For each enrolment, the milestones reached and when: by rule from the data (the first
    qualifying event within the enrolment), or by hand. A fixed number of queries."""
    result = {e.pk: EnrolmentMilestones(enrolment=e) for e in enrolments}
    if not enrolments:
        return result
    programme_ids = {e.programme_id for e in enrolments}
    citizen_ids = {e.citizen_id for e in enrolments}
    milestones = defaultdict(list)
    for milestone in Milestone.objects.filter(programme_id__in=programme_ids):
        milestones[milestone.programme_id].append(milestone)
    meetings = defaultdict(list)
    for citizen_id, kind, day in Meeting.objects.filter(
        plan__citizen_id__in=citizen_ids,
        kind__code__in=("start_meeting", "coordinated_clarification"),
    ).values_list("plan__citizen_id", "kind__code", "date"):
        meetings[citizen_id, kind].append(day)
    company = defaultdict(list)
    for citizen_id, day in Activity.objects.filter(
        plan__citizen_id__in=citizen_ids, kind__code__in=COMPANY_ACTIVITY_TYPES
    ).values_list("plan__citizen_id", "start_date"):
        company[citizen_id].append(day)
    mentors = defaultdict(list)
    for citizen_id, start, end in Mentor.objects.filter(
        plan__citizen_id__in=citizen_ids
    ).values_list("plan__citizen_id", "start_date", "end_date"):
        mentors[citizen_id].append((start, end))
    first_goal = {
        citizen_id: first.date()
        for citizen_id, first in _first_dates(
            Goal.objects.filter(plan__citizen_id__in=citizen_ids), "plan__citizen_id", "created_at"
        ).items()
    }
    confirmed = {
        (c.enrolment_id, c.milestone_id): c
        for c in MilestoneConfirmation.objects.filter(
            enrolment_id__in=result.keys()
        ).select_related("confirmed_by")
    }
    today = dt.date.today()
    for enrolment in enrolments:
        start, end = enrolment.start_date, enrolment.end_date or today

        def first_in(days, start=start, end=end):
            inside = [d for d in days if start <= d <= end]
            return min(inside) if inside else None

        exit_day = (
            enrolment.end_date
            if enrolment.exit_reason_id and enrolment.exit_reason.code in JOB_OR_EDUCATION
            else None
        )
        company_day = first_in(company[enrolment.citizen_id])
        mentor_day = None
        goal_day = first_goal.get(enrolment.citizen_id)
        if goal_day is not None:
            for m_start, m_end in mentors[enrolment.citizen_id]:
                if m_start <= end and (m_end is None or m_end >= start):
                    day = max(start, m_start, goal_day)
                    if day <= end and (mentor_day is None or day < mentor_day):
                        mentor_day = day
        by_rule = {
            MilestoneRule.STARTED: start,
            MilestoneRule.START_MEETING: first_in(meetings[enrolment.citizen_id, "start_meeting"]),
            MilestoneRule.COORDINATED_CLARIFICATION: first_in(
                meetings[enrolment.citizen_id, "coordinated_clarification"]
            ),
            MilestoneRule.PLAN_WITH_MENTOR: mentor_day,
            MilestoneRule.COMPANY_ACTIVITY: company_day,
            MilestoneRule.JOB_OR_EDUCATION: exit_day,
            MilestoneRule.COMPANY_ACTIVITY_OR_JOB_EDUCATION: min(
                (d for d in (company_day, exit_day) if d is not None), default=None
            ),
        }
        for milestone in milestones[enrolment.programme_id]:
            if milestone.rule == MilestoneRule.MANUAL:
                confirmation = confirmed.get((enrolment.pk, milestone.pk))
                if confirmation is not None:
                    result[enrolment.pk].reached.append(
                        Reached(milestone, confirmation.reached_on, confirmation.confirmed_by)
                    )
            elif by_rule.get(milestone.rule) is not None:
                result[enrolment.pk].reached.append(Reached(milestone, by_rule[milestone.rule]))
    return result


@dataclass
class PaymentLine:
    programme: Programme
    milestone: Milestone
    citizens: int
    amount: Decimal


@dataclass
class PaymentItem:
    """One milestone one enrolment reached in the quarter: the specification's row."""

    enrolment_id: int
    programme: Programme
    milestone: Milestone
    reached_on: dt.date
    amount: Decimal
    citizen_id: int  # never shown: for the access log of the specification


@dataclass
class PaymentReport:
    provider: object
    year: int
    quarter: int
    first_day: dt.date
    last_day: dt.date
    lines: list[PaymentLine]
    # The specification, per enrolment (its number, never a name): its rows add up to the
    # lines' amounts.
    items: list[PaymentItem] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def citizen_ids(self) -> list[int]:
        """The citizens whose enrolments the specification shows, for the access log."""
        return sorted({item.citizen_id for item in self.items})


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, 3 * quarter - 2, 1)
    after = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return first, after - dt.timedelta(days=1)


def payment_providers(user) -> QuerySet[Organisation]:
    """The providers whose payment report `user` may open: their own organisation for a
    provider's or project's staff; for an authority's caseworkers and managers, the providers
    its own citizens were enrolled with. Nobody sees another organisation's programmes,
    milestones and prices otherwise."""
    if not reads_programmes(user) or user.organisation is None:
        return Organisation.objects.none()
    if user.organisation.kind != Organisation.Kind.AUTHORITY:
        return Organisation.objects.filter(pk=user.organisation_id)
    if not (is_caseworker(user) or is_manager(user)):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind__in=[Organisation.Kind.PROVIDER, Organisation.Kind.PROJECT],
        programmes__enrolments__citizen__home_organisation_id=user.organisation_id,
    ).distinct()


def payment_enrolments(user, provider) -> QuerySet[Enrolment]:
    """The enrolments in `provider`'s programmes that `user` may see on a payment report: all
    of them for the provider's own staff; those of the user's own citizens for an authority."""
    enrolments = Enrolment.objects.filter(programme__organisation=provider)
    if not reads_programmes(user):
        return enrolments.none()
    if user.organisation_id == provider.pk:
        return enrolments
    if is_caseworker(user) or is_manager(user):
        return enrolments.filter(citizen__home_organisation_id=user.organisation_id)
    return enrolments.none()


def payment_report(user, *, provider, year: int, quarter: int) -> PaymentReport:
    """Which milestones were reached in the quarter, by how many citizens, and what is owed:
    the programme's price times the milestone's share, for each citizen who reached it."""
    first, last = quarter_bounds(year, quarter)
    enrolments = list(
        payment_enrolments(user, provider)
        .filter(start_date__lte=last)
        .filter(
            Q(end_date__isnull=True)
            | Q(end_date__gte=first)
            | Q(milestone_confirmations__reached_on__gte=first)
        )
        .select_related("exit_reason", "programme")
        .distinct()
    )
    reached = milestones_reached(enrolments)
    milestones = list(
        Milestone.objects.filter(programme__organisation=provider)
        .select_related("programme")
        .order_by("programme__name", "programme_id", "position", "id")
    )
    # Each citizen's amount in whole øre, so that the specification adds up to the lines.
    per_citizen = {
        m.pk: (m.programme.price * m.share / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        for m in milestones
    }
    by_pk = {m.pk: m for m in milestones}
    citizen_of = {e.pk: e.citizen_id for e in enrolments}
    counts: dict[int, int] = defaultdict(int)
    items = []
    for enrolment_id, entry in sorted(reached.items()):
        for r in entry.reached:
            if first <= r.on <= last and r.milestone.pk in per_citizen:
                counts[r.milestone.pk] += 1
                milestone = by_pk[r.milestone.pk]
                items.append(
                    PaymentItem(
                        enrolment_id,
                        milestone.programme,
                        milestone,
                        r.on,
                        per_citizen[milestone.pk],
                        citizen_of[enrolment_id],
                    )
                )
    lines = [
        PaymentLine(m.programme, m, counts.get(m.pk, 0), per_citizen[m.pk] * counts.get(m.pk, 0))
        for m in milestones
    ]
    items.sort(key=lambda i: (i.enrolment_id, i.reached_on, i.milestone.position))
    return PaymentReport(provider, year, quarter, first, last, lines, items)


def enrolments_for(user, citizen) -> list[EnrolmentMilestones]:
    """The citizen's enrolments, newest first, with their milestones: all of them for the
    authority, those in the provider's own programmes for provider staff."""
    enrolments = Enrolment.objects.filter(citizen=citizen)
    if is_provider_staff(user):
        enrolments = enrolments.filter(programme__organisation_id=user.organisation_id)
    enrolments = list(
        enrolments.select_related(
            "programme__organisation",
            "exit_reason__parent",
            "responsible",
            "company_consultant",
            "citizen",
        ).order_by("-start_date", "-id")
    )
    reached = milestones_reached(enrolments)
    manual = defaultdict(list)
    for milestone in Milestone.objects.filter(
        programme_id__in={e.programme_id for e in enrolments}, rule=MilestoneRule.MANUAL
    ):
        manual[milestone.programme_id].append(milestone)
    for e in enrolments:
        done = reached[e.pk].reached_codes
        reached[e.pk].open_manual = [m for m in manual[e.programme_id] if m.code not in done]
    return [reached[e.pk] for e in enrolments]


def referable_programmes() -> QuerySet[Programme]:
    """The programmes a caseworker may refer a citizen to: the active programmes of active
    providers and projects (the referral form's list and the caseworker's programme page)."""
    return (
        Programme.objects.filter(
            is_active=True,
            organisation__is_active=True,
            organisation__kind__in=[Organisation.Kind.PROVIDER, Organisation.Kind.PROJECT],
        )
        .select_related("organisation", "target_group")
        .order_by("organisation__name", "name", "id")
    )


def programme_list(programmes: QuerySet[Programme]) -> QuerySet[Programme]:
    return (
        programmes.select_related("organisation", "target_group")
        .annotate(
            enrolled=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.ACTIVE))
        )
        .order_by("-is_active", "name", "id")
    )


@dataclass
class ActiveEnrolments:
    """What closing a programme would end: how many active enrolments, and the latest start
    among them (an exit date before it is refused)."""

    count: int
    latest_start: dt.date | None


def active_enrolments_of(programme: Programme) -> ActiveEnrolments:
    row = Enrolment.objects.filter(programme=programme, status=Enrolment.Status.ACTIVE).aggregate(
        count=Count("pk"), latest_start=Max("start_date")
    )
    return ActiveEnrolments(row["count"], row["latest_start"])


def responsible_candidates(enrolment: Enrolment):
    """Who can be made responsible for an enrolment."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(organisation_id=enrolment.programme.organisation_id)
            | Q(
                organisation_id=enrolment.citizen.home_organisation_id,
                role=Role.CASEWORKER,
            )
        )
        .order_by("first_name", "last_name", "username")
    )


def company_consultant_candidates(enrolment: Enrolment):
    """Who can be responsible for the company part of an enrolment: the active job
    consultants of the citizen's home organisation."""
    return User.objects.filter(
        is_active=True,
        organisation_id=enrolment.citizen.home_organisation_id,
        role=Role.JOB_CONSULTANT,
    ).order_by("first_name", "last_name", "username")


def programmes_in_scope(user) -> QuerySet[Programme]:
    """The programmes `user` may read (the API): the same rule as the programme pages
    (`programmes_for`), with their instruments, milestones and exit reasons."""
    return (
        programmes_for(user)
        .select_related("target_group")
        .prefetch_related(
            Prefetch(
                "programme_instruments",
                queryset=ProgrammeInstrument.objects.select_related("instrument").order_by("id"),
            ),
            Prefetch("milestones", queryset=Milestone.objects.order_by("position", "id")),
            "exit_reasons__parent",
        )
    )


def programme_get(user, programme_id: int) -> Programme:
    found = programmes_in_scope(user).filter(pk=programme_id).first()
    if found is None:
        raise Http404
    return found


def enrolments_in_scope(user) -> QuerySet[Enrolment]:
    """The enrolments `user` may read (the API), by the rule of `enrolments_for`: those of the
    citizens in scope; for provider staff only those in their own organisation's programmes."""
    enrolments = Enrolment.objects.filter(citizen__in=citizens_in_scope(user))
    if is_provider_staff(user):
        enrolments = enrolments.filter(programme__organisation_id=user.organisation_id)
    return enrolments.select_related("exit_reason__parent")


def enrolment_get(user, enrolment_id: int) -> Enrolment:
    found = enrolments_in_scope(user).select_related("citizen").filter(pk=enrolment_id).first()
    if found is None:
        raise Http404
    return found


def enrolment_to_change(user, citizen_id: int, enrolment_id: int) -> Enrolment:
    """An enrolment of a citizen in scope (else 404) that `user` may end and confirm
    milestones of (else 403)."""
    citizen = citizen_get(user, citizen_id)
    enrolment = (
        Enrolment.objects.select_related("programme__organisation", "citizen")
        .filter(pk=enrolment_id, citizen=citizen)
        .first()
    )
    if enrolment is None:
        raise Http404
    if not may_end_enrolment(user, enrolment):
        raise PermissionDenied
    return enrolment


def profile_items() -> list[Item]:
    """The items of the participant profile's published version, in order: the profile
    items the reports count, filter and group by."""
    return list(
        Item.objects.filter(
            version__instrument__code=PROFILE_CODE,
            version__status=InstrumentVersion.Status.PUBLISHED,
        ).order_by("position", "id")
    )


def enrolment_profiles(enrolment_ids) -> dict[int, dict[str, list[str]]]:
    """The codes chosen in each enrolment's participant profile, by item code: {enrolment id:
    {"match_group": ["match_2"], "match_reasons": ["mental_health", "social"]}}. An enrolment
    without a profile, and an item left out or answered 'don't know', are simply absent. One
    query, whatever the number of enrolments."""
    profiles: dict[int, dict[str, list[str]]] = defaultdict(dict)
    rows = (
        Answer.objects.filter(
            assessment__profile_of__in=list(enrolment_ids),
            item__scale_type__in=NOMINAL_SCALES,
        )
        .exclude(codes=[])
        .values_list("assessment__profile_of", "item__code", "codes")
    )
    for enrolment_id, item_code, codes in rows:
        profiles[enrolment_id][item_code] = list(codes)
    return dict(profiles)
