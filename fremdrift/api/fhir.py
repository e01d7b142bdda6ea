"""FHIR R4 at /api/v1/fhir/: instrument versions as Questionnaire, assessments as
QuestionnaireResponse, plan goals as Goal and the plan as CarePlan; importing a Questionnaire
creates an instrument.

The mapping lives in plain functions that take model objects and return FHIR JSON as dicts;
the views validate every answer with the `fhir.resources` R4B models (the release of
`fhir.resources` closest to R4) before sending it as `application/fhir+json`. Reads follow the
case through the same selectors as the rest of the API (`citizens_in_scope` underneath): one
outside the scope answers 404 and is never listed, and every read of personal data is in the
access log. No resource holds a CPR number: the subject is `Patient/<citizen id>`.
The mapping choices are described in docs/api.md, "FHIR"."""

import json
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import override
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.goal import Goal as FhirGoal
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from ninja import Body, Path, Query, Router
from pydantic import ValidationError as PydanticValidationError

from fremdrift.api.schemas import errors
from fremdrift.assessments import selectors as assessment_selectors
from fremdrift.assessments.models import Answer, Assessment
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.instruments import services as instrument_services
from fremdrift.instruments.models import (
    Instrument,
    InstrumentVersion,
    Item,
    Purpose,
    Respondent,
    ScaleType,
)
from fremdrift.instruments.services import ItemSpec
from fremdrift.plans import selectors as plan_selectors
from fremdrift.plans.models import Activity, Goal, Plan

router = Router(tags=["FHIR"])

CONTENT_TYPE = "application/fhir+json"
PAGE_SIZE = 100
MAX_ID = 2_147_483_647

# Fremdrift's own extensions and code systems. The definitions are global, not per
# deployment; the instruments' canonical urls are the deployment's own (see `fhir_base`).
NAMESPACE = "https://fremdrift.dk/fhir"
EXT = f"{NAMESPACE}/StructureDefinition"
CODES = f"{NAMESPACE}/CodeSystem"
HL7_EXT = "http://hl7.org/fhir/StructureDefinition"
TRANSLATION = f"{HL7_EXT}/translation"
UCUM = "http://unitsofmeasure.org"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"

VERSION_STATUS = {
    InstrumentVersion.Status.PUBLISHED: "active",
    InstrumentVersion.Status.RETIRED: "retired",
    InstrumentVersion.Status.DRAFT: "draft",
}
GOAL_LIFECYCLE = {
    Goal.Status.ACTIVE: "active",
    Goal.Status.ACHIEVED: "completed",
    Goal.Status.PARTLY: "completed",
    Goal.Status.NOT_ACHIEVED: "completed",
    Goal.Status.DROPPED: "cancelled",
}
# Partly achieved and dropped have no code of their own in HL7's goal-achievement system; they
# carry Fremdrift's code (always present) and the Danish text.
GOAL_ACHIEVEMENT_CODE = {
    Goal.Status.ACTIVE: "in-progress",
    Goal.Status.ACHIEVED: "achieved",
    Goal.Status.NOT_ACHIEVED: "not-achieved",
}
# 'Don't know' and 'not relevant' are answers without a value: an item without `answer`,
# with HL7's data-absent-reason extension.
DATA_ABSENT = f"{HL7_EXT}/data-absent-reason"


# --- helpers -----------------------------------------------------------------------------


def fhir_id(version: InstrumentVersion) -> str:
    """`<instrument code>-v<number>`; FHIR ids allow no underscore, so `_` becomes `.` (slugs
    hold no dot, so the id reads back unambiguously)."""
    return f"{version.instrument.code.replace('_', '.')}-v{version.number}"


def fhir_base(request: HttpRequest) -> str:
    """The absolute address of /api/v1/fhir/ on this server, ending in a slash."""
    path = request.path
    return request.build_absolute_uri(path[: path.index("/fhir/") + len("/fhir/")])


def questionnaire_url(instrument: Instrument, base: str) -> str:
    """The canonical url of an instrument; its versions share it and differ by `version`."""
    return f"{base}Questionnaire/{instrument.code}"


def _translated(da: str, en: str) -> dict:
    """The translation extension for a primitive's `_<name>`: English beside the Danish."""
    if not en:
        return {}
    return {
        "extension": [
            {
                "url": TRANSLATION,
                "extension": [
                    {"url": "lang", "valueCode": "en"},
                    {"url": "content", "valueString": en},
                ],
            }
        ]
    }


