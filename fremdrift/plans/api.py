"""The plan in the REST API: plans, goals and their events, activities, meetings and mentors.
Every resource follows the case through `citizens_in_scope` (the selectors), and every read is
in the access log. Writes are thin calls to `plans.services`, under the plan page's rule: the
citizen must be in scope (else 404) and the user must be one who may change the plan
(`assessments.selectors.may_record`, else 403)."""

import datetime as dt
import re
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja import Path as PathParam
from pydantic import field_validator

from fremdrift.accounts.models import Role, User
from fremdrift.api.schemas import errors
from fremdrift.assessments import selectors as assessment_selectors
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.citizens.api import PAGE_SIZE, _in_utc
from fremdrift.citizens.selectors import citizen_get
from fremdrift.codelists.models import Code, CodeList

from . import selectors, services
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


# Helpers of the writes, shared with the assessments' and programmes' API.

VERSION = re.compile(r"^[0-9]{1,10}$")


def _refuse_nul(value):
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("A text cannot hold the NUL character.")
    if isinstance(value, list):
        for part in value:
            _refuse_nul(part)
    if isinstance(value, dict):
        for key, part in value.items():
            _refuse_nul(key)
            _refuse_nul(part)
    return value


class InputSchema(Schema):
    """A request body. The database cannot store the NUL character, so a text holding one is
    a body of the wrong shape (422) rather than a server error."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value):
        return _refuse_nul(value)


def etag(version: int) -> str:
    return f'"{version}"'


def version_refusal(request: HttpRequest, current: int, what: str, *, required: bool = True):
    """None when `If-Match` names the current version; otherwise the answer: 428 when it is
    missing (and required), 412 when it is stale or not a version."""
    wanted = request.headers.get("If-Match", "").strip().strip('"')
    if not wanted:
        if not required:
            return None
        return Status(428, {"detail": "Send the version you change in If-Match."})
    if not VERSION.match(wanted) or int(wanted) != current:
        return stale(what)
    return None


def stale(what: str):
    return Status(412, {"detail": f"The {what} has changed since that version; read it again."})


def code_of(code_list: str, code: str | None, field: str, *, parent: str | None = None):
    """The active code `code` of a code list (under the code `parent` for a second level), or
    a 400 naming the field. None stays None."""
    if code is None:
        return None
    found = Code.objects.filter(code_list=code_list, code=code)
    found = found.filter(parent__code=parent) if parent else found.filter(parent=None)
    result = found.select_related("parent").first()
    if result is None:
        raise ValidationError({field: f"Unknown code in the code list {code_list}: {code[:60]}."})
    return result


def log_write(request: HttpRequest, citizen, action=AccessAction.EDIT) -> None:
    """The answer to a write shows the citizen's data, as the page after it does."""
    access_log_write(user=request.user, action=action, citizen=citizen, path=request.path)


def _citizen_to_change(request: HttpRequest, citizen_id: int):
    """The plan page's rule: the citizen in scope (else 404), and a user who may change the
    plan (else 403)."""
    citizen = citizen_get(request.user, citizen_id)
    if not assessment_selectors.may_record(request.user, citizen):
        raise PermissionDenied
    return citizen


def _plan_of(request: HttpRequest, citizen) -> Plan:
    """The citizen's plan, made on the first write as the plan page does (call inside the
    write's transaction, so that a refused write leaves no empty plan)."""
    return selectors.plan_of(citizen) or services.plan_get_or_create(
        actor=request.user, citizen=citizen
    )


def _may_change(request: HttpRequest, citizen) -> None:
    if not assessment_selectors.may_record(request.user, citizen):
        raise PermissionDenied


def _citizen_id_field():
    return Field(..., ge=1, le=MAX_ID, description="The citizen whose plan it is")


WRITE_ERRORS = errors(400, 403, 404)
CHANGE_ERRORS = errors(400, 403, 404, 412, 428)


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
def goal_detail(request: HttpRequest, goal_id: Id, response: HttpResponse):
    goal = selectors.goal_get(request.user, goal_id)
    _log_view(request, goal.plan.citizen)
    response["ETag"] = etag(goal.version)
    return goal


