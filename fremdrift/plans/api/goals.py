"""Plans, goals and goal events in the REST API. They follow the case through
`citizens_in_scope` (the selectors), and every read is in the access log. The plan's own fields
and goals are written by thin calls to `plans.services`, under the plan page's rule (`rules`);
every change of a goal is one goal event."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from fremdrift.audit.api_log import list_page, log_view, log_write
from fremdrift.audit.models import AccessAction
from fremdrift.codelists.models import CodeList
from fremdrift.codelists.selectors import code_of
from fremdrift.core.api_kit import (
    MAX_ID,
    Id,
    InputSchema,
    citizen_filter,
    errors,
    etag,
    page_field,
    stale,
    version_refusal,
)
from fremdrift.core.exceptions import StaleVersion

from .. import selectors, services
from ..models import Goal, GoalEvent, Meeting, Plan
from .rules import (
    CHANGE_ERRORS,
    WRITE_ERRORS,
    citizen_id_field,
    citizen_to_change,
    may_change,
    plan_of,
)

# The operation ids are given as they were when the plan's endpoints were one module
# (`fremdrift.plans.api`), so that the schema and the clients made from it stay the same.
plans = Router(tags=["plans"])
goals = Router(tags=["goals"])
goal_events = Router(tags=["goal events"])


# Plans


class StatutoryPlanOut(Schema):
    id: int
    kind: str = Field(
        description="jobplan (the job plan, Min Plan), education_plan, action_plan_141 (an "
        "action plan under § 141 of the Social Services Act) or other"
    )
    label: str = Field(description="The plan's name; always given for `other`")
    made_on: dt.date = Field(description="The plan's date")
    has_priority: bool = Field(description="This plan takes priority over the others")
    version: int
    updated_at: dt.datetime


class PlanOut(Schema):
    id: int
    citizen_id: int
    own_effort: str = Field(description="The citizen's own effort, in their words")
    citizen_comments: str
    made_on: dt.date | None = Field(
        description="The day the plan was made, where it was made before its first goal"
    )
    next_review: dt.date | None = Field(
        description="When the plan is next to be followed up; a day before today is overdue"
    )
    statutory_plans: list[StatutoryPlanOut] = Field(
        description="The citizen's other plans recorded on this plan (read-only here; "
        "recorded on the plan page), the one with priority first"
    )
    created_at: dt.datetime
    revised_at: dt.datetime = Field(
        description="Moves when the plan changes and when goals, activities, meetings, "
        "mentors or other plans are added or changed"
    )
    version: int

    @staticmethod
    def resolve_statutory_plans(obj: Plan) -> list:
        return list(obj.statutory_plans.all())


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
    citizen_id: int | None = citizen_filter()
    page: int = page_field()


@plans.get(
    "", response={200: PlanPage, **errors(400)}, operation_id="fremdrift_plans_api_plan_list"
)
def plan_list(request: HttpRequest, filters: Query[PlanFilters]):
    """The plans of the citizens the token's user may see, by id, 100 a page."""
    return list_page(
        request,
        selectors.plans_in_scope(request.user),
        filters,
        updated_field="revised_at",
        order_by=("id",),
    )


@plans.get(
    "/{plan_id}",
    response={200: PlanOut, **errors(404)},
    operation_id="fremdrift_plans_api_plan_detail",
)
def plan_detail(request: HttpRequest, plan_id: Id, response: HttpResponse):
    plan: Plan = selectors.plan_get(request.user, plan_id)
    log_view(request, plan.citizen)
    response["ETag"] = etag(plan.version)
    return plan


class PlanChange(InputSchema):
    """The fields that change; a field left out stays as it is."""

    own_effort: str | None = Field(None, description="The citizen's own effort, in their words")
    citizen_comments: str | None = None
    made_on: dt.date | None = Field(
        None, description="The day the plan was made, where it was made before its first goal"
    )
    next_review: dt.date | None = Field(
        None,
        description="When the plan is next to be followed up: from the citizen's birth to five "
        "years ahead; `null` removes it",
    )


@plans.put(
    "/{plan_id}",
    response={200: PlanOut, **CHANGE_ERRORS},
    operation_id="fremdrift_plans_api_plan_change",
)
def plan_change(request: HttpRequest, plan_id: Id, payload: PlanChange, response: HttpResponse):
    """Changes the citizen's own effort and comments, the day the plan was made and its next
    review. As on the plan page: the citizen's
    caseworkers and the staff of a provider they are referred to. Send the ETag you read in
    `If-Match`; a stale one answers 412 and changes nothing."""
    plan: Plan = selectors.plan_get(request.user, plan_id)
    citizen = plan.citizen
    may_change(request, citizen)
    refusal = version_refusal(request, plan.version, "plan")
    if refusal is not None:
        return refusal
    try:
        changed = services.plan_update(
            actor=request.user,
            plan=plan,
            expected_version=plan.version,
            own_effort=plan.own_effort if payload.own_effort is None else payload.own_effort,
            citizen_comments=plan.citizen_comments
            if payload.citizen_comments is None
            else payload.citizen_comments,
            made_on=plan.made_on if payload.made_on is None else payload.made_on,
            next_review=payload.next_review
            if "next_review" in payload.model_fields_set
            else services.UNCHANGED,
        )
    except StaleVersion:
        return stale("plan")
    log_write(request, citizen)
    response["ETag"] = etag(changed.version)
    return selectors.plan_get(request.user, changed.pk)