def _with_translation(resource: dict, name: str, da: str, en: str) -> None:
    resource[name] = da
    translation = _translated(da, en)
    if translation:
        resource[f"_{name}"] = translation


def _english(element: dict | None) -> str:
    for extension in (element or {}).get("extension", []):
        if extension.get("url") != TRANSLATION:
            continue
        parts = {e.get("url"): e for e in extension.get("extension", [])}
        if parts.get("lang", {}).get("valueCode", "").startswith("en"):
            return parts.get("content", {}).get("valueString", "")
    return ""


def _patient(citizen_id: int) -> dict:
    return {"reference": f"Patient/{citizen_id}"}


def _coding(code_list: str, code, display: str = "") -> dict:
    coding = {"system": f"{CODES}/{code_list}", "code": str(code)}
    if display:
        coding["display"] = display
    return coding


def _concept(code_list: str, code_object) -> dict:
    """A code-list entry (codelists.Code) as a CodeableConcept with its Danish label."""
    return {
        "coding": [_coding(code_list, code_object.code, code_object.label_da)],
        "text": code_object.label_da,
    }


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


# --- Questionnaire -----------------------------------------------------------------------


def questionnaire_item_of(item: Item) -> dict:
    """One item: `linkId` is the item's stable code."""
    out: dict[str, Any] = {"linkId": item.code}
    extensions: list[dict] = [{"url": f"{EXT}/item-label", "valueString": item.label_da}]
    if item.label_en:
        extensions.append({"url": f"{EXT}/item-label-en", "valueString": item.label_en})
    if item.help_da:
        extensions.append({"url": f"{EXT}/item-help", "valueString": item.help_da})
    if item.help_en:
        extensions.append({"url": f"{EXT}/item-help-en", "valueString": item.help_en})
    if item.dimension:
        extensions.append({"url": f"{EXT}/item-dimension", "valueString": item.dimension})
    if item.allows_dont_know:
        extensions.append({"url": f"{EXT}/allows-dont-know", "valueBoolean": True})
    if item.allows_not_relevant:
        extensions.append({"url": f"{EXT}/allows-not-relevant", "valueBoolean": True})
    if item.scale_type == ScaleType.ORDINAL:
        out["type"] = "choice"
        options = []
        for point in range(item.scale_min, item.scale_max + 1):
            labels = item.point_labels.get(str(point)) or ["", ""]
            coding: dict[str, Any] = {
                "extension": [{"url": f"{HL7_EXT}/ordinalValue", "valueDecimal": point}],
                "code": str(point),
            }
            if labels[0]:
                _with_translation(
                    coding, "display", labels[0], labels[1] if len(labels) > 1 else ""
                )
            options.append({"valueCoding": coding})
        out["answerOption"] = options
    elif item.scale_type == ScaleType.YES_NO:
        out["type"] = "boolean"
    elif item.scale_type == ScaleType.TEXT:
        out["type"] = "text"
    else:  # percent and number
        out["type"] = "decimal"
        low, high = item.scale_min, item.scale_max
        if item.scale_type == ScaleType.PERCENT:
            unit = {"system": UCUM, "code": "%", "display": "%"}
        else:
            unit = {"display": item.unit} if item.unit else None
        if low is not None:
            extensions.append({"url": f"{HL7_EXT}/minValue", "valueDecimal": low})
        if high is not None:
            extensions.append({"url": f"{HL7_EXT}/maxValue", "valueDecimal": high})
        if unit:
            extensions.append({"url": f"{HL7_EXT}/questionnaire-unit", "valueCoding": unit})
    out["extension"] = extensions
    _with_translation(out, "text", item.text_da, item.text_en)
    return out


