"""Referrals in the REST API, with their focus items. Read only; they follow the case through
`citizens_in_scope` (the selectors): provider staff read only their organisation's active
referrals, as on the citizen page. Every read is in the access log."""

import datetime as dt
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
from .models import Referral

router = Router(tags=["referrals"])
MAX_ID = 2_147_483_647
# Ids fit the database's integer column; a larger one is a request of the wrong shape.
ReferralId = Annotated[int, PathParam(..., ge=1, le=MAX_ID)]


class FocusItemOut(Schema):
    item_code: str = Field(description="The code of an item of the referral's instrument")
    starting_score: float = Field(description="The caseworker's starting score")
    position: int


class ReferralOut(Schema):
    id: int
    citizen_id: int
    provider_id: int
    programme_id: int | None
    instrument: str | None = Field(None, description="The code of the instrument scored")
    interval_days: int | None = Field(description="The provider scores every so many days")
    starting_assessment_id: int | None
    referred_by_id: int
    start_date: dt.date
    end_date: dt.date | None
    status: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    focus_items: list[FocusItemOut]

    @staticmethod
    def resolve_instrument(obj: Referral) -> str | None:
        return obj.instrument.code if obj.instrument_id else None

    @staticmethod
    def resolve_focus_items(obj: Referral) -> list:
        return list(obj.focus_items.all())


class ReferralPage(Schema):
    count: int
    page: int
    pages: int
    items: list[ReferralOut]


class ReferralFilters(Schema):
    updated_since: dt.datetime | None = Field(
        None,
        description="Only referrals changed at or after this moment (ISO 8601), by `updated_at`",
    )
    citizen_id: int | None = Field(None, ge=1, le=MAX_ID, description="Only this citizen's")
    page: int = Field(1, ge=1, le=1_000_000)


@router.get("", response={200: ReferralPage, **errors(400)})
def referral_list(request: HttpRequest, filters: Query[ReferralFilters]):
    """The referrals the token's user may see, with their focus items, oldest change first, 100
    a page."""
    found = selectors.referrals_in_scope(request.user)
    if filters.updated_since:
        found = found.filter(updated_at__gte=_in_utc(filters.updated_since))
    if filters.citizen_id:
        found = found.filter(citizen_id=filters.citizen_id)
    paginator = Paginator(found.order_by("updated_at", "id"), PAGE_SIZE)
    page = paginator.get_page(filters.page)
    items = list(page.object_list)
    if items:
        access_log_write(
            user=request.user,
            action=AccessAction.LIST,
            subjects=sorted({r.citizen_id for r in items}),
            path=request.path,
        )
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "items": items,
    }


@router.get("/{referral_id}", response={200: ReferralOut, **errors(404)})
def referral_detail(request: HttpRequest, referral_id: ReferralId):
    referral = selectors.referral_get(request.user, referral_id)
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=referral.citizen, path=request.path
    )
    return referral
