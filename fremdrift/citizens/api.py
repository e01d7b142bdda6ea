import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from fremdrift.accounts.access import may_register_citizens
from fremdrift.accounts.models import Organisation, User
from fremdrift.audit.api_log import list_page, log_view, log_write
from fremdrift.audit.models import AccessAction
from fremdrift.codelists.models import Code, CodeList
from fremdrift.codelists.selectors import code_of
from fremdrift.core.api_kit import (
    MAX_ID,
    Id,
    InputSchema,
    errors,
    etag,
    page_field,
    page_of,
    stale,
    version_refusal,
)
from fremdrift.core.exceptions import StaleVersion

from . import access, selectors, services
from .models import CaseShare, Citizen

router = Router(tags=["citizens"])


class CitizenOut(Schema):
    id: int
    first_name: str
    last_name: str
    masked_cpr: str = Field(description="The birth date and XXXX; the full number is not served.")
    birth_date: dt.date
    sex: str
    target_group: str | None = Field(None, description="Code from the code list target_group")
    home_organisation_id: int
    responsible_caseworker_id: int | None
    version: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_target_group(obj: Citizen) -> str | None:
        return obj.target_group.code if obj.target_group_id else None


class CitizenIn(InputSchema):
    first_name: str = Field(..., min_length=1, max_length=100)
    last_name: str = Field(..., min_length=1, max_length=100)
    cpr: str = Field(..., min_length=10, max_length=11, description="DDMMYY-NNNN or 10 digits")
    target_group: str = Field(..., max_length=60, description="Code from the code list")
    responsible_caseworker_id: int


class CitizenChange(InputSchema):
    first_name: str = Field(..., min_length=1, max_length=100)
    last_name: str = Field(..., min_length=1, max_length=100)
    target_group: str = Field(..., max_length=60)
    responsible_caseworker_id: int


class ListFilters(Schema):
    updated_since: dt.datetime | None = Field(
        None, description="Only citizens changed at or after this moment (ISO 8601)"
    )
    page: int = page_field()


def _target_group(code: str, organisation_id: int, current: Code | None = None) -> Code:
    """A target group the organisation may choose anew: a default or its own, active. The
    citizen's current one stays, even when it has been retired since."""
    if current is not None and current.code == code and current.parent_id is None:
        return current
    return code_of(CodeList.TARGET_GROUP, code, "target_group", organisation=organisation_id)


def _caseworker(user_id: int, organisation_id: int) -> User:
    found = User.objects.filter(pk=user_id, organisation_id=organisation_id).first()
    if found is None:
        raise ValidationError(
            {"responsible_caseworker_id": "No caseworker with this id in the organisation."}
        )
    return found


class CitizenPage(Schema):
    count: int
    page: int
    pages: int
    items: list[CitizenOut]


@router.get("", response={200: CitizenPage, **errors(400)})
def citizen_list(request: HttpRequest, filters: Query[ListFilters]):
    """The citizens the token's user may see, oldest change first, 100 a page, so that another
    system can keep in step with `updated_since`. Every citizen served is in the access log."""
    citizens = access.citizens_in_scope(request.user).select_related("target_group")
    return list_page(request, citizens, filters, citizen_field="pk")


@router.get("/{citizen_id}", response={200: CitizenOut, **errors(404)})
def citizen_detail(request: HttpRequest, citizen_id: Id, response: HttpResponse):
    citizen = access.citizen_get(request.user, citizen_id)
    log_view(request, citizen)
    response["ETag"] = etag(citizen.version)
    return citizen


@router.post("", response={201: CitizenOut, **errors(400, 403)})
def citizen_create(request: HttpRequest, payload: CitizenIn):
    """Registers a citizen in the token user's organisation. The CPR number travels in the
    body only."""
    if not may_register_citizens(request.user):
        raise PermissionDenied
    citizen = services.citizen_create(
        actor=request.user,
        first_name=payload.first_name,
        last_name=payload.last_name,
        cpr=payload.cpr,
        home_organisation=request.user.organisation,
        responsible_caseworker=_caseworker(
            payload.responsible_caseworker_id, request.user.organisation_id
        ),
        target_group=_target_group(payload.target_group, request.user.organisation_id),
    )
    log_write(request, citizen, AccessAction.CREATE)
    return Status(201, citizen)


@router.put(
    "/{citizen_id}",
    response={200: CitizenOut, **errors(400, 403, 404, 412, 428)},
)
def citizen_update(
    request: HttpRequest, citizen_id: Id, payload: CitizenChange, response: HttpResponse
):
    """Changes a citizen. Send the ETag you read in `If-Match`; a stale one answers 412 and
    changes nothing."""
    citizen = access.citizen_get(request.user, citizen_id)
    if not access.may_change_citizen(request.user, citizen):
        raise PermissionDenied
    refusal = version_refusal(request, citizen.version, "citizen")
    if refusal is not None:
        return refusal
    try:
        updated = services.citizen_update(
            actor=request.user,
            citizen=citizen,
            expected_version=citizen.version,
            first_name=payload.first_name,
            last_name=payload.last_name,
            responsible_caseworker=_caseworker(
                payload.responsible_caseworker_id, citizen.home_organisation_id
            ),
            target_group=_target_group(
                payload.target_group, citizen.home_organisation_id, citizen.target_group
            ),
        )
    except StaleVersion:
        return stale("citizen")
    log_write(request, updated)
    response["ETag"] = etag(updated.version)
    return updated


