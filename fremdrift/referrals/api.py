"""Referrals in the REST API, with their focus items. They follow the case through
`citizens_in_scope` (the selectors): provider staff read only their organisation's active
referrals, as on the citizen page. Every read is in the access log. A referral is made and
ended as on the referral pages (`views`): by the citizen's caseworkers
(`citizens.access.may_change_citizen`), through thin calls to `referrals.services`."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from fremdrift.accounts.models import Organisation
from fremdrift.assessments.selectors import published_version
from fremdrift.audit.api_log import list_page, log_view, log_write
from fremdrift.audit.models import AccessAction
from fremdrift.citizens.access import citizen_get, may_change_citizen, may_end_enrolment
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
from fremdrift.programmes import selectors as programme_selectors
from fremdrift.programmes import services as programme_services
from fremdrift.programmes.api import EnrolmentOut
from fremdrift.programmes.models import Enrolment, Programme

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
    return list_page(request, selectors.referrals_in_scope(request.user), filters)


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
    if not may_change_citizen(request.user, citizen):
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
    if not may_change_citizen(request.user, referral.citizen):
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
    except StaleVersion:
        return stale("referral")
    log_write(request, referral.citizen)
    response["ETag"] = etag(ended.version)
    return selectors.referral_get(request.user, ended.pk)


# The exit of an enrolment, which ends its referrals (mounted at /enrolments).

enrolment_exits = Router(tags=["enrolments"])


class EnrolmentExit(InputSchema):
    end_date: dt.date = Field(description="The day of the exit (not in the future)")
    exit_reason: str = Field(
        ...,
        max_length=60,
        description="Code of the second level of the exit reasons the programme uses",
    )
    exit_reason_parent: str | None = Field(
        None,
        max_length=60,
        description="Its first level; needed only where the code alone is ambiguous",
    )
    note: str = Field("", max_length=5000)
    close_plan: bool = Field(
        False, description="Also end the plan's running activities and mentors on the day"
    )


def _exit_reason(enrolment: Enrolment, payload: EnrolmentExit):
    """The programme's exit reason a body names, or a 400 naming the field."""
    found = programme_services.exit_reasons_of(enrolment.programme).filter(code=payload.exit_reason)
    if payload.exit_reason_parent is not None:
        found = found.filter(parent__code=payload.exit_reason_parent)
    reasons = list(found[:2])
    if not reasons:
        raise ValidationError(
            {"exit_reason": "Unknown exit reason code for this programme's exit reasons."}
        )
    if len(reasons) > 1:
        raise ValidationError(
            {"exit_reason_parent": "The code is ambiguous; give its first level too."}
        )
    return reasons[0]


@enrolment_exits.post(
    "/{enrolment_id}/exit", response={200: EnrolmentOut, **errors(400, 403, 404, 412, 428)}
)
def enrolment_exit(
    request: HttpRequest, enrolment_id: Id, payload: EnrolmentExit, response: HttpResponse
):
    """Ends an enrolment with its exit reason and date; the citizen's active referrals to the
    programme end with it, and with `close_plan` the plan's running activities and mentors.
    As on the exit page: the citizen's caseworkers, and the staff of the programme's own
    organisation while they see the citizen. Send the ETag you read in `If-Match`; a stale one
    answers 412 and changes nothing."""
    enrolment = programme_selectors.enrolment_get(request.user, enrolment_id)
    if not may_end_enrolment(request.user, enrolment):
        raise PermissionDenied
    refusal = version_refusal(request, enrolment.version, "enrolment")
    if refusal is not None:
        return refusal
    try:
        ended = services.enrolment_end(
            actor=request.user,
            enrolment=enrolment,
            expected_version=enrolment.version,
            end_date=payload.end_date,
            exit_reason=_exit_reason(enrolment, payload),
            note=payload.note,
            close_plan=payload.close_plan,
        )
    except StaleVersion:
        return stale("enrolment")
    log_write(request, enrolment.citizen)
    response["ETag"] = etag(ended.version)
    # Not read again through the scope: ending it may end the referral that let provider
    # staff see the citizen.
    return ended