class GoalIn(InputSchema):
    citizen_id: int = _citizen_id_field()
    parent_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="The end goal of the same plan a sub-goal hangs under; null (or left out) "
        "for an end goal",
    )
    text: str = Field(..., max_length=2000, description="The goal in the citizen's own words")
    category: str | None = Field(
        None,
        max_length=60,
        description="Code from the code list end_goal_category; an end goal needs one",
    )
    supported_by: str = Field(
        "",
        max_length=20,
        description="Who supports it: caseworker, provider, mentor, citizen, other, or empty",
    )
    target_date: dt.date | None = None
    gas_levels: dict[str, str] = Field(
        default_factory=dict,
        description='Goal Attainment Scaling: all five levels "-2", "-1", "0", "1", "2" in '
        "words, or none",
    )
    gas_baseline: int | None = Field(None, description="Where the citizen stands now, -2..2")
    note: str = Field("", max_length=2000)


class GoalChange(InputSchema):
    """The reason and the fields that change; a field left out stays as it is."""

    reason: str = Field(
        ...,
        max_length=20,
        description="Why: achieved, relapse, situation_changed, new_information, follow_up, other",
    )
    note: str = Field("", max_length=2000, description="The explanation")
    meeting_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="The meeting of the same plan it was changed in"
    )
    gas_level: int | None = Field(
        None, description="The level reached at a follow-up, -2..2 (a goal scaled in levels)"
    )
    text: str | None = Field(None, max_length=2000)
    status: str | None = Field(
        None,
        max_length=20,
        description="active, achieved, partly, not_achieved or dropped",
    )
    target_date: dt.date | None = None
    category: str | None = Field(
        None, max_length=60, description="Code from the code list end_goal_category"
    )
    supported_by: str | None = Field(None, max_length=20)


@goals.post("", response={201: GoalOut, **WRITE_ERRORS})
def goal_create(request: HttpRequest, payload: GoalIn, response: HttpResponse):
    """Formulates an end goal (no `parent_id`; it needs a category) or a sub-goal under an end
    goal of the same plan. The plan is made on the first goal. As on the plan page: the
    citizen's caseworkers and the staff of a provider they are referred to."""
    citizen = _citizen_to_change(request, payload.citizen_id)
    category = code_of(CodeList.END_GOAL_CATEGORY, payload.category, "category")
    with transaction.atomic():
        plan = _plan_of(request, citizen)
        parent = None
        if payload.parent_id is not None:
            parent = plan.goals.filter(pk=payload.parent_id).first()
            if parent is None:
                raise ValidationError({"parent_id": "No goal with this id in the citizen's plan."})
        goal = services.goal_create(
            actor=request.user,
            plan=plan,
            text=payload.text,
            parent=parent,
            is_end_goal=parent is None,
            category=category,
            supported_by=payload.supported_by,
            target_date=payload.target_date,
            gas_levels=payload.gas_levels,
            gas_baseline=payload.gas_baseline,
            note=payload.note,
        )
    log_write(request, citizen, AccessAction.CREATE)
    response["ETag"] = etag(goal.version)
    return Status(201, selectors.goal_get(request.user, goal.pk))