# Case shares ("samarbejde"): the home organisation shares the case with another authority for
# a period and a purpose, as on the citizen page (`views.case_share_create`, `case_share_end`).


class CaseShareOut(Schema):
    id: int
    citizen_id: int
    home_organisation_id: int
    shared_with_id: int = Field(description="The authority the case is shared with")
    purpose: str
    start_date: dt.date
    end_date: dt.date | None = Field(description="The last day; null: until ended")
    is_active: bool = Field(description="Today within the period and not ended")
    ended_at: dt.datetime | None
    ended_by_id: int | None
    created_by_id: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_is_active(obj: CaseShare) -> bool:
        return obj.is_active()


class CaseSharePage(Schema):
    count: int
    page: int
    pages: int
    items: list[CaseShareOut]


class CaseShareFilters(Schema):
    page: int = page_field()


class CaseShareIn(InputSchema):
    shared_with_id: int = Field(
        ..., ge=1, le=MAX_ID, description="Another authority (not a provider or project)"
    )
    purpose: str = Field(..., max_length=5000)
    start_date: dt.date
    end_date: dt.date | None = Field(None, description="The last day; left out, until ended")


# The service's names for the fields, as the body names them.
SHARE_FIELDS = {"shared_with": "shared_with_id"}


def _as_share_fields(error: ValidationError) -> ValidationError:
    named: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        named.setdefault(SHARE_FIELDS.get(field, field), []).extend(messages)
    return ValidationError(named)


def _citizen_to_share(request: HttpRequest, citizen_id: int) -> Citizen:
    """The citizen in scope (else 404), and one of the home organisation's caseworkers (else
    403), as on the share pages."""
    citizen = access.citizen_get(request.user, citizen_id)
    if not access.may_share_case(request.user, citizen):
        raise PermissionDenied
    return citizen


@router.get("/{citizen_id}/shares", response={200: CaseSharePage, **errors(404)})
def case_share_list(request: HttpRequest, citizen_id: Id, filters: Query[CaseShareFilters]):
    """The shares of the citizen's case, newest first, as the citizen page shows them: every
    share to the home organisation's caseworkers, its own to an authority the case is shared
    with."""
    citizen = access.citizen_get(request.user, citizen_id)
    page = page_of(selectors.case_shares_for(request.user, citizen), filters.page)
    log_view(request, citizen)
    return page


@router.post("/{citizen_id}/shares", response={201: CaseShareOut, **errors(400, 403, 404)})
def case_share_create(
    request: HttpRequest, citizen_id: Id, payload: CaseShareIn, response: HttpResponse
):
    """Shares the citizen's case with another authority for a period and a purpose: while it
    is active, that authority's caseworkers see the citizen and work on the plan, never the
    home organisation's internal notes, the CPR number or the basic record. The home
    organisation's caseworkers only. The own organisation, a provider (refer the citizen
    instead) or an overlapping share with the same authority answers 400 naming the field."""
    citizen = _citizen_to_share(request, citizen_id)
    shared_with = Organisation.objects.filter(pk=payload.shared_with_id).first()
    if shared_with is None:
        raise ValidationError({"shared_with_id": "No organisation with this id."})
    try:
        share = services.case_share_create(
            actor=request.user,
            citizen=citizen,
            shared_with=shared_with,
            purpose=payload.purpose,
            start_date=payload.start_date,
            end_date=payload.end_date,
        )
    except ValidationError as error:
        raise _as_share_fields(error) from None
    log_write(request, citizen, AccessAction.CREATE)
    response["ETag"] = etag(share.version)
    return Status(201, share)


@router.post(
    "/{citizen_id}/shares/{share_id}/end",
    response={200: CaseShareOut, **errors(400, 403, 404, 412, 428)},
)
def case_share_end(request: HttpRequest, citizen_id: Id, share_id: Id, response: HttpResponse):
    """Ends a share at once: from the next request the other authority no longer sees the
    citizen. The home organisation's caseworkers only. Send the share's `version` in
    `If-Match`; a stale one answers 412 and changes nothing; one ended already answers 400."""
    citizen = _citizen_to_share(request, citizen_id)
    share = citizen.case_shares.filter(pk=share_id).first()
    if share is None:
        raise Http404
    refusal = version_refusal(request, share.version, "case share")
    if refusal is not None:
        return refusal
    try:
        ended = services.case_share_end(
            actor=request.user, share=share, expected_version=share.version
        )
    except StaleVersion:
        return stale("case share")
    log_write(request, citizen)
    response["ETag"] = etag(ended.version)
    return ended
