"""The FHIR router and its endpoints: search (a Bundle, 100 a page) and read for each
resource, and the import of a Questionnaire. Every read of personal data is in the access log.

The operation ids are given as they were when FHIR was one module (`fremdrift.api.fhir`), so
that the schema and the clients made from it stay the same."""

from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.goal import Goal as FhirGoal
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from ninja import Body, Path, Query, Router

from fremdrift.accounts.access import require_administrator
from fremdrift.api.fhir.common import (
    CONTENT_TYPE,
    _answer,
    _bundle,
    _patient_id,
    _pk,
    _validated,
    _whole,
    fhir_base,
)
from fremdrift.api.fhir.plans import care_plan_of, goal_of
from fremdrift.api.fhir.questionnaires import SLUG, questionnaire_import, questionnaire_of
from fremdrift.api.fhir.responses import questionnaire_response_of
from fremdrift.assessments import selectors as assessment_selectors
from fremdrift.audit.api_log import list_page, log_view
from fremdrift.core.api_kit import Search, errors
from fremdrift.instruments.models import InstrumentVersion, Item
from fremdrift.plans import selectors as plan_selectors
from fremdrift.plans.models import Activity, Goal, Plan

router = Router(tags=["FHIR"])

RESOURCE_SCHEMA = {
    "type": "object",
    "required": ["resourceType"],
    "properties": {"resourceType": {"type": "string"}},
}


def _documented(status: int = 200, *, body: bool = False) -> dict:
    """The answer is FHIR JSON (`application/fhir+json`)."""
    extra: dict = {
        "responses": {
            status: {"content": {CONTENT_TYPE: {"schema": RESOURCE_SCHEMA}}},
        }
    }
    if body:
        extra["requestBody"] = {"content": {CONTENT_TYPE: {"schema": RESOURCE_SCHEMA}}}
    return extra


ResourceId = Path(..., pattern=r"^[A-Za-z0-9\-.]{1,64}$", description="The resource's id")
PageNumber = Query(1, ge=1, le=1_000_000, description="The page of the Bundle, 100 a page")
PatientParam = Query(None, description="The citizen's id, as `17` or `Patient/17`")


def _versions():
    return InstrumentVersion.objects.select_related(
        "instrument", "instrument__copied_from"
    ).prefetch_related(Prefetch("items", queryset=Item.objects.order_by("position", "id")))


