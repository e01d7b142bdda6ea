"""Reads of the worklist on arrival ("Mit overblik"): for caseworkers and job consultants,
their citizens overdue and due, plan reviews due, meetings this week and what others changed
since their previous visit; for provider staff, their referred citizens by the next score
due. Each section is one query, whatever the number of citizens: its first rows and its
count together (a window count over the whole filtered set)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Cast
from django.utils import timezone

from fremdrift.assessments.models import Assessment
from fremdrift.assessments.selectors import with_due
from fremdrift.audit.models import ChangeRecord
from fremdrift.audit.selectors import previous_visit
from fremdrift.citizens.access import citizens_in_scope
from fremdrift.citizens.models import Citizen
from fremdrift.plans.models import Meeting, MeetingParticipant
from fremdrift.programmes.models import Enrolment
from fremdrift.referrals import selectors as referral_selectors
from fremdrift.referrals.models import Referral

from .selectors import referrals_with_next_score

CAP = 10  # rows shown of a section; "Se alle" leads to the rest
PROVIDER_CAP = 25
WINDOW_DAYS = 14  # "due soon": within two weeks, as the caseload's filter
# Without a previous visit (a first sign-in, or a log purged), what changed in these days.
CHANGES_DAYS = 14
ENROLMENT_ENDED = [Enrolment.Status.ENDED.value]
REFERRAL_ENDED = [Referral.Status.ENDED.value, Referral.Status.WITHDRAWN.value]


@dataclass
class Section:
    rows: list
    count: int

    @property
    def more(self) -> bool:
        return self.count > len(self.rows)


def capped(rows: QuerySet, cap: int = CAP) -> Section:
    """The first `cap` rows of a query and how many there are in all, in one query."""
    found = list(rows.annotate(section_total=Window(Count("pk")))[:cap])
    return Section(rows=found, count=found[0].section_total if found else 0)


def end_of_week(day: dt.date) -> dt.date:
    """The Sunday of the week of `day` (a Danish week runs Monday to Sunday)."""
    return day + dt.timedelta(days=6 - day.weekday())


@dataclass
class Worklist:
    own: bool  # the user's own citizens; False: the organisation's (no caseload of their own)
    since: dt.datetime  # what changed since then
    since_visit: bool  # `since` is the previous visit (else the last CHANGES_DAYS days)
    overdue: Section
    due_soon: Section
    reviews: Section
    meetings: Section
    scores: Section
    exits: Section
    ended_referrals: Section
    today: dt.date
    week_end: dt.date
    citizens: list = field(default_factory=list)  # every citizen shown, for the access log


def my_citizens(user) -> tuple[QuerySet[Citizen], bool]:
    """The citizens whose responsible caseworker is the user; for a user without any (a job
    consultant, a new caseworker), the organisation's citizens in their scope."""
    in_scope = citizens_in_scope(user)
    own = in_scope.filter(responsible_caseworker_id=user.pk)
    if own.exists():
        return own, True
    return in_scope, False


def _ended(model, statuses: list[str], value: str) -> Subquery:
    """Of the latest change of the row to one of `statuses` in the change history: `value`
    ("at", when; "actor_id", by whom)."""
    return Subquery(
        ChangeRecord.objects.filter(
            model=model._meta.label,
            object_id=Cast(OuterRef("pk"), CharField()),
            kind=ChangeRecord.Kind.UPDATE,
            after__status__in=statuses,
        )
        .order_by("-at", "-id")
        .values(value)[:1]
    )


