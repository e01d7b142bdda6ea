"""The plan page's rule for writes through the API, shared by the plan's resources: the citizen
must be in scope (else 404) and the user must be one who may change the plan
(`citizens.access.may_change_plan`, else 403); the plan is made on the first write."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field

from fremdrift.citizens.access import (
    citizen_get,
    may_change_plan,
    may_record_activity,
    may_record_company_activity,
)
from fremdrift.core.api_kit import MAX_ID, errors

from .. import services
from ..models import Plan


def citizen_to_change(request: HttpRequest, citizen_id: int):
    """The plan page's rule: the citizen in scope (else 404), and a user who may change the
    plan (else 403)."""
    citizen = citizen_get(request.user, citizen_id)
    if not may_change_plan(request.user, citizen):
        raise PermissionDenied
    return citizen


def citizen_for_company_part(request: HttpRequest, citizen_id: int):
    """The rule of the plan's company part (company-oriented activities, meetings about the
    job goal): the citizen in scope (else 404), and a user who may change the plan or a job
    consultant of the citizen's organisation (else 403)."""
    citizen = citizen_get(request.user, citizen_id)
    if not may_record_company_activity(request.user, citizen):
        raise PermissionDenied
    return citizen


def may_record(request: HttpRequest, citizen, kind_code: str) -> None:
    """An activity of this type for this citizen (else 403): a job consultant's are
    company-oriented."""
    if not may_record_activity(request.user, citizen, kind_code):
        raise PermissionDenied


def plan_of(request: HttpRequest, citizen) -> Plan:
    """The citizen's plan, made on the first write as the plan page does (call inside the
    write's transaction, so that a refused write leaves no empty plan)."""
    return services.plan_get_or_create(actor=request.user, citizen=citizen)


def may_change(request: HttpRequest, citizen) -> None:
    if not may_change_plan(request.user, citizen):
        raise PermissionDenied


def citizen_id_field():
    return Field(..., ge=1, le=MAX_ID, description="The citizen whose plan it is")


WRITE_ERRORS = errors(400, 403, 404)
CHANGE_ERRORS = errors(400, 403, 404, 412, 428)