@goals.put("/{goal_id}", response={200: GoalOut, **CHANGE_ERRORS})
def goal_change(request: HttpRequest, goal_id: Id, payload: GoalChange, response: HttpResponse):
    """Changes a goal, or rates its level at a follow-up, with the reason; every change is one
    goal event. Send the ETag you read in `If-Match`; a stale one answers 412 and changes
    nothing."""
    goal = selectors.goal_get(request.user, goal_id)
    citizen = goal.plan.citizen
    _may_change(request, citizen)
    refusal = version_refusal(request, goal.version, "goal")
    if refusal is not None:
        return refusal
    sent = payload.dict(exclude_unset=True)
    changes = {
        field: sent[field]
        for field in ("text", "status", "target_date", "category", "supported_by")
        if field in sent
    }
    if "category" in changes:
        changes["category"] = code_of(CodeList.END_GOAL_CATEGORY, changes["category"], "category")
    if "supported_by" in changes:
        changes["supported_by"] = changes["supported_by"] or ""
    meeting = None
    if payload.meeting_id is not None:
        meeting = Meeting.objects.filter(pk=payload.meeting_id, plan_id=goal.plan_id).first()
        if meeting is None:
            raise ValidationError({"meeting_id": "No meeting with this id in the citizen's plan."})
    try:
        changed = services.goal_change(
            actor=request.user,
            goal=goal,
            expected_version=goal.version,
            reason=payload.reason,
            note=payload.note,
            meeting=meeting,
            gas_level=payload.gas_level,
            **changes,
        )
    except services.StaleVersion:
        return stale("goal")
    log_write(request, citizen)
    response["ETag"] = etag(changed.version)
    return selectors.goal_get(request.user, changed.pk)


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
def activity_detail(request: HttpRequest, activity_id: Id, response: HttpResponse):
    activity = selectors.activity_get(request.user, activity_id)
    _log_view(request, activity.plan.citizen)
    response["ETag"] = etag(activity.version)
    return activity


def _hours_field(default=None, description: str = "Hours per week, 0 to 48"):
    return Field(default, allow_inf_nan=False, description=description)


class ActivityIn(InputSchema):
    citizen_id: int = _citizen_id_field()
    sector: str = Field(..., max_length=60, description="Code from the code list activity_sector")
    kind: str = Field(
        ...,
        max_length=60,
        description="Code from the code list activity_type, one under the sector",
    )
    purpose: str = Field(..., max_length=2000)
    goal_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list, max_length=100, description="Goals of the same plan it serves"
    )
    delivered_by: str = Field("", max_length=200)
    start_date: dt.date
    end_date: dt.date | None = None
    weekly_hours: float | None = _hours_field(description="Hours per week at the start, 0 to 48")
    company_mentor: bool = False
    result: str = Field(
        "", max_length=20, description="succeeded, partly, failed, too_early, or empty"
    )
    next_step: str = Field("", max_length=2000)


class ActivityChange(InputSchema):
    """The fields that change; a field left out stays as it is. (The goals it serves are set
    when it is added.)"""

    sector: str | None = Field(
        None, max_length=60, description="Code from the code list activity_sector"
    )
    kind: str | None = Field(
        None,
        max_length=60,
        description="Code from the code list activity_type, under the (new or current) sector",
    )
    purpose: str | None = Field(None, max_length=2000)
    delivered_by: str | None = Field(None, max_length=200)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    weekly_hours: float | None = _hours_field(description="Hours per week at the start, 0 to 48")
    company_mentor: bool | None = None
    result: str | None = Field(
        None, max_length=20, description="succeeded, partly, failed, too_early, or empty"
    )
    next_step: str | None = Field(None, max_length=2000)


class HoursIn(InputSchema):
    from_date: dt.date = Field(description="The first day of the new weekly hours")
    weekly_hours: float = _hours_field(...)


def _activity_codes(data: dict, current_sector: str | None = None) -> dict:
    """The sector and type codes of a body as code-list entries, or a 400 naming the field."""
    if "sector" in data:
        data["sector"] = code_of(CodeList.ACTIVITY_SECTOR, data["sector"], "sector")
    sector = data["sector"].code if data.get("sector") is not None else current_sector
    if "kind" in data:
        if sector is None:
            raise ValidationError({"sector": "Give the sector."})
        data["kind"] = code_of(CodeList.ACTIVITY_TYPE, data["kind"], "kind", parent=sector)
    return data


def _activity_out(request: HttpRequest, activity: Activity, response: HttpResponse):
    response["ETag"] = etag(activity.version)
    return selectors.activity_get(request.user, activity.pk)