def caseload_worklist(user, *, today: dt.date | None = None) -> Worklist:
    today = today or dt.date.today()
    week_end = end_of_week(today)
    soon = today + dt.timedelta(days=WINDOW_DAYS)
    citizens, own = my_citizens(user)
    ids = citizens.values("pk")

    due = with_due(citizens, today=today)
    overdue = capped(due.filter(next_due__lt=today).order_by("next_due", "last_name", "id"))
    due_soon = capped(
        due.filter(next_due__gte=today, next_due__lte=soon).order_by("next_due", "last_name", "id")
    )
    reviews = capped(
        citizens.filter(plan__next_review__lte=soon)
        .annotate(plan_review=F("plan__next_review"))
        .order_by("plan_review", "last_name", "id")
    )
    # The meetings booked today and for the rest of the week of the user's citizens, and
    # those the user takes part in of any citizen in their scope (a colleague's citizen).
    takes_part = MeetingParticipant.objects.filter(meeting=OuterRef("pk"), user_id=user.pk)
    meetings = capped(
        Meeting.objects.filter(
            Q(plan__citizen_id__in=ids)
            | Q(Exists(takes_part), plan__citizen__in=citizens_in_scope(user)),
            status=Meeting.Status.BOOKED,
            date__gte=today,
            date__lte=week_end,
        )
        .select_related("plan__citizen", "kind")
        .order_by("date", "start_time", "id")
    )

    visit = previous_visit(user)
    since = visit or timezone.now() - dt.timedelta(days=CHANGES_DAYS)
    # A provider's new scores: assessments recorded by another organisation than the
    # citizen's own (provider staff on a referral).
    scores = capped(
        Assessment.objects.filter(
            citizen_id__in=ids,
            status=Assessment.Status.COMPLETED,
            created_at__gt=since,
        )
        .exclude(recorded_by_organisation_id=F("citizen__home_organisation_id"))
        .select_related("citizen", "version__instrument", "recorded_by_organisation")
        .order_by("-created_at", "-id")
    )
    # Exits and ended referrals: when the change history says they ended, by someone else
    # than the user (what the user did themself is no news to them).
    exits = capped(
        Enrolment.objects.filter(citizen_id__in=ids, status=Enrolment.Status.ENDED)
        .annotate(
            ended_at=_ended(Enrolment, ENROLMENT_ENDED, "at"),
            ended_by=_ended(Enrolment, ENROLMENT_ENDED, "actor_id"),
        )
        .filter(ended_at__gt=since)
        .exclude(ended_by=user.pk)
        .select_related("citizen", "programme__organisation", "exit_reason__parent")
        .order_by("-ended_at", "-id")
    )
    # A referral ended by an exit from its programme on the same day is the exit, shown above.
    exited = Enrolment.objects.filter(
        citizen_id=OuterRef("citizen_id"),
        programme_id=OuterRef("programme_id"),
        status=Enrolment.Status.ENDED,
        end_date=OuterRef("end_date"),
    )
    ended_referrals = capped(
        Referral.objects.filter(
            citizen_id__in=ids, status__in=[Referral.Status.ENDED, Referral.Status.WITHDRAWN]
        )
        .exclude(Exists(exited))
        .annotate(
            ended_at=_ended(Referral, REFERRAL_ENDED, "at"),
            ended_by=_ended(Referral, REFERRAL_ENDED, "actor_id"),
        )
        .filter(ended_at__gt=since)
        .exclude(ended_by=user.pk)
        .select_related("citizen", "provider", "programme")
        .order_by("-ended_at", "-id")
    )
    for citizen in overdue.rows:
        citizen.days_late = (today - citizen.next_due).days
    shown = {}
    for citizen in [*overdue.rows, *due_soon.rows, *reviews.rows]:
        shown[citizen.pk] = citizen
    for row in [*meetings.rows]:
        shown[row.plan.citizen_id] = row.plan.citizen
    for row in [*scores.rows, *exits.rows, *ended_referrals.rows]:
        shown[row.citizen_id] = row.citizen
    return Worklist(
        own=own,
        since=since,
        since_visit=visit is not None,
        overdue=overdue,
        due_soon=due_soon,
        reviews=reviews,
        meetings=meetings,
        scores=scores,
        exits=exits,
        ended_referrals=ended_referrals,
        today=today,
        week_end=week_end,
        citizens=list(shown.values()),
    )


@dataclass
class ProviderWorklist:
    referrals: Section  # active referrals to the user's organisation, the soonest score first
    overdue: int
    today: dt.date

    @property
    def citizens(self) -> list:
        return list({r.citizen_id: r.citizen for r in self.referrals.rows}.values())


def provider_worklist(user, *, today: dt.date | None = None) -> ProviderWorklist:
    """Provider staff's referred citizens: per active referral to their organisation the
    programme, the referral's start and the next score due (`referrals_with_next_score`,
    the rule of the provider's caseload), overdue first, then the soonest; referrals without
    a cadence last."""
    today = today or dt.date.today()
    referrals = referrals_with_next_score(
        referral_selectors.active_referrals().filter(
            provider_id=user.organisation_id,
            citizen_id__in=citizens_in_scope(user).values("pk"),
        )
    )
    listed = capped(
        referrals.select_related("citizen", "programme").order_by(
            F("due").asc(nulls_last=True), "start_date", "id"
        ),
        PROVIDER_CAP,
    )
    overdue = referrals.filter(due__lt=today).count()
    return ProviderWorklist(referrals=listed, overdue=overdue, today=today)