def questionnaire_of(version: InstrumentVersion, *, base: str) -> dict:
    """An instrument version as a Questionnaire: id `<code>-v<number>`, the instrument's
    canonical url, the version's number as `version`, the Danish name as title."""
    instrument = version.instrument
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": fhir_id(version),
        "language": "da",
        "extension": [{"url": f"{EXT}/instrument-purpose", "valueCode": instrument.purpose}]
        + [{"url": f"{EXT}/respondent", "valueCode": r} for r in version.respondents],
        "url": questionnaire_url(instrument, base),
        "version": str(version.number),
        "name": instrument.code,
        "status": VERSION_STATUS[version.status],
        "subjectType": ["Patient"],
        "date": (version.published_at or version.created_at).isoformat(),
        "publisher": "Fremdrift",
        "item": [questionnaire_item_of(item) for item in version.items.all()],
    }
    _with_translation(resource, "title", instrument.name_da, instrument.name_en)
    if instrument.copied_from_id:
        resource["derivedFrom"] = [questionnaire_url(instrument.copied_from, base)]
    return resource


# --- QuestionnaireResponse ---------------------------------------------------------------


def _respondent_reference(assessment: Assessment) -> dict:
    if assessment.respondent in (Respondent.CITIZEN, Respondent.JOINT):
        return _patient(assessment.citizen_id)
    with override("da"):
        label = str(Respondent(assessment.respondent).label)
    return {"type": "Practitioner", "display": label}


def response_item_of(answer: Answer) -> dict | None:
    """One answer; None for an answer left blank. 'Don't know' and 'not relevant' give an
    item without `answer` with the data-absent-reason `asked-unknown` or `not-applicable`."""
    item = answer.item
    out: dict[str, Any] = {"linkId": item.code, "text": item.text_da}
    extensions = []
    if answer.comment:
        extensions.append({"url": f"{EXT}/answer-comment", "valueString": answer.comment})
    if answer.dont_know or answer.not_relevant:
        reason = "asked-unknown" if answer.dont_know else "not-applicable"
        extensions.append({"url": DATA_ABSENT, "valueCode": reason})
        out["extension"] = extensions
        return out
    if item.scale_type == ScaleType.TEXT:
        if not answer.text:
            return None
        value = {"valueString": answer.text}
    elif answer.value is None:
        return None
    elif item.scale_type == ScaleType.ORDINAL and float(answer.value).is_integer():
        point = int(answer.value)
        coding: dict[str, Any] = {"code": str(point)}
        label = (item.point_labels.get(str(point)) or [""])[0]
        if label:
            coding["display"] = label
        value = {"valueCoding": coding}
    elif item.scale_type == ScaleType.YES_NO:
        value = {"valueBoolean": bool(answer.value)}
    else:
        value = {"valueDecimal": _number(answer.value)}
    if extensions:
        out["extension"] = extensions
    out["answer"] = [value]
    return out


def questionnaire_response_of(assessment: Assessment, *, base: str) -> dict:
    version = assessment.version
    items = [response_item_of(answer) for answer in assessment.answers.all()]
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": str(assessment.pk),
        "language": "da",
        "meta": {"versionId": str(assessment.revision), "lastUpdated": _instant(assessment)},
        "extension": [{"url": f"{EXT}/respondent", "valueCode": assessment.respondent}],
        "questionnaire": f"{questionnaire_url(version.instrument, base)}|{version.number}",
        "status": (
            "completed" if assessment.status == Assessment.Status.COMPLETED else "in-progress"
        ),
        "subject": _patient(assessment.citizen_id),
        "authored": assessment.date.isoformat(),
        "author": {
            "type": "Organization",
            "display": assessment.recorded_by_organisation.name,
        },
        "source": _respondent_reference(assessment),
    }
    answered = [item for item in items if item is not None]
    if answered:
        resource["item"] = answered
    return resource


def _instant(obj) -> str:
    return timezone.localtime(obj.updated_at).isoformat()


# --- Goal and CarePlan -------------------------------------------------------------------


