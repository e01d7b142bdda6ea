"""Programmes and enrolments in the REST API. Programmes follow the rule of the programme pages
(the staff of the owning organisation) and are read only; enrolments follow the case through
`citizens_in_scope` (provider staff: those in their own programmes), and every read of them is
in the access log. An enrolment is made as a referral makes one (the citizen's caseworkers,
`citizens.access.may_change_citizen`) and ended as on the exit page
(`citizens.access.may_end_enrolment`), by thin calls to `programmes.services`."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from fremdrift.audit.api_log import list_page, log_view, log_write
from fremdrift.audit.models import AccessAction
from fremdrift.citizens.access import citizen_get, may_change_citizen
from fremdrift.core.api_kit import (
    MAX_ID,
    Id,
    InputSchema,
    citizen_filter,
    errors,
    etag,
    page_field,
)

from . import selectors, services
from .models import Enrolment, Programme

programmes = Router(tags=["programmes"])
enrolments = Router(tags=["enrolments"])


class ProgrammeInstrumentOut(Schema):
    instrument: str = Field(description="The instrument's code")
    interval_days: int = Field(description="The cadence: every so many days")

    @staticmethod
    def resolve_instrument(obj) -> str:
        return obj.instrument.code


class MilestoneOut(Schema):
    code: str
    label: str
    share: Decimal = Field(description="Share of the price in per cent, as a decimal string")
    rule: str = Field(description="How it is reached: by a rule from the data, or 'manual'")
    position: int


class ExitReasonOut(Schema):
    code: str
    parent: str = Field(description="The first level of the two-level exit reason")

    @staticmethod
    def resolve_parent(obj) -> str:
        return obj.parent.code if obj.parent_id else ""


class ProgrammeOut(Schema):
    id: int
    organisation_id: int
    name: str
    description: str
    target_group: str | None = Field(None, description="Code from the code list target_group")
    start_date: dt.date
    end_date: dt.date | None
    capacity: int | None
    price: Decimal = Field(
        description="The price of one citizen's whole course, as a decimal string"
    )
    is_active: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    instruments: list[ProgrammeInstrumentOut]
    milestones: list[MilestoneOut]
    exit_reasons: list[ExitReasonOut] = Field(
        description="The programme's own exit reasons; empty means the default list"
    )

    @staticmethod
    def resolve_target_group(obj: Programme) -> str | None:
        return obj.target_group.code if obj.target_group_id else None

    @staticmethod
    def resolve_instruments(obj: Programme) -> list:
        return list(obj.programme_instruments.all())

    @staticmethod
    def resolve_milestones(obj: Programme) -> list:
        return list(obj.milestones.all())

    @staticmethod
    def resolve_exit_reasons(obj: Programme) -> list:
        return sorted(obj.exit_reasons.all(), key=lambda c: (c.sort_order, c.code))


class ProgrammePage(Schema):
    count: int
    page: int
    pages: int
    items: list[ProgrammeOut]


class ProgrammeFilters(Schema):
    updated_since: dt.datetime | None = Field(
        None,
        description="Only programmes changed at or after this moment (ISO 8601), by `updated_at`",
    )
    page: int = page_field()


@programmes.get("", response={200: ProgrammePage, **errors(400)})
def programme_list(request: HttpRequest, filters: Query[ProgrammeFilters]):
    """The programmes of the token user's own organisation (as on `/programmes/`), with their
    instruments, cadence and milestones, oldest change first, 100 a page. No personal data."""
    return list_page(
        request, selectors.programmes_in_scope(request.user), filters, citizen_field=None
    )


@programmes.get("/{programme_id}", response={200: ProgrammeOut, **errors(404)})
def programme_detail(request: HttpRequest, programme_id: Id):
    return selectors.programme_get(request.user, programme_id)


class EnrolmentOut(Schema):
    id: int
    citizen_id: int
    programme_id: int
    start_date: dt.date
    responsible_id: int | None
    company_consultant_id: int | None = Field(
        None, description="The job consultant responsible for the company part"
    )
    status: str
    end_date: dt.date | None
    exit_reason: str | None = Field(None, description="Code from the code list exit_reason")
    exit_reason_parent: str | None = Field(None, description="The exit reason's first level")
    exit_note: str
    profile_id: int | None = Field(
        None,
        description=(
            "The participant profile: an assessment of the instrument participant_profile "
            "(GET /assessments/{id}, for the citizen's caseworkers); null until recorded"
        ),
    )
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_exit_reason(obj: Enrolment) -> str | None:
        return obj.exit_reason.code if obj.exit_reason_id else None

    @staticmethod
    def resolve_exit_reason_parent(obj: Enrolment) -> str | None:
        if not obj.exit_reason_id or not obj.exit_reason.parent_id:
            return None
        return obj.exit_reason.parent.code


class EnrolmentPage(Schema):
    count: int
    page: int
    pages: int
    items: list[EnrolmentOut]


class EnrolmentFilters(Schema):
    updated_since: dt.datetime | None = Field(
        None,
        description="Only enrolments changed at or after this moment (ISO 8601), by `updated_at`",
    )
    citizen_id: int | None = citizen_filter("Only this citizen's")
    programme_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Only those in this programme"
    )
    page: int = page_field()


@enrolments.get("", response={200: EnrolmentPage, **errors(400)})
def enrolment_list(request: HttpRequest, filters: Query[EnrolmentFilters]):
    """The enrolments the token's user may see, oldest change first, 100 a page. Provider
    staff see those in their own organisation's programmes of the citizens they see."""
    found = selectors.enrolments_in_scope(request.user)
    if filters.programme_id:
        found = found.filter(programme_id=filters.programme_id)
    return list_page(request, found, filters)