@activities.post("", response={201: ActivityOut, **WRITE_ERRORS})
def activity_create(request: HttpRequest, payload: ActivityIn, response: HttpResponse):
    """Adds an activity to the citizen's plan (made on the first write). As on the plan page:
    the citizen's caseworkers and the staff of a provider they are referred to."""
    citizen = _citizen_to_change(request, payload.citizen_id)
    data = _activity_codes(payload.dict(exclude={"citizen_id", "goal_ids"}))
    if data["weekly_hours"] is not None:
        data["weekly_hours"] = str(data["weekly_hours"])
    with transaction.atomic():
        plan = _plan_of(request, citizen)
        wanted = set(payload.goal_ids)
        goals_served = list(plan.goals.filter(pk__in=wanted))
        if len(goals_served) != len(wanted):
            raise ValidationError({"goal_ids": "Choose goals of the citizen's plan."})
        activity = services.activity_create(
            actor=request.user, plan=plan, goals=goals_served, **data
        )
    log_write(request, citizen, AccessAction.CREATE)
    return Status(201, _activity_out(request, activity, response))


@activities.put("/{activity_id}", response={200: ActivityOut, **CHANGE_ERRORS})
def activity_update(
    request: HttpRequest, activity_id: Id, payload: ActivityChange, response: HttpResponse
):
    """Changes an activity: what came of it, its period, its hours at the start. Send the
    ETag you read in `If-Match`; a stale one answers 412 and changes nothing."""
    activity = selectors.activity_get(request.user, activity_id)
    citizen = activity.plan.citizen
    _may_change(request, citizen)
    refusal = version_refusal(request, activity.version, "activity")
    if refusal is not None:
        return refusal
    data = _activity_codes(payload.dict(exclude_unset=True), activity.sector.code)
    if data.get("weekly_hours") is not None:
        data["weekly_hours"] = str(data["weekly_hours"])
    for text_field in ("delivered_by", "result", "next_step"):
        if text_field in data and data[text_field] is None:
            data[text_field] = ""
    try:
        changed = services.activity_update(
            actor=request.user, activity=activity, expected_version=activity.version, **data
        )
    except services.StaleVersion:
        return stale("activity")
    log_write(request, citizen)
    return _activity_out(request, changed, response)


@activities.post("/{activity_id}/hours", response={201: ActivityOut, **errors(400, 403, 404, 412)})
def activity_hours_change(
    request: HttpRequest, activity_id: Id, payload: HoursIn, response: HttpResponse
):
    """A change of the weekly hours from a date (an internship or wage subsidy that grows).
    Answers the activity with its changes of hours. `If-Match` is optional here; when sent, a
    stale one answers 412."""
    activity = selectors.activity_get(request.user, activity_id)
    citizen = activity.plan.citizen
    _may_change(request, citizen)
    refusal = version_refusal(request, activity.version, "activity", required=False)
    if refusal is not None:
        return refusal
    services.activity_hours_change(
        actor=request.user,
        activity=activity,
        from_date=payload.from_date,
        weekly_hours=str(payload.weekly_hours),
    )
    log_write(request, citizen)
    return Status(201, _activity_out(request, activity, response))


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


class ParticipantIn(InputSchema):
    role: str = Field(..., max_length=60, description="Code from the code list participant_role")
    user_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="A user of the citizen's authority or of your own organisation",
    )
    name: str = Field("", max_length=200, description="The name, for one who is not a user")


class MeetingIn(InputSchema):
    citizen_id: int = _citizen_id_field()
    kind: str = Field(..., max_length=60, description="Code from the code list meeting_kind")
    date: dt.date = Field(description="The day it was held (not in the future)")
    citizen_attended: bool = True
    notes: str = Field("", max_length=20000)
    notes_internal: bool = Field(True, description="The notes are not shown to the citizen")
    participants: list[ParticipantIn] = Field(
        default_factory=list,
        max_length=50,
        description="Who took part; the recording user is not added by itself. Errors name "
        "the participant as `participant_<n>`, counted from 1",
    )
    assessment_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="An assessment of the citizen made in the meeting"
    )