def goal_of(goal: Goal) -> dict:
    """A goal in the citizen's own words. A sub-goal points to its end goal with the
    extension `end-goal` (R4's Goal has no reference to another goal)."""
    with override("da"):
        status_label = str(Goal.Status(goal.status).label)
    achievement = [_coding("goal-status", goal.status, status_label)]
    if goal.status in GOAL_ACHIEVEMENT_CODE:
        achievement.insert(
            0, {"system": GOAL_ACHIEVEMENT, "code": GOAL_ACHIEVEMENT_CODE[goal.status]}
        )
    resource: dict[str, Any] = {
        "resourceType": "Goal",
        "id": str(goal.pk),
        "language": "da",
        "meta": {"versionId": str(goal.version), "lastUpdated": _instant(goal)},
        "lifecycleStatus": GOAL_LIFECYCLE[goal.status],
        "achievementStatus": {"coding": achievement, "text": status_label},
        "description": {"text": goal.text},
        "subject": _patient(goal.plan.citizen_id),
        "startDate": timezone.localdate(goal.created_at).isoformat(),
        "statusDate": timezone.localdate(goal.updated_at).isoformat(),
        "expressedBy": _patient(goal.plan.citizen_id),
    }
    if goal.parent_id:
        resource["extension"] = [
            {"url": f"{EXT}/end-goal", "valueReference": {"reference": f"Goal/{goal.parent_id}"}}
        ]
    if goal.category_id:
        resource["category"] = [_concept("end_goal_category", goal.category)]
    if goal.target_date:
        resource["target"] = [{"dueDate": goal.target_date.isoformat()}]
    return resource


def activity_status(activity: Activity, today=None) -> str:
    """From the dates and the result: a result or a past end date completes it; one that has
    not started is scheduled; otherwise it is in progress."""
    today = today or timezone.localdate()
    if activity.result or (activity.end_date and activity.end_date < today):
        return "completed"
    if activity.start_date > today:
        return "scheduled"
    return "in-progress"


def care_plan_activity_of(activity: Activity) -> dict:
    period = {"start": activity.start_date.isoformat()}
    if activity.end_date:
        period["end"] = activity.end_date.isoformat()
    detail: dict[str, Any] = {
        "extension": [
            {
                "url": f"{EXT}/activity-sector",
                "valueCoding": _coding(
                    "activity_sector", activity.sector.code, activity.sector.label_da
                ),
            }
        ],
        "code": _concept("activity_type", activity.kind),
        "status": activity_status(activity),
        "scheduledPeriod": period,
        "description": activity.purpose,
    }
    goals = [{"reference": f"Goal/{goal.pk}"} for goal in activity.goals.all()]
    if goals:
        detail["goal"] = goals
    if activity.delivered_by:
        detail["performer"] = [{"display": activity.delivered_by}]
    out: dict[str, Any] = {"detail": detail}
    if activity.result:
        with override("da"):
            label = str(Activity.Result(activity.result).label)
        out["outcomeCodeableConcept"] = [
            {"coding": [_coding("activity-result", activity.result, label)], "text": label}
        ]
    return out


def care_plan_of(plan: Plan) -> dict:
    """The citizen's one living plan: its goals by reference and its activities."""
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": str(plan.pk),
        "language": "da",
        "meta": {"versionId": str(plan.version), "lastUpdated": plan.revised_at.isoformat()},
        "status": "active",
        "intent": "plan",
        "subject": _patient(plan.citizen_id),
        "created": plan.created_at.isoformat(),
    }
    goals = [{"reference": f"Goal/{goal.pk}"} for goal in plan.goals.all()]
    if goals:
        resource["goal"] = goals
    activities = [care_plan_activity_of(a) for a in plan.activities.all()]
    if activities:
        resource["activity"] = activities
    return resource


# --- Questionnaire import ----------------------------------------------------------------

SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")


def _extensions(element: dict, url: str) -> list[dict]:
    return [e for e in element.get("extension", []) if e.get("url") == url]


def _extension_value(element: dict, url: str, key: str, default=None):
    found = _extensions(element, url)
    return found[0].get(key, default) if found else default


def _scale_of_options(link_id: str, options: list[dict]) -> tuple[int, int, dict]:
    """An ordinal scale from answer options whose codes (or integers) are the points."""
    labels: dict[str, list[str]] = {}
    points = []
    for option in options:
        if "valueInteger" in option:
            points.append(int(option["valueInteger"]))
            continue
        coding = option.get("valueCoding")
        code = (coding or {}).get("code", "")
        if not re.fullmatch(r"-?\d{1,3}", code):
            raise ValidationError(
                {
                    f"item[{link_id}]": (
                        f"Item '{link_id}': a choice maps to an ordinal scale only when every "
                        "answer option is an integer or a coding whose code is an integer."
                    )
                }
            )
        points.append(int(code))
        if coding.get("display"):
            labels[code] = [coding["display"], _english(coding.get("_display"))]
    return min(points), max(points), labels