@router.get(
    "/Questionnaire",
    response={200: dict, **errors(400)},
    openapi_extra=_documented(),
    summary="Instrument versions as a Bundle of Questionnaire",
    operation_id="fremdrift_api_fhir_questionnaire_search",
)
def questionnaire_search(
    request: HttpRequest,
    url: str | None = Query(None, description="The canonical url of an instrument"),
    version: str | None = Query(None, description="A version number"),
    page: int = PageNumber,
):
    base = fhir_base(request)
    found = _versions()
    if url:
        code = url.split("|", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        found = found.filter(instrument__code=code) if SLUG.fullmatch(code) else found.none()
    if version:
        found = found.filter(number=int(version)) if _whole(version) else found.none()
    found = list_page(
        request,
        found,
        Search(page=page),
        citizen_field=None,
        order_by=("instrument__code", "number"),
    )
    bundle = _bundle(request, found, lambda v: questionnaire_of(v, base=base), "Questionnaire")
    return _answer(_validated(Bundle, bundle))


@router.get(
    "/Questionnaire/{questionnaire_id}",
    response={200: dict, **errors(404)},
    openapi_extra=_documented(),
    summary="One instrument version as a Questionnaire",
    operation_id="fremdrift_api_fhir_questionnaire_read",
)
def questionnaire_read(request: HttpRequest, questionnaire_id: str = ResourceId):
    code, _sep, number = questionnaire_id.rpartition("-v")
    if not code or not _whole(number):
        raise Http404
    version = (
        _versions().filter(instrument__code=code.replace(".", "_"), number=int(number)).first()
    )
    if version is None:
        raise Http404
    return _answer(_validated(Questionnaire, questionnaire_of(version, base=fhir_base(request))))


@router.post(
    "/Questionnaire",
    response={201: dict, **errors(400, 403)},
    openapi_extra=_documented(201, body=True),
    summary="Import a Questionnaire as a new instrument (administrators)",
    operation_id="fremdrift_api_fhir_questionnaire_create",
)
def questionnaire_create(request: HttpRequest, payload: Body[dict[str, Any]]):
    """Creates an instrument from the Questionnaire: the instrument's code is the last part of
    its url, the Danish name its title; items map back as the Questionnaire's answers show
    them. An item that cannot be mapped answers 400 naming its linkId. Administrators only."""
    require_administrator(request)
    version = questionnaire_import(actor=request.user, body=payload)
    version = _versions().get(pk=version.pk)
    resource = _validated(Questionnaire, questionnaire_of(version, base=fhir_base(request)))
    location = f"{fhir_base(request)}Questionnaire/{resource['id']}"
    return _answer(resource, status=201, Location=location)


@router.get(
    "/QuestionnaireResponse",
    response={200: dict, **errors(400)},
    openapi_extra=_documented(),
    summary="Assessments as a Bundle of QuestionnaireResponse",
    operation_id="fremdrift_api_fhir_questionnaire_response_search",
)
def questionnaire_response_search(
    request: HttpRequest, patient: str | None = PatientParam, page: int = PageNumber
):
    found = list_page(
        request,
        assessment_selectors.assessments_in_scope(request.user).select_related(
            "recorded_by_organisation"
        ),
        Search(page=page, citizen_id=_patient_id(patient)),
        order_by=("date", "id"),
    )
    base = fhir_base(request)
    bundle = _bundle(
        request,
        found,
        lambda a: questionnaire_response_of(a, base=base),
        "QuestionnaireResponse",
    )
    return _answer(_validated(Bundle, bundle))


@router.get(
    "/QuestionnaireResponse/{response_id}",
    response={200: dict, **errors(404)},
    openapi_extra=_documented(),
    summary="One assessment as a QuestionnaireResponse",
    operation_id="fremdrift_api_fhir_questionnaire_response_read",
)
def questionnaire_response_read(request: HttpRequest, response_id: str = ResourceId):
    assessment = assessment_selectors.assessment_get(request.user, _pk(response_id))
    resource = _validated(
        QuestionnaireResponse, questionnaire_response_of(assessment, base=fhir_base(request))
    )
    log_view(request, assessment.citizen)
    return _answer(resource)


@router.get(
    "/Goal",
    response={200: dict, **errors(400)},
    openapi_extra=_documented(),
    summary="The plans' goals as a Bundle of Goal",
    operation_id="fremdrift_api_fhir_goal_search",
)
def goal_search(request: HttpRequest, patient: str | None = PatientParam, page: int = PageNumber):
    found = list_page(
        request,
        plan_selectors.goals_in_scope(request.user),
        Search(page=page, citizen_id=_patient_id(patient)),
        citizen_field="plan__citizen_id",
        order_by=("plan", "created_at", "id"),
    )
    bundle = _bundle(request, found, goal_of, "Goal")
    return _answer(_validated(Bundle, bundle))


@router.get(
    "/Goal/{goal_id}",
    response={200: dict, **errors(404)},
    openapi_extra=_documented(),
    summary="One goal as a Goal",
    operation_id="fremdrift_api_fhir_goal_read",
)
def goal_read(request: HttpRequest, goal_id: str = ResourceId):
    goal = plan_selectors.goal_get(request.user, _pk(goal_id))
    resource = _validated(FhirGoal, goal_of(goal))
    log_view(request, goal.plan.citizen)
    return _answer(resource)


def _plans(queryset):
    return queryset.prefetch_related(
        Prefetch("goals", queryset=Goal.objects.only("id", "plan_id").order_by("created_at", "id")),
        Prefetch(
            "activities",
            queryset=Activity.objects.select_related("sector", "kind")
            .prefetch_related(Prefetch("goals", queryset=Goal.objects.only("id").order_by("id")))
            .order_by("start_date", "id"),
        ),
    )


@router.get(
    "/CarePlan",
    response={200: dict, **errors(400)},
    openapi_extra=_documented(),
    summary="The citizens' plans as a Bundle of CarePlan",
    operation_id="fremdrift_api_fhir_care_plan_search",
)
def care_plan_search(
    request: HttpRequest, patient: str | None = PatientParam, page: int = PageNumber
):
    found = list_page(
        request,
        _plans(plan_selectors.plans_in_scope(request.user)),
        Search(page=page, citizen_id=_patient_id(patient)),
        order_by=("id",),
    )
    bundle = _bundle(request, found, care_plan_of, "CarePlan")
    return _answer(_validated(Bundle, bundle))


@router.get(
    "/CarePlan/{care_plan_id}",
    response={200: dict, **errors(404)},
    openapi_extra=_documented(),
    summary="One citizen's plan as a CarePlan",
    operation_id="fremdrift_api_fhir_care_plan_read",
)
def care_plan_read(request: HttpRequest, care_plan_id: str = ResourceId):
    plan = plan_selectors.plan_get(request.user, _pk(care_plan_id))
    plan = _plans(Plan.objects.filter(pk=plan.pk)).select_related("citizen").get()
    resource = _validated(CarePlan, care_plan_of(plan))
    log_view(request, plan.citizen)
    return _answer(resource)
