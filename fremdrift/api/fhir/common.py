"""What the FHIR resources share: Fremdrift's namespaces, ids and references, codings and
translations, the search Bundle, and the answer as validated `application/fhir+json`.

The helpers keep the leading underscore they had in the one module: they are the package's
own, not an interface for the rest of the API."""

import json
import re

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from fremdrift.core.api_kit import MAX_ID
from fremdrift.instruments.models import Instrument, InstrumentVersion

CONTENT_TYPE = "application/fhir+json"

# Fremdrift's own extensions and code systems. The definitions are global, not per
# deployment; the instruments' canonical urls are the deployment's own (see `fhir_base`).
NAMESPACE = "https://fremdrift.dk/fhir"
EXT = f"{NAMESPACE}/StructureDefinition"
CODES = f"{NAMESPACE}/CodeSystem"
HL7_EXT = "http://hl7.org/fhir/StructureDefinition"
TRANSLATION = f"{HL7_EXT}/translation"
UCUM = "http://unitsofmeasure.org"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
# 'Don't know' and 'not relevant' are answers without a value: an item without `answer`,
# with HL7's data-absent-reason extension.
DATA_ABSENT = f"{HL7_EXT}/data-absent-reason"


# --- ids and references ------------------------------------------------------------------


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


def _patient(citizen_id: int) -> dict:
    return {"reference": f"Patient/{citizen_id}"}


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


# --- codings, translations and values ----------------------------------------------------


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


def _instant(obj) -> str:
    return timezone.localtime(obj.updated_at).isoformat()


# --- Bundles and answers -----------------------------------------------------------------


def _bundle(request: HttpRequest, page: dict, build, type_name: str) -> dict:
    """A searchset Bundle of one page (the API's pages of 100, `audit.api_log.list_page`),
    with FHIR's paging links."""
    base = fhir_base(request)
    resources = [build(obj) for obj in page["items"]]
    query = request.GET.copy()
    links = []
    query["page"] = page["page"]
    links.append({"relation": "self", "url": f"{base}{type_name}?{query.urlencode()}"})
    if page["page"] < page["pages"]:
        query["page"] = page["page"] + 1
        links.append({"relation": "next", "url": f"{base}{type_name}?{query.urlencode()}"})
    if page["page"] > 1:
        query["page"] = page["page"] - 1
        links.append({"relation": "previous", "url": f"{base}{type_name}?{query.urlencode()}"})
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": page["count"],
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
    return bundle


def _answer(payload: dict, status: int = 200, **headers) -> HttpResponse:
    response = HttpResponse(json.dumps(payload), content_type=CONTENT_TYPE, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def _validated(model, resource: dict) -> dict:
    """Every answer is validated with the R4B model; what goes out is its serialisation."""
    return json.loads(model.model_validate(resource).model_dump_json())