def item_spec_of(element: dict) -> ItemSpec:
    """One Questionnaire item as an item of an instrument, or a ValidationError naming its
    linkId."""
    link_id = element["linkId"]
    field = f"item[{link_id}]"

    def refuse(message: str):
        raise ValidationError({field: f"Item '{link_id}': {message}"})

    if element.get("item"):
        refuse("nested items cannot be mapped to an instrument.")
    if not SLUG.fullmatch(link_id):
        refuse("linkId must be an item code of letters, digits, '-' and '_' (60 at most).")
    text_da = (element.get("text") or "").strip()
    if not text_da:
        refuse("the item needs a text.")
    kind = element.get("type")
    spec = ItemSpec(
        code=link_id,
        label_da=_extension_value(element, f"{EXT}/item-label", "valueString") or text_da[:60],
        label_en=_extension_value(element, f"{EXT}/item-label-en", "valueString", ""),
        text_da=text_da,
        text_en=_english(element.get("_text")),
        help_da=_extension_value(element, f"{EXT}/item-help", "valueString", ""),
        help_en=_extension_value(element, f"{EXT}/item-help-en", "valueString", ""),
        dimension=_extension_value(element, f"{EXT}/item-dimension", "valueString", ""),
        scale_type="",
        allows_dont_know=bool(
            _extension_value(element, f"{EXT}/allows-dont-know", "valueBoolean", False)
        ),
        allows_not_relevant=bool(
            _extension_value(element, f"{EXT}/allows-not-relevant", "valueBoolean", False)
        ),
    )
    low = _extension_value(element, f"{HL7_EXT}/minValue", "valueDecimal")
    low = _extension_value(element, f"{HL7_EXT}/minValue", "valueInteger", low)
    high = _extension_value(element, f"{HL7_EXT}/maxValue", "valueDecimal")
    high = _extension_value(element, f"{HL7_EXT}/maxValue", "valueInteger", high)
    unit = _extension_value(element, f"{HL7_EXT}/questionnaire-unit", "valueCoding") or {}
    if kind == "choice":
        if element.get("answerValueSet") or not element.get("answerOption"):
            refuse("a choice needs its answer options in the Questionnaire (answerOption).")
        spec.scale_type = ScaleType.ORDINAL
        spec.scale_min, spec.scale_max, spec.point_labels = _scale_of_options(
            link_id, element["answerOption"]
        )
        if not 1 <= spec.scale_max - spec.scale_min <= 10:
            refuse("an ordinal scale has from 2 to 11 points.")
    elif kind == "integer" and low is not None and high is not None:
        spec.scale_type = ScaleType.ORDINAL
        spec.scale_min, spec.scale_max = int(low), int(high)
        if not 1 <= spec.scale_max - spec.scale_min <= 10:
            refuse("an integer item with minValue and maxValue is an ordinal scale of 2 to 11.")
    elif kind == "boolean":
        spec.scale_type = ScaleType.YES_NO
    elif kind in ("text", "string"):
        spec.scale_type = ScaleType.TEXT
    elif kind in ("decimal", "integer", "quantity"):
        if unit.get("code") == "%" or unit.get("display") == "%":
            spec.scale_type = ScaleType.PERCENT
        else:
            spec.scale_type = ScaleType.NUMBER
            spec.unit = (unit.get("display") or unit.get("code") or "")[:30]
        spec.scale_min = None if low is None else int(low)
        spec.scale_max = None if high is None else int(high)
    else:
        refuse(
            f"the type '{kind}' cannot be mapped; use choice, integer, boolean, decimal, "
            "string or text."
        )
    return spec


def _code_of(body: dict) -> str:
    url = (body.get("url") or "").rstrip("/")
    candidate = url.rsplit("/", 1)[-1] if url else (body.get("name") or "")
    if not SLUG.fullmatch(candidate):
        raise ValidationError(
            {
                "url": "The instrument's code is the last part of the url (or the name): "
                "letters, digits, '-' and '_', 60 at most."
            }
        )
    return candidate


