"""Who does what in the plan, in the REST API: read through `citizens_in_scope` (the
selectors), every read in the access log, and added by a thin call to `plans.services` under
the plan page's rule (`rules`)."""

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
)

from .. import selectors, services
from ..models import PlanRole
from .rules import WRITE_ERRORS, citizen_id_field, citizen_to_change, plan_of

plan_roles = Router(tags=["who does what"])


class PlanRoleOut(Schema):
    id: int
    plan_id: int
    citizen_id: int
    role: str = Field(description="Code from the code list participant_role")
    user_id: int | None
    name: str
    task: str = Field(description="What they do in the plan")
    version: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_citizen_id(obj: PlanRole) -> int:
        return obj.plan.citizen_id

    @staticmethod
    def resolve_role(obj: PlanRole) -> str:
        return obj.role.code


class PlanRolePage(Schema):
    count: int
    page: int
    pages: int
    items: list[PlanRoleOut]


class PlanRoleFilters(Schema):
    updated_since: dt.datetime | None = Field(
        None, description="Only lines changed at or after this moment (ISO 8601), by `updated_at`"
    )
    citizen_id: int | None = citizen_filter()
    page: int = page_field()


@plan_roles.get("", response={200: PlanRolePage, **errors(400)})
def plan_role_list(request: HttpRequest, filters: Query[PlanRoleFilters]):
    """Who does what in the plans the token's user may see, oldest change first, 100 a
    page."""
    return list_page(
        request,
        selectors.plan_roles_in_scope(request.user),
        filters,
        citizen_field="plan__citizen_id",
    )


@plan_roles.get("/{plan_role_id}", response={200: PlanRoleOut, **errors(404)})
def plan_role_detail(request: HttpRequest, plan_role_id: Id, response: HttpResponse):
    plan_role = selectors.plan_role_get(request.user, plan_role_id)
    log_view(request, plan_role.plan.citizen)
    response["ETag"] = etag(plan_role.version)
    return plan_role


class PlanRoleIn(InputSchema):
    citizen_id: int = citizen_id_field()
    role: str = Field(..., max_length=60, description="Code from the code list participant_role")
    task: str = Field(..., max_length=2000, description="What they do in the plan")
    name: str = Field("", max_length=200, description="Their name; may be left out with `user_id`")
    user_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="A user of the citizen's authority (not a manager or administrator)",
    )


@plan_roles.post("", response={201: PlanRoleOut, **WRITE_ERRORS})
def plan_role_create(request: HttpRequest, payload: PlanRoleIn, response: HttpResponse):
    """Adds who does what to the citizen's plan. As on the plan page: the citizen's
    caseworkers and the staff of a provider they are referred to."""
    citizen = citizen_to_change(request, payload.citizen_id)
    role = code_of(
        CodeList.PARTICIPANT_ROLE, payload.role, "role", organisation=request.user.organisation_id
    )
    user = None
    if payload.user_id is not None:
        user = (
            selectors.plan_helpers(citizen.home_organisation_id).filter(pk=payload.user_id).first()
        )
        if user is None:
            raise ValidationError({"user_id": "No user with this id who can take a task."})
    with transaction.atomic():
        plan_role = services.plan_role_assign(
            actor=request.user,
            plan=plan_of(request, citizen),
            role=role,
            task=payload.task,
            name=payload.name,
            user=user,
        )
    log_write(request, citizen, AccessAction.CREATE)
    response["ETag"] = etag(plan_role.version)
    return Status(201, selectors.plan_role_get(request.user, plan_role.pk))