@enrolments.get("/{enrolment_id}", response={200: EnrolmentOut, **errors(404)})
def enrolment_detail(request: HttpRequest, enrolment_id: Id, response: HttpResponse):
    enrolment = selectors.enrolment_get(request.user, enrolment_id)
    log_view(request, enrolment.citizen)
    response["ETag"] = etag(enrolment.version)
    return enrolment


class EnrolmentIn(InputSchema):
    citizen_id: int = Field(..., ge=1, le=MAX_ID)
    programme_id: int = Field(..., ge=1, le=MAX_ID, description="An active programme")
    start_date: dt.date
    responsible_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="A member of the programme's staff or a caseworker of the citizen's authority",
    )


@enrolments.post("", response={201: EnrolmentOut, **errors(400, 403, 404)})
def enrolment_create(request: HttpRequest, payload: EnrolmentIn, response: HttpResponse):
    """Enrols a citizen in a programme from a date; the citizen starts following the
    programme's instruments at its cadence. As when a referral enrols: the citizen's
    caseworkers."""
    citizen = citizen_get(request.user, payload.citizen_id)
    if not may_change_citizen(request.user, citizen):
        raise PermissionDenied
    programme = Programme.objects.filter(pk=payload.programme_id).first()
    if programme is None:
        raise ValidationError({"programme_id": "No programme with this id."})
    responsible = None
    if payload.responsible_id is not None:
        candidates = selectors.responsible_candidates(
            Enrolment(citizen=citizen, programme=programme)
        )
        responsible = candidates.filter(pk=payload.responsible_id).first()
        if responsible is None:
            raise ValidationError(
                {"responsible_id": "Choose a member of the programme's staff or a caseworker."}
            )
    enrolment = services.enrolment_create(
        actor=request.user,
        citizen=citizen,
        programme=programme,
        start_date=payload.start_date,
        responsible=responsible,
    )
    log_write(request, citizen, AccessAction.CREATE)
    response["ETag"] = etag(enrolment.version)
    return Status(201, selectors.enrolment_get(request.user, enrolment.pk))
