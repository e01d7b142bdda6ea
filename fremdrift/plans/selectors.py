"""Reads of the plan: the plan page, a goal's replayed history, the red thread (timeline) and
the citizen report, each in a fixed number of queries whatever the length of the history."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fremdrift.accounts.models import Role, User
from fremdrift.assessments.models import Assessment
from fremdrift.citizens.access import citizens_in_scope
from fremdrift.codelists.models import Code, CodeList
from fremdrift.codelists.selectors import codes_for

from .models import (
    Activity,
    CaseReview,
    Goal,
    GoalEvent,
    Meeting,
    MeetingParticipant,
    Mentor,
    Plan,
    PlanRole,
    StatutoryPlan,
    Supporter,
    VacancySuggestion,
)

PARTICIPANTS = Prefetch("participants", queryset=MeetingParticipant.objects.select_related("role"))


def plan_helpers(organisation_id: int):
    """The users who may be named in a citizen's plan as a mentor or in who does what: the
    active persons of the citizen's authority who work with cases (not managers or
    administrators, never an integration client)."""
    return (
        User.objects.filter(organisation_id=organisation_id, is_active=True, kind=User.Kind.PERSON)
        .exclude(role__in=[Role.MANAGER, Role.ADMINISTRATOR])
        .order_by("first_name", "username")
    )


def plan_of(citizen) -> Plan | None:
    return Plan.objects.filter(citizen=citizen).first()


def goals_of(plan: Plan) -> list[Goal]:
    """End goals with their sub-goals, then the sub-goals without an end goal, and every
    goal's events, oldest first."""
    events = Prefetch(
        "events", queryset=GoalEvent.objects.select_related("actor").order_by("at", "id")
    )
    sub_goals = Prefetch(
        "sub_goals",
        queryset=Goal.objects.select_related("category")
        .prefetch_related(events)
        .order_by("created_at", "id"),
    )
    goals = list(
        plan.goals.filter(parent=None)
        .select_related("category")
        .prefetch_related(events, sub_goals)
        .order_by("-is_end_goal", "created_at", "id")
    )
    every = [g for goal in goals for g in (goal, *goal.sub_goals.all())]
    categories = _category_labels(every)
    for goal in every:
        goal.history = goal_event_changes(goal, categories=categories)
    return goals


def plan_roles_of(plan: Plan) -> list[PlanRole]:
    """Who does what in the plan, in the order it was written."""
    return list(plan.roles.select_related("role", "user").order_by("id"))


def statutory_plans_of(plan: Plan) -> list[StatutoryPlan]:
    """The citizen's other plans recorded on the plan, the one with priority first, then by
    date."""
    return list(plan.statutory_plans.order_by("-has_priority", "made_on", "id"))


def replay(events) -> dict:
    """A goal's state from its events alone."""
    state: dict = {}
    for event in events:
        state |= event.changes
    return state


def activity_types(organisation, sector: Code | None = None) -> list[Code]:
    """The active activity types an organisation's users choose from (the defaults and the
    organisation's own, `codelists.selectors.codes_for`) of a sector, sorted by their label
    in the active language; without a sector, every sector's types. The one rule of which
    type belongs to which sector: a type is a second-level code of the list of types, under
    the first-level code named as the sector's code (`codelists/defaults.py`)."""
    types = (
        codes_for(code_list=CodeList.ACTIVITY_TYPE, organisation=organisation)
        .filter(parent__isnull=False)
        .select_related("parent")
    )
    if sector is not None:
        types = types.filter(parent__code=sector.code)
    return sorted(types, key=lambda c: (c.parent.label.casefold(), c.label.casefold()))


def activity_sector_of(kind: Code, sectors) -> Code | None:
    """The sector among `sectors` that the type `kind` belongs to, by the rule of
    `activity_types`."""
    return sectors.filter(code=kind.parent.code).first() if kind.parent_id else None


