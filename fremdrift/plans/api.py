"""The plan in the REST API: plans, goals and their events, activities, meetings and mentors.
Read only; every resource follows the case through `citizens_in_scope` (the selectors), and
every read is in the access log."""

import datetime as dt
from typing import Annotated

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja import Path as PathParam

from fremdrift.accounts.models import Role
from fremdrift.api.schemas import errors
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.citizens.api import PAGE_SIZE, _in_utc

from . import selectors
from .models import Activity, Goal, GoalEvent, Meeting, Mentor, Plan

plans = Router(tags=["plans"])
goals = Router(tags=["goals"])
goal_events = Router(tags=["goal events"])
activities = Router(tags=["activities"])
meetings = Router(tags=["meetings"])
mentors = Router(tags=["mentors"])

MAX_ID = 2_147_483_647
# Ids fit the database's integer column; a larger one is a request of the wrong shape.
Id = Annotated[int, PathParam(..., ge=1, le=MAX_ID)]


def _citizen_filter():
    return Field(None, ge=1, le=MAX_ID, description="Only those of this citizen")


def _page_field():
    return Field(1, ge=1, le=1_000_000)


def _page(queryset, number: int) -> dict:
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(number)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "items": list(page.object_list),
    }


def _log_list(request: HttpRequest, citizen_ids) -> None:
    """A list shows personal data of the citizens its items belong to."""
    subjects = sorted(set(citizen_ids))
    if subjects:
        access_log_write(
            user=request.user, action=AccessAction.LIST, subjects=subjects, path=request.path
        )


def _log_view(request: HttpRequest, citizen) -> None:
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
    )


# Plans


class PlanOut(Schema):
    id: int
    citizen_id: int
    own_effort: str = Field(description="The citizen's own effort, in their words")
    citizen_comments: str
    created_at: dt.datetime
    revised_at: dt.datetime = Field(
        description="Moves when the plan changes and when goals, activities, meetings or "
        "mentors are added or changed"
    )
    version: int


class PlanPage(Schema):
    count: int
    page: int
    pages: int
    items: list[PlanOut]


class PlanFilters(Schema):
    updated_since: dt.datetime | None = Field(
        None,
        description="Only plans revised at or after this moment (ISO 8601), by the plan's "
        "`revised_at`",
    )
    citizen_id: int | None = _citizen_filter()
    page: int = _page_field()


@plans.get("", response={200: PlanPage, **errors(400)})
def plan_list(request: HttpRequest, filters: Query[PlanFilters]):
    """The plans of the citizens the token's user may see, by id, 100 a page."""
    found = selectors.plans_in_scope(request.user)
    if filters.updated_since:
        found = found.filter(revised_at__gte=_in_utc(filters.updated_since))
    if filters.citizen_id:
        found = found.filter(citizen_id=filters.citizen_id)
    page = _page(found.order_by("id"), filters.page)
    _log_list(request, (p.citizen_id for p in page["items"]))
    return page


@plans.get("/{plan_id}", response={200: PlanOut, **errors(404)})
def plan_detail(request: HttpRequest, plan_id: Id):
    plan: Plan = selectors.plan_get(request.user, plan_id)
    _log_view(request, plan.citizen)
    return plan


# Goals and their events


class GoalOut(Schema):
    id: int
    plan_id: int
    citizen_id: int
    parent_id: int | None = Field(
        description="The end goal a sub-goal hangs under; null for an end goal"
    )
    is_end_goal: bool
    text: str = Field(description="The goal in the citizen's own words")
    category: str | None = Field(None, description="Code from the code list end_goal_category")
    supported_by: str
    target_date: dt.date | None
    status: str
    gas_levels: dict = Field(description="Goal Attainment Scaling: the levels -2..+2 in words")
    gas_baseline: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_citizen_id(obj: Goal) -> int:
        return obj.plan.citizen_id

    @staticmethod
    def resolve_category(obj: Goal) -> str | None:
        return obj.category.code if obj.category_id else None


class GoalPage(Schema):
    count: int
    page: int
    pages: int
    items: list[GoalOut]


class GoalFilters(Schema):
    updated_since: dt.datetime | None = Field(
        None, description="Only goals changed at or after this moment (ISO 8601), by `updated_at`"
    )
    citizen_id: int | None = _citizen_filter()
    page: int = _page_field()


@goals.get("", response={200: GoalPage, **errors(400)})
def goal_list(request: HttpRequest, filters: Query[GoalFilters]):
    """The goals (end goals and sub-goals) the token's user may see, oldest change first, 100
    a page."""
    found = selectors.goals_in_scope(request.user)
    if filters.updated_since:
        found = found.filter(updated_at__gte=_in_utc(filters.updated_since))
    if filters.citizen_id:
        found = found.filter(plan__citizen_id=filters.citizen_id)
    page = _page(found.order_by("updated_at", "id"), filters.page)
    _log_list(request, (g.plan.citizen_id for g in page["items"]))
    return page


