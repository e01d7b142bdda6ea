"""Activities in the REST API, with their changes of the weekly hours. They follow the case
through `citizens_in_scope` (the selectors), and every read is in the access log. Writes are
thin calls to `plans.services`, under the plan page's rule (`rules`)."""

import datetime as dt
from typing import Annotated

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
from ..models import Activity
from .rules import (
    CHANGE_ERRORS,
    WRITE_ERRORS,
    citizen_for_company_part,
    citizen_id_field,
    may_record,
    plan_of,
)

# The operation ids are given as they were when the plan's endpoints were one module
# (`fremdrift.plans.api`), so that the schema and the clients made from it stay the same.
activities = Router(tags=["activities"])


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
    company_id: int | None = Field(description="The company of a placement, from the register")
    mentor_contact_id: int | None = Field(
        description="The company mentor, a contact person of the company"
    )
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
    citizen_id: int | None = citizen_filter()
    page: int = page_field()


@activities.get(
    "",
    response={200: ActivityPage, **errors(400)},
    operation_id="fremdrift_plans_api_activity_list",
)
def activity_list(request: HttpRequest, filters: Query[ActivityFilters]):
    """The activities the token's user may see, with their changes of hours, oldest change
    first, 100 a page."""
    return list_page(
        request,
        selectors.activities_in_scope(request.user),
        filters,
        citizen_field="plan__citizen_id",
    )


@activities.get(
    "/{activity_id}",
    response={200: ActivityOut, **errors(404)},
    operation_id="fremdrift_plans_api_activity_detail",
)
def activity_detail(request: HttpRequest, activity_id: Id, response: HttpResponse):
    activity = selectors.activity_get(request.user, activity_id)
    log_view(request, activity.plan.citizen)
    response["ETag"] = etag(activity.version)
    return activity


def _hours_field(default=None, description: str = "Hours per week, 0 to 48"):
    return Field(default, allow_inf_nan=False, description=description)


class ActivityIn(InputSchema):
    citizen_id: int = citizen_id_field()
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
    company_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="A company of the register (a placement)"
    )
    mentor_contact_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="The company mentor: a contact person of the company"
    )
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
    company_id: int | None = Field(None, ge=1, le=MAX_ID)
    mentor_contact_id: int | None = Field(None, ge=1, le=MAX_ID)
    result: str | None = Field(
        None, max_length=20, description="succeeded, partly, failed, too_early, or empty"
    )
    next_step: str | None = Field(None, max_length=2000)


class HoursIn(InputSchema):
    from_date: dt.date = Field(description="The first day of the new weekly hours")
    weekly_hours: float = _hours_field(...)


def _activity_codes(data: dict, organisation_id: int, current_sector: str | None = None) -> dict:
    """The sector and type codes of a body as code-list entries, or a 400 naming the field."""
    if "sector" in data:
        data["sector"] = code_of(
            CodeList.ACTIVITY_SECTOR, data["sector"], "sector", organisation=organisation_id
        )
    sector = data["sector"].code if data.get("sector") is not None else current_sector
    if "kind" in data:
        if sector is None:
            raise ValidationError({"sector": "Give the sector."})
        data["kind"] = code_of(
            CodeList.ACTIVITY_TYPE,
            data["kind"],
            "kind",
            parent=sector,
            organisation=organisation_id,
        )
    return data


COMPANY_FIELDS = (("company_id", "company"), ("mentor_contact_id", "mentor_contact"))


def _company_ids(data: dict) -> dict:
    """The body's company and mentor ids under the service's names (it checks them)."""
    for key, name in COMPANY_FIELDS:
        if key in data:
            data[name] = data.pop(key)
    return data


def _as_body_fields(error: ValidationError) -> ValidationError:
    """The service's errors on the company and the mentor, named as the body names them."""
    names = {name: key for key, name in COMPANY_FIELDS}
    named: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        named.setdefault(names.get(field, field), []).extend(messages)
    return ValidationError(named)


def _activity_out(request: HttpRequest, activity: Activity, response: HttpResponse):
    response["ETag"] = etag(activity.version)
    return selectors.activity_get(request.user, activity.pk)


@activities.post(
    "",
    response={201: ActivityOut, **WRITE_ERRORS},
    operation_id="fremdrift_plans_api_activity_create",
)
def activity_create(request: HttpRequest, payload: ActivityIn, response: HttpResponse):
    """Adds an activity to the citizen's plan (made on the first write). As on the plan page:
    the citizen's caseworkers and the staff of a provider they are referred to."""
    citizen = citizen_for_company_part(request, payload.citizen_id)
    data = _company_ids(
        _activity_codes(
            payload.dict(exclude={"citizen_id", "goal_ids"}), request.user.organisation_id
        )
    )
    may_record(request, citizen, data["kind"].code)
    if data["weekly_hours"] is not None:
        data["weekly_hours"] = str(data["weekly_hours"])
    with transaction.atomic():
        plan = plan_of(request, citizen)
        wanted = set(payload.goal_ids)
        goals_served = list(plan.goals.filter(pk__in=wanted))
        if len(goals_served) != len(wanted):
            raise ValidationError({"goal_ids": "Choose goals of the citizen's plan."})
        try:
            activity = services.activity_create(
                actor=request.user, plan=plan, goals=goals_served, **data
            )
        except ValidationError as error:
            raise _as_body_fields(error) from None
    log_write(request, citizen, AccessAction.CREATE)
    return Status(201, _activity_out(request, activity, response))


@activities.put(
    "/{activity_id}",
    response={200: ActivityOut, **CHANGE_ERRORS},
    operation_id="fremdrift_plans_api_activity_update",
)
def activity_update(
    request: HttpRequest, activity_id: Id, payload: ActivityChange, response: HttpResponse
):
    """Changes an activity: what came of it, its period, its hours at the start. Send the
    ETag you read in `If-Match`; a stale one answers 412 and changes nothing."""
    activity = selectors.activity_get(request.user, activity_id)
    citizen = activity.plan.citizen
    may_record(request, citizen, activity.kind.code)
    refusal = version_refusal(request, activity.version, "activity")
    if refusal is not None:
        return refusal
    data = _company_ids(
        _activity_codes(
            payload.dict(exclude_unset=True), request.user.organisation_id, activity.sector.code
        )
    )
    if data.get("kind") is not None:
        may_record(request, citizen, data["kind"].code)
    if data.get("weekly_hours") is not None:
        data["weekly_hours"] = str(data["weekly_hours"])
    for text_field in ("delivered_by", "result", "next_step"):
        if text_field in data and data[text_field] is None:
            data[text_field] = ""
    try:
        changed = services.activity_update(
            actor=request.user, activity=activity, expected_version=activity.version, **data
        )
    except StaleVersion:
        return stale("activity")
    except ValidationError as error:
        raise _as_body_fields(error) from None
    log_write(request, citizen)
    return _activity_out(request, changed, response)


@activities.post(
    "/{activity_id}/hours",
    response={201: ActivityOut, **errors(400, 403, 404, 412)},
    operation_id="fremdrift_plans_api_activity_hours_change",
)
def activity_hours_change(
    request: HttpRequest, activity_id: Id, payload: HoursIn, response: HttpResponse
):
    """A change of the weekly hours from a date (an internship or wage subsidy that grows).
    Answers the activity with its changes of hours. `If-Match` is optional here; when sent, a
    stale one answers 412."""
    activity = selectors.activity_get(request.user, activity_id)
    citizen = activity.plan.citizen
    may_record(request, citizen, activity.kind.code)
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