def activity_type_fits(sector: Code, kind: Code) -> bool:
    """Whether the type `kind` belongs to `sector`, by the rule of `activity_types`."""
    return kind.parent_id is not None and kind.parent.code == sector.code


def activities_of(plan: Plan) -> list[Activity]:
    return list(
        plan.activities.select_related("sector", "kind", "company", "mentor_contact")
        .prefetch_related("hours_changes", "goals")
        .order_by("-start_date", "-id")
    )


def vacancy_suggestions_of(plan: Plan) -> list[VacancySuggestion]:
    return list(
        plan.vacancy_suggestions.select_related("vacancy__company", "suggested_by").order_by(
            "-suggested_on", "-id"
        )
    )


def meetings_of(plan: Plan) -> list[Meeting]:
    """The plan's held meetings, the newest first."""
    return list(
        plan.meetings.filter(status=Meeting.Status.HELD)
        .select_related("kind", "assessment__version__instrument")
        .prefetch_related(PARTICIPANTS)
        .annotate(plan_changes=Count("goal_events"))
        .order_by("-date", "-id")
    )


def mentors_of(plan: Plan) -> list[Mentor]:
    return list(
        plan.mentors.select_related("kind").prefetch_related("tasks").order_by("-start_date")
    )


@dataclass
class TimelineEntry:
    day: dt.date
    kind: str  # assessment, goal_event, activity, meeting, mentor
    title: str
    sector: str = ""  # a sector code, for activities
    details: list[str] = field(default_factory=list)
    url: str = ""
    # An intervention (an activity, a referral, an enrolment) counts in the red thread's
    # summary by sector and year: its days from `day` to `end` and whether a result is recorded.
    intervention: bool = False
    end: dt.date | None = None
    has_result: bool = False


TIMELINE_KINDS = ("assessment", "goal_event", "activity", "meeting", "mentor")
KIND_LABELS = {
    "assessment": gettext_lazy("Assessments"),
    "goal_event": gettext_lazy("Goals"),
    "activity": gettext_lazy("Activities"),
    "meeting": gettext_lazy("Meetings"),
    "mentor": gettext_lazy("Mentors"),
}


