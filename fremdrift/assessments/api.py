"""Assessments in the REST API, with their answers. They follow the case through
`citizens_in_scope` (the selectors), and every read is in the access log. Writes are thin calls
to `assessments.services` under the assessment pages' rule: provider staff and citizens outside
the scope answer 404, and only those who may record
(`citizens.access.may_record_assessment`) write (else 403)."""

import datetime as dt
import uuid
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Header, Query, Router, Schema, Status

from fremdrift.accounts.access import is_provider_staff
from fremdrift.audit.api_log import list_page, log_view, log_write
from fremdrift.audit.models import AccessAction
from fremdrift.citizens.access import citizen_get, may_record_assessment
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
from fremdrift.instruments.models import Instrument, InstrumentVersion

from . import selectors, services
from .models import Answer, Assessment

router = Router(tags=["assessments"])


class AnswerOut(Schema):
    item: str = Field(description="The item's stable code")
    value: float | None = Field(
        description="Null for 'don't know', 'not relevant', text and list items"
    )
    text: str
    codes: list[str] = Field(
        description="The codes chosen from a list item's options (`choice`: one, `choices`: one "
        "or more), in the list's order; empty for other items"
    )
    dont_know: bool
    not_relevant: bool
    comment: str

    @staticmethod
    def resolve_item(obj: Answer) -> str:
        return obj.item.code


class AssessmentOut(Schema):
    id: int
    citizen_id: int
    instrument: str = Field(description="The instrument's code")
    version: int = Field(description="The instrument version's number")
    date: dt.date
    respondent: str
    entered_by_citizen: bool = Field(
        description="Answered by the citizen alone through a self-assessment link"
    )
    status: str
    kind: str = Field(
        description="reading, or starting_scores: a referral's starting scores on its focus "
        "items, the baseline of those items for the referral and not a reading of the whole "
        "instrument"
    )
    recorded_by_id: int
    recorded_by_organisation_id: int
    revision: int = Field(description="Counts the corrections")
    created_at: dt.datetime
    updated_at: dt.datetime
    answers: list[AnswerOut]

    @staticmethod
    def resolve_instrument(obj: Assessment) -> str:
        return obj.version.instrument.code

    @staticmethod
    def resolve_version(obj: Assessment) -> int:
        return obj.version.number

    @staticmethod
    def resolve_answers(obj: Assessment) -> list:
        return list(obj.answers.all())


class AssessmentPage(Schema):
    count: int
    page: int
    pages: int
    items: list[AssessmentOut]


class AssessmentFilters(Schema):
    updated_since: dt.datetime | None = Field(
        None,
        description="Only assessments recorded or corrected at or after this moment "
        "(ISO 8601), by `updated_at`",
    )
    citizen_id: int | None = citizen_filter("Only this citizen's")
    page: int = page_field()


@router.get("", response={200: AssessmentPage, **errors(400)})
def assessment_list(request: HttpRequest, filters: Query[AssessmentFilters]):
    """The assessments the token's user may see, with their answers, oldest change first, 100
    a page. Provider staff see none here: a referral shares its focus items, not the
    assessments."""
    return list_page(request, selectors.assessments_in_scope(request.user), filters)


@router.get("/{assessment_id}", response={200: AssessmentOut, **errors(404)})
def assessment_detail(request: HttpRequest, assessment_id: Id, response: HttpResponse):
    assessment = selectors.assessment_get(request.user, assessment_id)
    log_view(request, assessment.citizen)
    response["ETag"] = etag(assessment.revision)
    return assessment


OptionCode = Annotated[str, Field(min_length=1, max_length=60)]


class AnswerIn(InputSchema):
    """One item's answer: exactly one of `value`, `text`, `codes`, `dont_know` and
    `not_relevant` (none leaves the item unanswered)."""

    item: str = Field(..., min_length=1, max_length=60, description="The item's stable code")
    value: float | None = Field(
        None, allow_inf_nan=False, description="A scale point, 0/1 for yes/no, a percentage"
    )
    text: str = Field("", max_length=services.TEXT_MAX, description="For a text item")
    codes: list[OptionCode] = Field(
        default_factory=list,
        max_length=100,
        description="For a list item: the codes of the chosen options (`choice`: exactly one; "
        "`choices`: one or more). A code not on the item's list, or two for a `choice` item, "
        "answers 400 naming `item_<code>`",
    )
    dont_know: bool = False
    not_relevant: bool = False
    comment: str = Field("", max_length=services.TEXT_MAX)


def _answers_field():
    return Field(
        default_factory=list,
        max_length=500,
        description="Errors name an item as `item_<code>`",
    )


class AssessmentIn(InputSchema):
    citizen_id: int = Field(..., ge=1, le=MAX_ID)
    instrument: str | None = Field(
        None,
        max_length=60,
        description="The instrument's code: with `version`, that version; alone, the version "
        "in use. Not needed with `version_id`",
    )
    version: int | None = Field(None, ge=1, le=MAX_ID, description="The version's number")
    version_id: int | None = Field(None, ge=1, le=MAX_ID, description="The version's id")
    date: dt.date = Field(description="Not in the future, not before the citizen's birth")
    respondent: str = Field(
        ...,
        max_length=20,
        description="citizen, caseworker, joint, provider or observation, as the version allows",
    )
    status: str = Field("completed", max_length=20, description="completed or draft")
    answers: list[AnswerIn] = _answers_field()


