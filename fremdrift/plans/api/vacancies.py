"""Positions of the company register suggested to a citizen on the plan (seed 004), in the
REST API, and what came of them. Read through `citizens_in_scope` (the selectors), every read
in the access log; written as on the plan page, under the rule of the plan's company part
(`rules.citizen_for_company_part`: who changes the plan, and the job consultants of the
citizen's organisation), by thin calls to `plans.services`."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from fremdrift.audit.api_log import list_page, log_view, log_write
from fremdrift.audit.models import AccessAction
from fremdrift.companies.models import Vacancy
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

from .. import selectors, services
from ..models import VacancySuggestion
from .rules import CHANGE_ERRORS, WRITE_ERRORS, citizen_for_company_part, citizen_id_field, plan_of

vacancy_suggestions = Router(tags=["suggested positions"])


class VacancySuggestionOut(Schema):
    id: int
    plan_id: int
    citizen_id: int
    vacancy_id: int
    company_id: int
    title: str = Field(description="The position's title")
    company_name: str
    suggested_by_id: int
    suggested_on: dt.date
    outcome: str = Field(description="suggested, applied, hired or declined")
    version: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_citizen_id(obj: VacancySuggestion) -> int:
        return obj.plan.citizen_id

    @staticmethod
    def resolve_company_id(obj: VacancySuggestion) -> int:
        return obj.vacancy.company_id

    @staticmethod
    def resolve_title(obj: VacancySuggestion) -> str:
        return obj.vacancy.title

    @staticmethod
    def resolve_company_name(obj: VacancySuggestion) -> str:
        return obj.vacancy.company.name


class VacancySuggestionPage(Schema):
    count: int
    page: int
    pages: int
    items: list[VacancySuggestionOut]


class VacancySuggestionFilters(Schema):
    updated_since: dt.datetime | None = Field(
        None,
        description="Only suggestions changed at or after this moment (ISO 8601), by `updated_at`",
    )
    citizen_id: int | None = citizen_filter()
    page: int = page_field()


class VacancySuggestionIn(InputSchema):
    citizen_id: int = citizen_id_field()
    vacancy_id: int = Field(
        ...,
        ge=1,
        le=MAX_ID,
        description="An open position of an active company of the citizen's organisation's "
        "register",
    )
    suggested_on: dt.date | None = Field(
        None, description="The day it was suggested (not in the future); left out, today"
    )


class OutcomeIn(InputSchema):
    outcome: str = Field(..., max_length=12, description="suggested, applied, hired or declined")


# The service's names for the fields, as the body names them.
FIELDS = {"vacancy": "vacancy_id"}


def _as_body_fields(error: ValidationError) -> ValidationError:
    named: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        named.setdefault(FIELDS.get(field, field), []).extend(messages)
    return ValidationError(named)


@vacancy_suggestions.get("", response={200: VacancySuggestionPage, **errors(400)})
def vacancy_suggestion_list(request: HttpRequest, filters: Query[VacancySuggestionFilters]):
    """The positions suggested on the plans the token's user may see, oldest change first,
    100 a page."""
    return list_page(
        request,
        selectors.vacancy_suggestions_in_scope(request.user),
        filters,
        citizen_field="plan__citizen_id",
    )


@vacancy_suggestions.get("/{suggestion_id}", response={200: VacancySuggestionOut, **errors(404)})
def vacancy_suggestion_detail(request: HttpRequest, suggestion_id: Id, response: HttpResponse):
    suggestion = selectors.vacancy_suggestion_get(request.user, suggestion_id)
    log_view(request, suggestion.plan.citizen)
    response["ETag"] = etag(suggestion.version)
    return suggestion


@vacancy_suggestions.post("", response={201: VacancySuggestionOut, **WRITE_ERRORS})
def vacancy_suggestion_create(
    request: HttpRequest, payload: VacancySuggestionIn, response: HttpResponse
):
    """Records an open position of the register suggested to the citizen, on their plan
    (made on the first write). As on the plan page: who changes the plan, and the job
    consultants of the citizen's organisation. A position that is filled, of a retired
    company, of another register or suggested already answers 400 naming `vacancy_id`."""
    citizen = citizen_for_company_part(request, payload.citizen_id)
    vacancy = Vacancy.objects.filter(
        pk=payload.vacancy_id, company__organisation_id=citizen.home_organisation_id
    ).first()
    if vacancy is None:
        raise ValidationError(
            {"vacancy_id": "No position with this id in the register of the citizen's authority."}
        )
    try:
        with transaction.atomic():
            suggestion = services.vacancy_suggest(
                actor=request.user,
                plan=plan_of(request, citizen),
                vacancy=vacancy,
                suggested_on=payload.suggested_on,
            )
    except ValidationError as error:
        raise _as_body_fields(error) from None
    log_write(request, citizen, AccessAction.CREATE)
    response["ETag"] = etag(suggestion.version)
    return Status(201, selectors.vacancy_suggestion_get(request.user, suggestion.pk))


@vacancy_suggestions.post(
    "/{suggestion_id}/outcome", response={200: VacancySuggestionOut, **CHANGE_ERRORS}
)
def vacancy_suggestion_outcome(
    request: HttpRequest, suggestion_id: Id, payload: OutcomeIn, response: HttpResponse
):
    """What came of a suggested position: `applied`, `hired`, `declined` (or back to
    `suggested`). Send the ETag you read in `If-Match`; a stale one answers 412 and changes
    nothing."""
    suggestion = selectors.vacancy_suggestion_get(request.user, suggestion_id)
    citizen = citizen_for_company_part(request, suggestion.plan.citizen_id)
    refusal = version_refusal(request, suggestion.version, "suggestion")
    if refusal is not None:
        return refusal
    try:
        changed = services.vacancy_suggestion_outcome(
            actor=request.user,
            suggestion=suggestion,
            outcome=payload.outcome,
            expected_version=suggestion.version,
        )
    except StaleVersion:
        return stale("suggestion")
    log_write(request, citizen)
    response["ETag"] = etag(changed.version)
    return selectors.vacancy_suggestion_get(request.user, changed.pk)