def timeline(
    citizen,
    *,
    kinds: set[str] | None = None,
    sector: str = "",
    assessments_of_organisation: int | None = None,
    may_read_notes=None,
) -> list[TimelineEntry]:
    """Everything that happened to the citizen, newest first: six queries whatever the
    history's length. With `assessments_of_organisation` (a provider's view), only the
    assessments that organisation recorded, without links into the assessment pages."""
    kinds = kinds or set(TIMELINE_KINDS)
    if sector:
        kinds = kinds & {"activity"}
    entries: list[TimelineEntry] = []
    plan = plan_of(citizen)
    if "assessment" in kinds:
        assessments = Assessment.objects.filter(citizen=citizen, status="completed")
        if assessments_of_organisation is not None:
            assessments = assessments.filter(
                recorded_by_organisation_id=assessments_of_organisation
            )
        previous: dict[int, float] = {}
        for a in assessments.select_related("version__instrument").order_by("date", "pk"):
            details = [a.get_respondent_display()]
            if a.kind == Assessment.Kind.STARTING_SCORES:
                title = _("Starting scores at referral: %(instrument)s") % {
                    "instrument": a.version.instrument.name
                }
            else:
                title = _("Assessment: %(instrument)s") % {"instrument": a.version.instrument.name}
                instrument = a.version.instrument_id
                if a.score_total is not None:
                    if instrument in previous:
                        change = a.score_total - previous[instrument]
                        details.append(
                            _("Total %(total)g, %(change)+g since the previous reading")
                            % {"total": a.score_total, "change": change}
                        )
                    else:
                        details.append(_("Total %(total)g") % {"total": a.score_total})
                    previous[instrument] = a.score_total
            entries.append(
                TimelineEntry(
                    day=a.date,
                    kind="assessment",
                    title=title,
                    details=details,
                    url=""
                    if assessments_of_organisation is not None
                    else f"/citizens/{citizen.pk}/assessments/{a.pk}/",
                )
            )
    if plan is not None:
        if "goal_event" in kinds:
            # The goal's history in words (`goal_event_changes`): each change "before → after".
            goals = list(
                plan.goals.prefetch_related(
                    Prefetch("events", queryset=GoalEvent.objects.order_by("at", "id"))
                )
            )
            categories = _category_labels(goals)
            for goal in goals:
                for event, lines in goal_event_changes(goal, categories=categories):
                    title = (
                        _("Goal formulated")
                        if event.reason == GoalEvent.Reason.CREATED
                        else _("Goal changed: %(reason)s") % {"reason": event.get_reason_display()}
                    )
                    details = [goal.text, *lines]
                    if event.note:
                        details.append(event.note)
                    entries.append(
                        TimelineEntry(
                            day=timezone.localdate(event.at),
                            kind="goal_event",
                            title=title,
                            details=details,
                        )
                    )
        if "activity" in kinds:
            activities = plan.activities.select_related("sector", "kind")
            if sector:
                activities = activities.filter(sector__code=sector)
            for activity in activities:
                details = [_("Purpose: %(purpose)s") % {"purpose": activity.purpose}]
                if activity.result:
                    details.append(
                        _("Result: %(result)s") % {"result": activity.get_result_display()}
                    )
                if activity.next_step:
                    details.append(_("Next step: %(step)s") % {"step": activity.next_step})
                entries.append(
                    TimelineEntry(
                        day=activity.start_date,
                        kind="activity",
                        sector=activity.sector.code,
                        title=f"{activity.sector.label}: {activity.kind.label}",
                        details=details,
                        intervention=True,
                        end=activity.end_date,
                        has_result=bool(activity.result),
                    )
                )
        if "meeting" in kinds:
            # The red thread is what happened: held meetings, not those booked or cancelled.
            held = plan.meetings.filter(status=Meeting.Status.HELD)
            for meeting in held.select_related("kind").prefetch_related(PARTICIPANTS):
                roles = ", ".join(sorted({p.role.label for p in meeting.participants.all()}))
                details = [roles] if roles else []
                if not meeting.citizen_attended:
                    details.append(_("The citizen did not come."))
                if meeting.assessment_id:
                    details.append(_("An assessment was made in the meeting."))
                if meeting.notes and may_read_notes and may_read_notes(meeting.notes_internal):
                    details.append(_("Notes: %(notes)s") % {"notes": meeting.notes})
                entries.append(
                    TimelineEntry(
                        day=meeting.date, kind="meeting", title=meeting.kind.label, details=details
                    )
                )
        if "mentor" in kinds:
            for mentor in plan.mentors.select_related("kind"):
                entries.append(
                    TimelineEntry(
                        day=mentor.start_date,
                        kind="mentor",
                        title=_("Mentor: %(kind)s") % {"kind": mentor.kind.label},
                        details=[mentor.name],
                    )
                )
    entries.sort(key=lambda e: (e.day, TIMELINE_KINDS.index(e.kind)), reverse=True)
    return entries


def case_review_list(user, *, target_group_id: int | None = None):
    """The citizens a manager may review, under their case number: what their plan holds, with
    no name or CPR number. Counted in subqueries, so one query whatever the page."""

    def count_of(queryset):
        counted = queryset.order_by().values("plan__citizen").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    of_citizen = {"plan__citizen": OuterRef("pk")}
    citizens = citizens_in_scope(user, case_review=True).select_related("target_group")
    if target_group_id:
        citizens = citizens.filter(target_group_id=target_group_id)
    return citizens.annotate(
        plan_made=Subquery(Plan.objects.filter(citizen=OuterRef("pk")).values("created_at")[:1]),
        sub_goal_count=count_of(Goal.objects.filter(is_end_goal=False, **of_citizen)),
        reached_count=count_of(
            Goal.objects.filter(is_end_goal=False, status=Goal.Status.ACHIEVED, **of_citizen)
        ),
        activity_count=count_of(Activity.objects.filter(**of_citizen)),
    ).order_by("pk")


