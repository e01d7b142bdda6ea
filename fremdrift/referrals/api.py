"""Referrals in the REST API, with their focus items. They follow the case through
`citizens_in_scope` (the selectors): provider staff read only their organisation's active
referrals, as on the citizen page. Every read is in the access log. A referral is made and
ended as on the referral pages (`views`): by the citizen's caseworkers
(`citizens.selectors.may_change`), through thin calls to `referrals.services`."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from fremdrift.accounts.models import Organisation
from fremdrift.api.common import (
    MAX_ID,
    Id,
    InputSchema,
    citizen_filter,
    etag,
    in_utc,
    log_list,
    log_view,
    log_write,
    page_field,
    page_of,
    stale,
    version_refusal,
)
from fremdrift.api.schemas import errors
from fremdrift.assessments.selectors import published_version
from fremdrift.audit.models import AccessAction
from fremdrift.citizens.selectors import citizen_get, may_change
from fremdrift.programmes.models import Programme

from . import selectors, services
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
def referral_detail(request: HttpRequest, referral_id: Id, response: HttpResponse):
    referral = selectors.referral_get(request.user, referral_id)
    log_view(request, referral.citizen)
    response["ETag"] = etag(referral.version)
    return referral


class StartingScoreIn(InputSchema):
    item: str = Field(
        ..., min_length=1, max_length=60, description="The code of a scaled item (a focus item)"
    )
    value: float = Field(..., allow_inf_nan=False, description="The caseworker's starting score")


class ReferralIn(InputSchema):
    citizen_id: int = Field(..., ge=1, le=MAX_ID)
    programme_id: int = Field(
        ...,
        ge=1,
        le=MAX_ID,
        description="An active programme of an active provider or project, as the page offers",
    )
    instrument: str = Field(
        ...,
        min_length=1,
        max_length=60,
        description="The code of one of the programme's instruments",
    )
    start_date: dt.date
    end_date: dt.date | None = None
    interval_days: int | None = Field(
        None,
        description="The provider scores every so many days (1 to 366); left out, the "
        "programme's cadence for the instrument, as the page proposes; null for none",
    )
    starting_scores: list[StartingScoreIn] = Field(
        ...,
        max_length=500,
        description="The focus items with the caseworker's starting score on each; errors name "
        "an item as `item_<code>`",
    )


class ReferralEnd(InputSchema):
    end_date: dt.date | None = Field(None, description="The last day; left out, today")
    withdrawn: bool = Field(False, description="The referral is withdrawn rather than ended")


def _programme(programme_id: int) -> Programme:
    """A programme the referral page offers (`forms.ReferralForm`), or a 400 naming the field."""
    programme = (
        Programme.objects.filter(
            pk=programme_id,
            is_active=True,
            organisation__is_active=True,
            organisation__kind__in=[Organisation.Kind.PROVIDER, Organisation.Kind.PROJECT],
        )
        .select_related("organisation")
        .first()
    )
    if programme is None:
        raise ValidationError(
            {"programme_id": "No active programme of an active provider or project with this id."}
        )
    return programme


def _starting_scores(programme: Programme, payload: ReferralIn):
    """The instrument (one of the programme's) and the starting scores by item code, the
    items being scaled items of it as the page offers them; or a 400 naming the field."""
    followed = programme.programme_instruments.select_related("instrument").filter(
        instrument__code=payload.instrument
    )
    cadence = followed.first()
    if cadence is None:
        raise ValidationError({"instrument": "Not one of the programme's instruments."})
    scores: dict[str, float] = {}
    for score in payload.starting_scores:
        if score.item in scores:
            raise ValidationError({"starting_scores": f"The item {score.item} is given twice."})
        scores[score.item] = score.value
    version = published_version(cadence.instrument)
    if version is not None:
        kinds = {item.code: item.is_ordinal for item in version.items.all()}
        unscaled = sorted(code for code in scores if kinds.get(code) is False)
        if unscaled:
            raise ValidationError(
                {"starting_scores": f"Not scaled items: {', '.join(unscaled)[:200]}."}
            )
    return cadence, scores


# The service's names for the fields of the page's form, as the body names them.
FIELDS = {"programme": "programme_id", "focus": "starting_scores"}


def _as_body_fields(error: ValidationError) -> ValidationError:
    named: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        if field.startswith("start_"):
            field = "item_" + field.removeprefix("start_")
        named.setdefault(FIELDS.get(field, field), []).extend(messages)
    return ValidationError(named)


@router.post("", response={201: ReferralOut, **errors(400, 403, 404)})
def referral_create(request: HttpRequest, payload: ReferralIn, response: HttpResponse):
    """Refers a citizen to a provider's programme, with the focus items the provider works on
    and scores and the caseworker's starting score on each (recorded as the caseworker's
    assessment); the citizen is enrolled in the programme unless they already are. While the
    referral is active, the provider's staff see the citizen. As on the referral page: the
    citizen's caseworkers."""
    citizen = citizen_get(request.user, payload.citizen_id)
    if not may_change(request.user, citizen):
        raise PermissionDenied
    programme = _programme(payload.programme_id)
    cadence, scores = _starting_scores(programme, payload)
    interval_days = (
        payload.interval_days
        if "interval_days" in payload.model_fields_set
        else cadence.interval_days
    )
    try:
        referral = services.referral_create(
            actor=request.user,
            citizen=citizen,
            programme=programme,
            instrument=cadence.instrument,
            start_date=payload.start_date,
            end_date=payload.end_date,
            interval_days=interval_days,
            starting_scores=scores,
        )
    except ValidationError as error:
        raise _as_body_fields(error) from None
    log_write(request, citizen, AccessAction.CREATE)
    response["ETag"] = etag(referral.version)
    return Status(201, selectors.referral_get(request.user, referral.pk))


@router.post("/{referral_id}/end", response={200: ReferralOut, **errors(400, 403, 404, 412, 428)})
def referral_end(
    request: HttpRequest,
    referral_id: Id,
    response: HttpResponse,
    payload: ReferralEnd | None = None,
):
    """Ends a referral (or withdraws it); the provider's access ends with it, at once. As on
    the citizen page: the citizen's caseworkers. Send the ETag you read in `If-Match`; a stale
    one answers 412 and changes nothing."""
    referral = selectors.referral_get(request.user, referral_id)
    if not may_change(request.user, referral.citizen):
        raise PermissionDenied
    refusal = version_refusal(request, referral.version, "referral")
    if refusal is not None:
        return refusal
    payload = payload or ReferralEnd()
    try:
        ended = services.referral_end(
            actor=request.user,
            referral=referral,
            end_date=payload.end_date,
            withdrawn=payload.withdrawn,
            expected_version=referral.version,
        )
    except services.StaleVersion:
        return stale("referral")
    log_write(request, referral.citizen)
    response["ETag"] = etag(ended.version)
    return selectors.referral_get(request.user, ended.pk)
