"""Assessments in the REST API, with their answers. Read only; they follow the case through
`citizens_in_scope` (the selectors), and every read is in the access log."""

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
from .models import Answer, Assessment

router = Router(tags=["assessments"])
MAX_ID = 2_147_483_647
# Ids fit the database's integer column; a larger one is a request of the wrong shape.
AssessmentId = Annotated[int, PathParam(..., ge=1, le=MAX_ID)]


class AnswerOut(Schema):
    item: str = Field(description="The item's stable code")
    value: float | None = Field(description="Null for 'don't know', 'not relevant' and text")
    text: str
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
    status: str
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
    citizen_id: int | None = Field(None, ge=1, le=MAX_ID, description="Only this citizen's")
    page: int = Field(1, ge=1, le=1_000_000)


@router.get("", response={200: AssessmentPage, **errors(400)})
def assessment_list(request: HttpRequest, filters: Query[AssessmentFilters]):
    """The assessments the token's user may see, with their answers, oldest change first, 100
    a page. Provider staff see none here: a referral shares its focus items, not the
    assessments."""
    found = selectors.assessments_in_scope(request.user)
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
            subjects=sorted({a.citizen_id for a in items}),
            path=request.path,
        )
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "items": items,
    }


@router.get("/{assessment_id}", response={200: AssessmentOut, **errors(404)})
def assessment_detail(request: HttpRequest, assessment_id: AssessmentId):
    assessment = selectors.assessment_get(request.user, assessment_id)
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=assessment.citizen, path=request.path
    )
    return assessment