# The API's reads: each resource of the plan filtered through `citizens_in_scope`, so that the
# API follows the case as the plan page does (provider staff see the plan their active referral
# shares). The `*_get` functions answer 404 for anything outside the scope.


def plans_in_scope(user):
    return Plan.objects.filter(citizen__in=citizens_in_scope(user)).prefetch_related(
        Prefetch(
            "statutory_plans",
            queryset=StatutoryPlan.objects.order_by("-has_priority", "made_on", "id"),
        )
    )


def goals_in_scope(user):
    return Goal.objects.filter(plan__citizen__in=citizens_in_scope(user)).select_related(
        "plan", "category"
    )


def goal_events_in_scope(user):
    return GoalEvent.objects.filter(goal__plan__citizen__in=citizens_in_scope(user)).select_related(
        "goal__plan"
    )


def activities_in_scope(user):
    return (
        Activity.objects.filter(plan__citizen__in=citizens_in_scope(user))
        .select_related("plan", "sector", "kind")
        .prefetch_related(
            "hours_changes", Prefetch("goals", queryset=Goal.objects.only("id").order_by("id"))
        )
    )


def meetings_in_scope(user):
    return (
        Meeting.objects.filter(plan__citizen__in=citizens_in_scope(user))
        .select_related("plan__citizen", "kind")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=MeetingParticipant.objects.select_related("role").order_by("id"),
            )
        )
    )


def mentors_in_scope(user):
    return (
        Mentor.objects.filter(plan__citizen__in=citizens_in_scope(user))
        .select_related("plan", "kind")
        .prefetch_related("tasks")
    )


def plan_roles_in_scope(user):
    return PlanRole.objects.filter(plan__citizen__in=citizens_in_scope(user)).select_related(
        "plan", "role"
    )


def vacancy_suggestions_in_scope(user):
    return VacancySuggestion.objects.filter(
        plan__citizen__in=citizens_in_scope(user)
    ).select_related("plan", "vacancy__company")


def _one(queryset, pk: int, citizen_path: str):
    from django.http import Http404

    found = queryset.select_related(citizen_path).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def plan_get(user, plan_id: int) -> Plan:
    return _one(plans_in_scope(user), plan_id, "citizen")


def goal_get(user, goal_id: int) -> Goal:
    return _one(goals_in_scope(user), goal_id, "plan__citizen")


def goal_event_get(user, event_id: int) -> GoalEvent:
    return _one(goal_events_in_scope(user), event_id, "goal__plan__citizen")


def activity_get(user, activity_id: int) -> Activity:
    return _one(activities_in_scope(user), activity_id, "plan__citizen")


def meeting_get(user, meeting_id: int) -> Meeting:
    return _one(meetings_in_scope(user), meeting_id, "plan__citizen")


def mentor_get(user, mentor_id: int) -> Mentor:
    return _one(mentors_in_scope(user), mentor_id, "plan__citizen")


def plan_role_get(user, plan_role_id: int) -> PlanRole:
    return _one(plan_roles_in_scope(user), plan_role_id, "plan__citizen")


def vacancy_suggestion_get(user, suggestion_id: int) -> VacancySuggestion:
    return _one(vacancy_suggestions_in_scope(user), suggestion_id, "plan__citizen")


def _change_field_labels() -> dict[str, str]:
    return {
        "text": _("Goal"),
        "status": _("Status"),
        "target_date": _("Target date"),
        "category": _("Category"),
        "supported_by": _("Supported by"),
        "gas_level": _("Level reached"),
        "gas_levels": _("The five levels"),
        "gas_baseline": _("Level at the start"),
    }


