"""Programmes and enrolments in the REST API. Read only. Programmes follow the rule of the
programme pages (the staff of the owning organisation); enrolments follow the case through
`citizens_in_scope` (provider staff: those in their own programmes), and every read of them is
in the access log."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja import Path as PathParam

from fremdrift.api.schemas import errors
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.citizens.api import PAGE_SIZE, _in_utc

from . import selectors
from .models import Enrolment, Programme

programmes = Router(tags=["programmes"])
enrolments = Router(tags=["enrolments"])
MAX_ID = 2_147_483_647
# Ids fit the database's integer column; a larger one is a request of the wrong shape.
Id = Annotated[int, PathParam(..., ge=1, le=MAX_ID)]


def _page(queryset, number: int) -> dict:
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(number)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "items": list(page.object_list),
    }


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
    page: int = Field(1, ge=1, le=1_000_000)


@programmes.get("", response={200: ProgrammePage, **errors(400)})
def programme_list(request: HttpRequest, filters: Query[ProgrammeFilters]):
    """The programmes of the token user's own organisation (as on `/programmes/`), with their
    instruments, cadence and milestones, oldest change first, 100 a page. No personal data."""
    found = selectors.programmes_in_scope(request.user)
    if filters.updated_since:
        found = found.filter(updated_at__gte=_in_utc(filters.updated_since))
    return _page(found.order_by("updated_at", "id"), filters.page)


@programmes.get("/{programme_id}", response={200: ProgrammeOut, **errors(404)})
def programme_detail(request: HttpRequest, programme_id: Id):
    return selectors.programme_get(request.user, programme_id)


class EnrolmentOut(Schema):
    id: int
    citizen_id: int
    programme_id: int
    start_date: dt.date
    responsible_id: int | None
    status: str
    end_date: dt.date | None
    exit_reason: str | None = Field(None, description="Code from the code list exit_reason")
    exit_reason_parent: str | None = Field(None, description="The exit reason's first level")
    exit_note: str
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
    citizen_id: int | None = Field(None, ge=1, le=MAX_ID, description="Only this citizen's")
    programme_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Only those in this programme"
    )
    page: int = Field(1, ge=1, le=1_000_000)


@enrolments.get("", response={200: EnrolmentPage, **errors(400)})
def enrolment_list(request: HttpRequest, filters: Query[EnrolmentFilters]):
    """The enrolments the token's user may see, oldest change first, 100 a page. Provider
    staff see those in their own organisation's programmes of the citizens they see."""
    found = selectors.enrolments_in_scope(request.user)
    if filters.updated_since:
        found = found.filter(updated_at__gte=_in_utc(filters.updated_since))
    if filters.citizen_id:
        found = found.filter(citizen_id=filters.citizen_id)
    if filters.programme_id:
        found = found.filter(programme_id=filters.programme_id)
    page = _page(found.order_by("updated_at", "id"), filters.page)
    subjects = sorted({e.citizen_id for e in page["items"]})
    if subjects:
        access_log_write(
            user=request.user, action=AccessAction.LIST, subjects=subjects, path=request.path
        )
    return page


@enrolments.get("/{enrolment_id}", response={200: EnrolmentOut, **errors(404)})
def enrolment_detail(request: HttpRequest, enrolment_id: Id):
    enrolment = selectors.enrolment_get(request.user, enrolment_id)
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=enrolment.citizen, path=request.path
    )
    return enrolment
