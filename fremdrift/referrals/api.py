"""Referrals in the REST API, with their focus items. Read only; they follow the case through
`citizens_in_scope` (the selectors): provider staff read only their organisation's active
referrals, as on the citizen page. Every read is in the access log."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from fremdrift.api.common import Id, citizen_filter, in_utc, log_list, log_view, page_field, page_of
from fremdrift.api.schemas import errors

from . import selectors
from .models import Referral

router = Router(tags=["referrals"])


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
    citizen_id: int | None = citizen_filter("Only this citizen's")
    page: int = page_field()


@router.get("", response={200: ReferralPage, **errors(400)})
def referral_list(request: HttpRequest, filters: Query[ReferralFilters]):
    """The referrals the token's user may see, with their focus items, oldest change first, 100
    a page."""
    found = selectors.referrals_in_scope(request.user)
    if filters.updated_since:
        found = found.filter(updated_at__gte=in_utc(filters.updated_since))
    if filters.citizen_id:
        found = found.filter(citizen_id=filters.citizen_id)
    page = page_of(found.order_by("updated_at", "id"), filters.page)
    log_list(request, (r.citizen_id for r in page["items"]))
    return page


@router.get("/{referral_id}", response={200: ReferralOut, **errors(404)})
def referral_detail(request: HttpRequest, referral_id: Id):
    referral = selectors.referral_get(request.user, referral_id)
    log_view(request, referral.citizen)
    return referral