def questionnaire_import(*, actor, body: dict) -> InstrumentVersion:
    """A new instrument from a Questionnaire, through the instrument services, in one
    transaction: nothing is written when any part is refused."""
    if body.get("resourceType") != "Questionnaire":
        raise ValidationError({"resourceType": "Post a Questionnaire."})
    try:
        Questionnaire.model_validate(body)
    except PydanticValidationError as exc:
        raise ValidationError(
            {
                ".".join(str(part) for part in error["loc"]) or "__all__": error["msg"]
                for error in exc.errors()
            }
        ) from None
    status = body.get("status")
    if status not in ("active", "draft"):
        raise ValidationError({"status": "Import a Questionnaire whose status is active or draft."})
    name_da = (body.get("title") or body.get("name") or "").strip()
    if not name_da:
        raise ValidationError({"title": "The Questionnaire needs a title (the Danish name)."})
    purpose = _extension_value(body, f"{EXT}/instrument-purpose", "valueCode", Purpose.PROGRESSION)
    if purpose not in Purpose.values:
        raise ValidationError({"extension": f"Unknown instrument purpose '{purpose}'."})
    respondents = [e.get("valueCode") for e in _extensions(body, f"{EXT}/respondent")]
    respondents = respondents or [Respondent.CITIZEN, Respondent.CASEWORKER, Respondent.JOINT]
    code = _code_of(body)
    items = [item_spec_of(element) for element in body.get("item") or []]
    with transaction.atomic():
        instrument = instrument_services.instrument_create(
            actor=actor,
            code=code,
            name_da=name_da[:200],
            name_en=_english(body.get("_title"))[:200],
            purpose=purpose,
            respondents=respondents,
            items=items,
        )
        version = instrument.versions.get()
        if status == "active":
            version = instrument_services.version_publish(actor=actor, version=version)
    return version


# --- the views ---------------------------------------------------------------------------


def _answer(payload: dict, status: int = 200, **headers) -> HttpResponse:
    response = HttpResponse(json.dumps(payload), content_type=CONTENT_TYPE, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def _validated(model, resource: dict) -> dict:
    """Every answer is validated with the R4B model; what goes out is its serialisation."""
    return json.loads(model.model_validate(resource).model_dump_json())


def _bundle(
    request: HttpRequest, queryset, page_number: int, build, type_name: str
) -> tuple[dict, list]:
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(page_number)
    base = fhir_base(request)
    resources = [build(obj) for obj in page.object_list]
    query = request.GET.copy()
    links = []
    query["page"] = page.number
    links.append({"relation": "self", "url": f"{base}{type_name}?{query.urlencode()}"})
    if page.has_next():
        query["page"] = page.next_page_number()
        links.append({"relation": "next", "url": f"{base}{type_name}?{query.urlencode()}"})
    if page.has_previous():
        query["page"] = page.previous_page_number()
        links.append({"relation": "previous", "url": f"{base}{type_name}?{query.urlencode()}"})
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": paginator.count,
        "link": links,
        "entry": [
            {
                "fullUrl": f"{base}{type_name}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match"},
            }
            for resource in resources
        ],
    }
    return bundle, list(page.object_list)


def _whole(value: str) -> bool:
    """A positive whole number that fits the database's integer column."""
    return bool(re.fullmatch(r"[0-9]{1,10}", value)) and 1 <= int(value) <= MAX_ID


def _patient_id(patient: str | None) -> int | None:
    """`patient=<citizen id>` or `patient=Patient/<citizen id>`."""
    if patient is None:
        return None
    value = patient.removeprefix("Patient/")
    if not _whole(value):
        raise ValidationError({"patient": "Give the citizen's id, as 17 or Patient/17."})
    return int(value)


def _pk(resource_id: str) -> int:
    if not _whole(resource_id):
        raise Http404
    return int(resource_id)


def _log_list(request: HttpRequest, citizen_ids) -> None:
    subjects = sorted(set(citizen_ids))
    if subjects:
        access_log_write(
            user=request.user, action=AccessAction.LIST, subjects=subjects, path=request.path
        )