@goals.get("/{goal_id}", response={200: GoalOut, **errors(404)})
def goal_detail(request: HttpRequest, goal_id: Id):
    goal = selectors.goal_get(request.user, goal_id)
    _log_view(request, goal.plan.citizen)
    return goal


class GoalEventOut(Schema):
    id: int
    goal_id: int
    citizen_id: int
    at: dt.datetime
    actor_id: int
    reason: str
    note: str
    changes: dict = Field(description="The fields that changed, with their new values")
    meeting_id: int | None

    @staticmethod
    def resolve_citizen_id(obj: GoalEvent) -> int:
        return obj.goal.plan.citizen_id


class GoalEventPage(Schema):
    count: int
    page: int
    pages: int
    items: list[GoalEventOut]


class GoalEventFilters(Schema):
    updated_since: dt.datetime | None = Field(
        None,
        description="Only events that happened at or after this moment (ISO 8601), by the "
        "event's `at`",
    )
    goal_id: int | None = Field(None, ge=1, le=MAX_ID, description="Only the events of this goal")
    citizen_id: int | None = _citizen_filter()
    page: int = _page_field()


class EventsOfGoalFilters(Schema):
    updated_since: dt.datetime | None = Field(
        None,
        description="Only events that happened at or after this moment (ISO 8601), by the "
        "event's `at`",
    )
    page: int = _page_field()


def _events(request: HttpRequest, found, filters) -> dict:
    if filters.updated_since:
        found = found.filter(at__gte=_in_utc(filters.updated_since))
    page = _page(found.order_by("id"), filters.page)
    _log_list(request, (e.goal.plan.citizen_id for e in page["items"]))
    return page


@goals.get("/{goal_id}/events", response={200: GoalEventPage, **errors(400, 404)})
def goal_event_list_of_goal(request: HttpRequest, goal_id: Id, filters: Query[EventsOfGoalFilters]):
    """A goal's history, every change with its reason, in order, 100 a page."""
    goal = selectors.goal_get(request.user, goal_id)
    return _events(request, selectors.goal_events_in_scope(request.user).filter(goal=goal), filters)


@goal_events.get("", response={200: GoalEventPage, **errors(400)})
def goal_event_list(request: HttpRequest, filters: Query[GoalEventFilters]):
    """The goal events the token's user may see, by id, 100 a page."""
    found = selectors.goal_events_in_scope(request.user)
    if filters.goal_id:
        found = found.filter(goal_id=filters.goal_id)
    if filters.citizen_id:
        found = found.filter(goal__plan__citizen_id=filters.citizen_id)
    return _events(request, found, filters)


@goal_events.get("/{event_id}", response={200: GoalEventOut, **errors(404)})
def goal_event_detail(request: HttpRequest, event_id: Id):
    event = selectors.goal_event_get(request.user, event_id)
    _log_view(request, event.goal.plan.citizen)
    return event


# Activities


class HoursChangeOut(Schema):
    from_date: dt.date
    weekly_hours: float


class ActivityOut(Schema):
    id: int
    plan_id: int
    citizen_id: int
    sector: str = Field(description="Code from the code list activity_sector")
    kind: str = Field(description="Code from the code list activity_type, under the sector")
    purpose: str
    goal_ids: list[int]
    delivered_by: str
    start_date: dt.date
    end_date: dt.date | None
    weekly_hours: float | None = Field(description="Hours per week at the start")
    hours_changes: list[HoursChangeOut] = Field(description="Later changes of the weekly hours")
    company_mentor: bool
    result: str
    next_step: str
    version: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_citizen_id(obj: Activity) -> int:
        return obj.plan.citizen_id

    @staticmethod
    def resolve_sector(obj: Activity) -> str:
        return obj.sector.code

    @staticmethod
    def resolve_kind(obj: Activity) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_goal_ids(obj: Activity) -> list[int]:
        return [g.pk for g in obj.goals.all()]

    @staticmethod
    def resolve_hours_changes(obj: Activity) -> list:
        return list(obj.hours_changes.all())


class ActivityPage(Schema):
    count: int
    page: int
    pages: int
    items: list[ActivityOut]


class ActivityFilters(Schema):
    updated_since: dt.datetime | None = Field(
        None,
        description="Only activities changed at or after this moment (ISO 8601), by "
        "`updated_at` (a later change of the weekly hours does not move it)",
    )
    citizen_id: int | None = _citizen_filter()
    page: int = _page_field()