class AssessmentChange(InputSchema):
    """The corrected assessment: its date, respondent and status, and all its answers (they
    replace the answers it had)."""

    date: dt.date
    respondent: str = Field(..., max_length=20)
    status: str | None = Field(
        None, max_length=20, description="completed or draft; left out, it stays as it is"
    )
    answers: list[AnswerIn] = _answers_field()


def _answers(answers: list[AnswerIn]) -> dict[str, services.AnswerInput]:
    found: dict[str, services.AnswerInput] = {}
    for answer in answers:
        if answer.item in found:
            raise ValidationError({"answers": f"The item {answer.item} is answered twice."})
        given = [
            answer.value is not None,
            bool(answer.text),
            bool(answer.codes),
            answer.dont_know,
            answer.not_relevant,
        ]
        if sum(given) > 1:
            raise ValidationError(
                {
                    f"item_{answer.item}": "Give one of value, text, codes, dont_know and "
                    "not_relevant."
                }
            )
        found[answer.item] = services.AnswerInput(
            value=answer.value,
            text=answer.text,
            codes=list(answer.codes),
            dont_know=answer.dont_know,
            not_relevant=answer.not_relevant,
            comment=answer.comment,
        )
    return found


def _version(payload: AssessmentIn) -> InstrumentVersion:
    """The instrument version a body names, or a 400 naming the field."""
    if payload.version_id is not None:
        version = (
            InstrumentVersion.objects.select_related("instrument")
            .filter(pk=payload.version_id)
            .first()
        )
        if version is None:
            raise ValidationError({"version_id": "No instrument version with this id."})
        if payload.instrument is not None and version.instrument.code != payload.instrument:
            raise ValidationError({"instrument": "The version belongs to another instrument."})
        if payload.version is not None and version.number != payload.version:
            raise ValidationError({"version": "The version id has another number."})
        return version
    if payload.instrument is None:
        raise ValidationError({"instrument": "Give the instrument's code or the version's id."})
    instrument = Instrument.objects.filter(code=payload.instrument).first()
    if instrument is None:
        raise ValidationError({"instrument": "Unknown instrument code."})
    if payload.version is None:
        version = selectors.published_version(instrument)
        if version is None:
            raise ValidationError({"version": "The instrument has no version in use."})
        return version
    version = instrument.versions.filter(number=payload.version).first()
    if version is None:
        raise ValidationError({"version": "The instrument has no version with this number."})
    return version


def _citizen_to_record(request: HttpRequest, citizen_id: int):
    """The assessment pages' rule: not shared with provider staff (404), the citizen in scope
    (else 404), and one who may record (else 403)."""
    if is_provider_staff(request.user):
        raise Http404
    citizen = citizen_get(request.user, citizen_id)
    if not may_record_assessment(request.user, citizen):
        raise PermissionDenied
    return citizen


IdempotencyKey = Annotated[
    uuid.UUID | None,
    Header(
        None,
        alias="Idempotency-Key",
        description="A UUID of your choice: a retried POST with the same key answers the "
        "assessment the first one recorded (200) instead of recording it twice",
    ),
]


@router.post("", response={200: AssessmentOut, 201: AssessmentOut, **errors(400, 403, 404)})
def assessment_create(
    request: HttpRequest,
    payload: AssessmentIn,
    response: HttpResponse,
    idempotency_key: IdempotencyKey = None,
):
    """Records an assessment: a filling-in of an instrument version in use, for a citizen, on
    a date, by a respondent, with its answers, each checked against its item's scale. Answers
    201; with an `Idempotency-Key` that has recorded one already, 200 and that assessment."""
    citizen = _citizen_to_record(request, payload.citizen_id)
    version = _version(payload)
    answers = _answers(payload.answers)
    status = 201
    if idempotency_key is not None:
        earlier = Assessment.objects.filter(creation_token=idempotency_key).first()
        if earlier is not None:
            if earlier.citizen_id != citizen.pk or earlier.version_id != version.pk:
                raise ValidationError(
                    {"Idempotency-Key": "This key was used for another assessment."}
                )
            status = 200
    assessment = services.assessment_record(
        actor=request.user,
        citizen=citizen,
        version=version,
        date=payload.date,
        respondent=payload.respondent,
        status=payload.status,
        answers=answers,
        creation_token=idempotency_key,
    )
    log_write(request, citizen, AccessAction.CREATE if status == 201 else AccessAction.VIEW)
    found = selectors.assessment_get(request.user, assessment.pk)
    response["ETag"] = etag(found.revision)
    return Status(status, found)


@router.put("/{assessment_id}", response={200: AssessmentOut, **errors(400, 403, 404, 412, 428)})
def assessment_correct(
    request: HttpRequest,
    assessment_id: Id,
    payload: AssessmentChange,
    response: HttpResponse,
):
    """Corrects an assessment: its date, respondent, status and all its answers; the change
    history keeps every correction. Send the ETag you read (the `revision`) in `If-Match`; a
    stale one answers 412 and changes nothing."""
    assessment = selectors.assessment_get(request.user, assessment_id)
    citizen = assessment.citizen
    if not may_record_assessment(request.user, citizen):
        raise PermissionDenied
    refusal = version_refusal(request, assessment.revision, "assessment")
    if refusal is not None:
        return refusal
    try:
        services.assessment_correct(
            actor=request.user,
            assessment=assessment,
            expected_revision=assessment.revision,
            date=payload.date,
            respondent=payload.respondent,
            status=payload.status or assessment.status,
            answers=_answers(payload.answers),
        )
    except StaleVersion:
        return stale("assessment")
    log_write(request, citizen)
    found = selectors.assessment_get(request.user, assessment.pk)
    response["ETag"] = etag(found.revision)
    return found