# Goals and their events


class GoalOut(Schema):
    id: int
    plan_id: int
    citizen_id: int
    parent_id: int | None = Field(
        description="The end goal a sub-goal hangs under; null for an end goal and for a "
        "sub-goal without an end goal"
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
    citizen_id: int | None = citizen_filter()
    page: int = page_field()


@goals.get(
    "", response={200: GoalPage, **errors(400)}, operation_id="fremdrift_plans_api_goal_list"
)
def goal_list(request: HttpRequest, filters: Query[GoalFilters]):
    """The goals (end goals and sub-goals) the token's user may see, oldest change first, 100
    a page."""
    return list_page(
        request, selectors.goals_in_scope(request.user), filters, citizen_field="plan__citizen_id"
    )


@goals.get(
    "/{goal_id}",
    response={200: GoalOut, **errors(404)},
    operation_id="fremdrift_plans_api_goal_detail",
)
def goal_detail(request: HttpRequest, goal_id: Id, response: HttpResponse):
    goal = selectors.goal_get(request.user, goal_id)
    log_view(request, goal.plan.citizen)
    response["ETag"] = etag(goal.version)
    return goal


class GoalIn(InputSchema):
    citizen_id: int = citizen_id_field()
    parent_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="The end goal of the same plan a sub-goal hangs under; null (or left out) "
        "for an end goal and for a sub-goal without an end goal",
    )
    is_end_goal: bool | None = Field(
        None,
        description="false for a sub-goal without an end goal (with no `parent_id`); left out, "
        "a goal without `parent_id` is an end goal",
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


@goals.post(
    "", response={201: GoalOut, **WRITE_ERRORS}, operation_id="fremdrift_plans_api_goal_create"
)
def goal_create(request: HttpRequest, payload: GoalIn, response: HttpResponse):
    """Formulates an end goal (no `parent_id`; it needs a category), a sub-goal under an end
    goal of the same plan, or a sub-goal without an end goal (`is_end_goal` false). The plan
    is made on the first goal. As on the plan page: the citizen's caseworkers and the staff of
    a provider they are referred to."""
    citizen = citizen_to_change(request, payload.citizen_id)
    category = code_of(
        CodeList.END_GOAL_CATEGORY,
        payload.category,
        "category",
        organisation=request.user.organisation_id,
    )
    with transaction.atomic():
        plan = plan_of(request, citizen)
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
            is_end_goal=parent is None if payload.is_end_goal is None else payload.is_end_goal,
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


@goals.put(
    "/{goal_id}",
    response={200: GoalOut, **CHANGE_ERRORS},
    operation_id="fremdrift_plans_api_goal_change",
)
def goal_change(request: HttpRequest, goal_id: Id, payload: GoalChange, response: HttpResponse):
    """Changes a goal, or rates its level at a follow-up, with the reason; every change is one
    goal event. Send the ETag you read in `If-Match`; a stale one answers 412 and changes
    nothing."""
    goal = selectors.goal_get(request.user, goal_id)
    citizen = goal.plan.citizen
    may_change(request, citizen)
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
        changes["category"] = code_of(
            CodeList.END_GOAL_CATEGORY,
            changes["category"],
            "category",
            organisation=request.user.organisation_id,
        )
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
    except StaleVersion:
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
    citizen_id: int | None = citizen_filter()
    page: int = page_field()


class EventsOfGoalFilters(Schema):
    updated_since: dt.datetime | None = Field(
        None,
        description="Only events that happened at or after this moment (ISO 8601), by the "
        "event's `at`",
    )
    page: int = page_field()


def _events(request: HttpRequest, found, filters) -> dict:
    return list_page(
        request,
        found,
        filters,
        updated_field="at",
        citizen_field="goal__plan__citizen_id",
        order_by=("id",),
    )


@goals.get(
    "/{goal_id}/events",
    response={200: GoalEventPage, **errors(400, 404)},
    operation_id="fremdrift_plans_api_goal_event_list_of_goal",
)
def goal_event_list_of_goal(request: HttpRequest, goal_id: Id, filters: Query[EventsOfGoalFilters]):
    """A goal's history, every change with its reason, in order, 100 a page."""
    goal = selectors.goal_get(request.user, goal_id)
    return _events(request, selectors.goal_events_in_scope(request.user).filter(goal=goal), filters)


@goal_events.get(
    "",
    response={200: GoalEventPage, **errors(400)},
    operation_id="fremdrift_plans_api_goal_event_list",
)
def goal_event_list(request: HttpRequest, filters: Query[GoalEventFilters]):
    """The goal events the token's user may see, by id, 100 a page."""
    found = selectors.goal_events_in_scope(request.user)
    if filters.goal_id:
        found = found.filter(goal_id=filters.goal_id)
    return _events(request, found, filters)


@goal_events.get(
    "/{event_id}",
    response={200: GoalEventOut, **errors(404)},
    operation_id="fremdrift_plans_api_goal_event_detail",
)
def goal_event_detail(request: HttpRequest, event_id: Id):
    event = selectors.goal_event_get(request.user, event_id)
    log_view(request, event.goal.plan.citizen)
    return event