def _change_value(name: str, value, categories: dict) -> str:
    if value in (None, "", {}):
        return "–"
    if name == "status":
        return str(Goal.Status(value).label) if value in Goal.Status.values else str(value)
    if name == "supported_by":
        return str(Supporter(value).label) if value in Supporter.values else str(value)
    if name == "target_date":
        try:
            return formats.date_format(dt.date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
        except ValueError:
            return str(value)
    if name == "category":
        return categories.get(value, str(value))
    if name == "gas_levels":
        return _("changed")
    if name in ("gas_level", "gas_baseline"):
        return f"{int(value):+d}"
    return str(value)


def _category_labels(goals) -> dict:
    """The end-goal categories' labels by id and code, in one query, only where an event of
    the goals changed a category."""
    categories: dict = {}
    if any("category" in event.changes for goal in goals for event in goal.events.all()):
        for code in Code.objects.filter(code_list=CodeList.END_GOAL_CATEGORY):
            categories[code.pk] = categories[code.code] = code.label
    return categories


def goal_event_changes(goal, *, categories: dict | None = None) -> list[tuple]:
    """(event, ["Status: Aktiv → Opnået", ...]) for each of the goal's events, oldest first:
    the state before each event is the replay of those before it. Reads the goal's events as
    prefetched (`goals_of` reads the category labels once for the whole plan)."""
    events = list(goal.events.all())
    if categories is None:
        categories = _category_labels([goal])
    labels = _change_field_labels()
    state: dict = {}
    out = []
    for event in events:
        lines = []
        for name, after in event.changes.items():
            before = state.get(name)
            if event.reason == GoalEvent.Reason.CREATED or before == after:
                continue
            label = labels.get(name, name)
            if name == "gas_level" or before is None:
                lines.append(f"{label}: {_change_value(name, after, categories)}")
            else:
                lines.append(
                    f"{label}: {_change_value(name, before, categories)} → "
                    f"{_change_value(name, after, categories)}"
                )
        state |= event.changes
        out.append((event, lines))
    return out


def case_reviews_latest(organisation_id: int) -> list:
    """The latest review of each case the organisation has reviewed (a case graded twice
    counts once, by its latest grades): what the case-review tally counts."""
    latest = {}
    for review in CaseReview.objects.filter(organisation_id=organisation_id).order_by(
        "reviewed_at", "id"
    ):
        latest[review.case_number] = review
    return list(latest.values())


def case_review_sample(user, *, start, end, size: int) -> list:
    """A random sample of up to `size` of the cases `user` may review that had activity in the
    period: an enrolment running in it or an assessment dated in it. Citizens, for their
    review numbers only."""
    active = Q(enrolments__start_date__lte=end) & (
        Q(enrolments__end_date__isnull=True) | Q(enrolments__end_date__gte=start)
    )
    assessed = Q(assessments__date__gte=start, assessments__date__lte=end)
    ids = (
        citizens_in_scope(user, case_review=True)
        .filter(active | assessed)
        .values_list("pk", flat=True)
        .distinct()
    )
    return list(ids.order_by("?")[:size])


def booked_meetings_of(plan: Plan) -> list[Meeting]:
    """The plan's booked meetings, the soonest first (those whose day has passed too, until
    they are completed or cancelled)."""
    return list(
        plan.meetings.filter(status=Meeting.Status.BOOKED)
        .select_related("kind")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=MeetingParticipant.objects.select_related("role").order_by("id"),
            )
        )
        .order_by("date", "start_time", "id")
    )


def next_meeting(plan, *, today: dt.date):
    """The plan's first booked meeting from today on, or None."""
    return (
        plan.meetings.filter(status=Meeting.Status.BOOKED, date__gte=today)
        .select_related("kind")
        .order_by("date", "start_time", "id")
        .first()
    )