def _log_view(request: HttpRequest, citizen) -> None:
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
    )


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
)
def questionnaire_search(
    request: HttpRequest,
    url: str | None = Query(None, description="The canonical url of an instrument"),
    version: str | None = Query(None, description="A version number"),
    page: int = PageNumber,
):
    base = fhir_base(request)
    found = _versions().order_by("instrument__code", "number")
    if url:
        code = url.split("|", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        found = found.filter(instrument__code=code) if SLUG.fullmatch(code) else found.none()
    if version:
        found = found.filter(number=int(version)) if _whole(version) else found.none()
    bundle, _objects = _bundle(
        request, found, page, lambda v: questionnaire_of(v, base=base), "Questionnaire"
    )
    return _answer(_validated(Bundle, bundle))


@router.get(
    "/Questionnaire/{questionnaire_id}",
    response={200: dict, **errors(404)},
    openapi_extra=_documented(),
    summary="One instrument version as a Questionnaire",
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
)
def questionnaire_create(request: HttpRequest, payload: Body[dict[str, Any]]):
    """Creates an instrument from the Questionnaire: the instrument's code is the last part of
    its url, the Danish name its title; items map back as the Questionnaire's answers show
    them. An item that cannot be mapped answers 400 naming its linkId. Administrators only."""
    if not request.user.is_administrator:
        raise PermissionDenied
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
)
def questionnaire_response_search(
    request: HttpRequest, patient: str | None = PatientParam, page: int = PageNumber
):
    citizen_id = _patient_id(patient)
    found = assessment_selectors.assessments_in_scope(request.user).select_related(
        "recorded_by_organisation"
    )
    if citizen_id is not None:
        found = found.filter(citizen_id=citizen_id)
    base = fhir_base(request)
    bundle, objects = _bundle(
        request,
        found.order_by("date", "id"),
        page,
        lambda a: questionnaire_response_of(a, base=base),
        "QuestionnaireResponse",
    )
    _log_list(request, (a.citizen_id for a in objects))
    return _answer(_validated(Bundle, bundle))


@router.get(
    "/QuestionnaireResponse/{response_id}",
    response={200: dict, **errors(404)},
    openapi_extra=_documented(),
    summary="One assessment as a QuestionnaireResponse",
)
def questionnaire_response_read(request: HttpRequest, response_id: str = ResourceId):
    assessment = assessment_selectors.assessment_get(request.user, _pk(response_id))
    resource = _validated(
        QuestionnaireResponse, questionnaire_response_of(assessment, base=fhir_base(request))
    )
    _log_view(request, assessment.citizen)
    return _answer(resource)


@router.get(
    "/Goal",
    response={200: dict, **errors(400)},
    openapi_extra=_documented(),
    summary="The plans' goals as a Bundle of Goal",
)
def goal_search(request: HttpRequest, patient: str | None = PatientParam, page: int = PageNumber):
    citizen_id = _patient_id(patient)
    found = plan_selectors.goals_in_scope(request.user)
    if citizen_id is not None:
        found = found.filter(plan__citizen_id=citizen_id)
    bundle, objects = _bundle(
        request, found.order_by("plan", "created_at", "id"), page, goal_of, "Goal"
    )
    _log_list(request, (g.plan.citizen_id for g in objects))
    return _answer(_validated(Bundle, bundle))


@router.get(
    "/Goal/{goal_id}",
    response={200: dict, **errors(404)},
    openapi_extra=_documented(),
    summary="One goal as a Goal",
)
def goal_read(request: HttpRequest, goal_id: str = ResourceId):
    goal = plan_selectors.goal_get(request.user, _pk(goal_id))
    resource = _validated(FhirGoal, goal_of(goal))
    _log_view(request, goal.plan.citizen)
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
)
def care_plan_search(
    request: HttpRequest, patient: str | None = PatientParam, page: int = PageNumber
):
    citizen_id = _patient_id(patient)
    found = plan_selectors.plans_in_scope(request.user)
    if citizen_id is not None:
        found = found.filter(citizen_id=citizen_id)
    bundle, objects = _bundle(request, _plans(found).order_by("id"), page, care_plan_of, "CarePlan")
    _log_list(request, (p.citizen_id for p in objects))
    return _answer(_validated(Bundle, bundle))


@router.get(
    "/CarePlan/{care_plan_id}",
    response={200: dict, **errors(404)},
    openapi_extra=_documented(),
    summary="One citizen's plan as a CarePlan",
)
def care_plan_read(request: HttpRequest, care_plan_id: str = ResourceId):
    plan = plan_selectors.plan_get(request.user, _pk(care_plan_id))
    plan = _plans(Plan.objects.filter(pk=plan.pk)).select_related("citizen").get()
    resource = _validated(CarePlan, care_plan_of(plan))
    _log_view(request, plan.citizen)
    return _answer(resource)