@meetings.post("", response={201: MeetingOut, **WRITE_ERRORS})
def meeting_create(request: HttpRequest, payload: MeetingIn):
    """Records a meeting that has been held, with who took part. As on the plan page: the
    citizen's caseworkers and the staff of a provider they are referred to."""
    citizen = _citizen_to_change(request, payload.citizen_id)
    kind = code_of(CodeList.MEETING_KIND, payload.kind, "kind")
    users = User.objects.filter(
        is_active=True,
        organisation_id__in={citizen.home_organisation_id, request.user.organisation_id},
    )
    participants = []
    for number, participant in enumerate(payload.participants, start=1):
        field = f"participant_{number}"
        user = None
        if participant.user_id is not None:
            user = users.filter(pk=participant.user_id).first()
            if user is None:
                raise ValidationError({field: "No user with this id who can take part."})
        participants.append(
            {
                "role": code_of(CodeList.PARTICIPANT_ROLE, participant.role, field),
                "user": user,
                "name": participant.name,
            }
        )
    assessment = None
    if payload.assessment_id is not None:
        assessment = (
            assessment_selectors.assessments_in_scope(request.user)
            .filter(pk=payload.assessment_id, citizen=citizen)
            .first()
        )
        if assessment is None:
            raise ValidationError({"assessment_id": "No assessment with this id of the citizen."})
    with transaction.atomic():
        meeting = services.meeting_record(
            actor=request.user,
            plan=_plan_of(request, citizen),
            kind=kind,
            date=payload.date,
            citizen_attended=payload.citizen_attended,
            notes=payload.notes,
            notes_internal=payload.notes_internal,
            participants=participants,
            assessment=assessment,
        )
    log_write(request, citizen, AccessAction.CREATE)
    return Status(201, selectors.meeting_get(request.user, meeting.pk))


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


class MentorIn(InputSchema):
    citizen_id: int = _citizen_id_field()
    kind: str = Field(..., max_length=60, description="Code from the code list mentor_kind")
    name: str = Field(
        "", max_length=200, description="The mentor's name; may be left out with `user_id`"
    )
    user_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="A user of the citizen's authority (not a manager or administrator)",
    )
    start_date: dt.date
    end_date: dt.date | None = None
    tasks: list[Annotated[str, Field(max_length=60)]] = Field(
        default_factory=list, max_length=50, description="Codes from the code list mentor_task"
    )


@mentors.post("", response={201: MentorOut, **WRITE_ERRORS})
def mentor_create(request: HttpRequest, payload: MentorIn):
    """Gives the citizen a mentor with their tasks. As on the plan page: the citizen's
    caseworkers and the staff of a provider they are referred to."""
    citizen = _citizen_to_change(request, payload.citizen_id)
    kind = code_of(CodeList.MENTOR_KIND, payload.kind, "kind")
    tasks = [code_of(CodeList.MENTOR_TASK, task, "tasks") for task in dict.fromkeys(payload.tasks)]
    user = None
    if payload.user_id is not None:
        # The users the mentor form offers.
        user = (
            User.objects.filter(
                pk=payload.user_id, organisation_id=citizen.home_organisation_id, is_active=True
            )
            .exclude(role__in=[Role.MANAGER, Role.ADMINISTRATOR])
            .first()
        )
        if user is None:
            raise ValidationError({"user_id": "No user with this id who can be a mentor."})
    with transaction.atomic():
        mentor = services.mentor_assign(
            actor=request.user,
            plan=_plan_of(request, citizen),
            kind=kind,
            name=payload.name,
            user=user,
            start_date=payload.start_date,
            end_date=payload.end_date,
            tasks=tasks,
        )
    log_write(request, citizen, AccessAction.CREATE)
    return Status(201, selectors.mentor_get(request.user, mentor.pk))