@activities.get("", response={200: ActivityPage, **errors(400)})
def activity_list(request: HttpRequest, filters: Query[ActivityFilters]):
    """The activities the token's user may see, with their changes of hours, oldest change
    first, 100 a page."""
    found = selectors.activities_in_scope(request.user)
    if filters.updated_since:
        found = found.filter(updated_at__gte=_in_utc(filters.updated_since))
    if filters.citizen_id:
        found = found.filter(plan__citizen_id=filters.citizen_id)
    page = _page(found.order_by("updated_at", "id"), filters.page)
    _log_list(request, (a.plan.citizen_id for a in page["items"]))
    return page


@activities.get("/{activity_id}", response={200: ActivityOut, **errors(404)})
def activity_detail(request: HttpRequest, activity_id: Id):
    activity = selectors.activity_get(request.user, activity_id)
    _log_view(request, activity.plan.citizen)
    return activity


# Meetings


class ParticipantOut(Schema):
    role: str = Field(description="Code from the code list participant_role")
    user_id: int | None
    name: str

    @staticmethod
    def resolve_role(obj) -> str:
        return obj.role.code


class MeetingOut(Schema):
    id: int
    plan_id: int
    citizen_id: int
    kind: str = Field(description="Code from the code list meeting_kind")
    date: dt.date
    citizen_attended: bool
    notes: str | None = Field(
        description="The meeting's notes; null for provider staff, whom a referral does not "
        "share them with"
    )
    notes_internal: bool = Field(description="The notes are not shown to the citizen")
    assessment_id: int | None
    recorded_by_id: int
    participants: list[ParticipantOut]

    @staticmethod
    def resolve_citizen_id(obj: Meeting) -> int:
        return obj.plan.citizen_id

    @staticmethod
    def resolve_kind(obj: Meeting) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_notes(obj: Meeting, context) -> str | None:
        request = (context or {}).get("request")
        if request is None or request.user.role == Role.PROVIDER_STAFF:
            return None
        return obj.notes

    @staticmethod
    def resolve_participants(obj: Meeting) -> list:
        return list(obj.participants.all())


class MeetingPage(Schema):
    count: int
    page: int
    pages: int
    items: list[MeetingOut]


class MeetingFilters(Schema):
    citizen_id: int | None = _citizen_filter()
    page: int = _page_field()


@meetings.get("", response={200: MeetingPage, **errors()})
def meeting_list(request: HttpRequest, filters: Query[MeetingFilters]):
    """The meetings the token's user may see, with who took part, by id, 100 a page. (A
    meeting has no change time, so there is no `updated_since`; new meetings have higher
    ids.)"""
    found = selectors.meetings_in_scope(request.user)
    if filters.citizen_id:
        found = found.filter(plan__citizen_id=filters.citizen_id)
    page = _page(found.order_by("id"), filters.page)
    _log_list(request, (m.plan.citizen_id for m in page["items"]))
    return page


@meetings.get("/{meeting_id}", response={200: MeetingOut, **errors(404)})
def meeting_detail(request: HttpRequest, meeting_id: Id):
    meeting = selectors.meeting_get(request.user, meeting_id)
    _log_view(request, meeting.plan.citizen)
    return meeting


# Mentors


class MentorOut(Schema):
    id: int
    plan_id: int
    citizen_id: int
    kind: str = Field(description="Code from the code list mentor_kind")
    name: str
    user_id: int | None
    start_date: dt.date
    end_date: dt.date | None
    tasks: list[str] = Field(description="Codes from the code list mentor_task")

    @staticmethod
    def resolve_citizen_id(obj: Mentor) -> int:
        return obj.plan.citizen_id

    @staticmethod
    def resolve_kind(obj: Mentor) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_tasks(obj: Mentor) -> list[str]:
        return sorted(t.code for t in obj.tasks.all())


class MentorPage(Schema):
    count: int
    page: int
    pages: int
    items: list[MentorOut]


class MentorFilters(Schema):
    citizen_id: int | None = _citizen_filter()
    page: int = _page_field()


@mentors.get("", response={200: MentorPage, **errors()})
def mentor_list(request: HttpRequest, filters: Query[MentorFilters]):
    """The mentors the token's user may see, with their tasks, by id, 100 a page. (A mentor
    has no change time, so there is no `updated_since`.)"""
    found = selectors.mentors_in_scope(request.user)
    if filters.citizen_id:
        found = found.filter(plan__citizen_id=filters.citizen_id)
    page = _page(found.order_by("id"), filters.page)
    _log_list(request, (m.plan.citizen_id for m in page["items"]))
    return page


@mentors.get("/{mentor_id}", response={200: MentorOut, **errors(404)})
def mentor_detail(request: HttpRequest, mentor_id: Id):
    mentor = selectors.mentor_get(request.user, mentor_id)
    _log_view(request, mentor.plan.citizen)
    return mentor
