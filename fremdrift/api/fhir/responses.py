"""QuestionnaireResponse: an assessment, its answers as items keyed by the items' codes."""

from typing import Any

from django.utils.translation import override

from fremdrift.api.fhir.common import (
    DATA_ABSENT,
    EXT,
    _instant,
    _number,
    _patient,
    questionnaire_url,
)
from fremdrift.api.fhir.questionnaires import item_option_coding
from fremdrift.assessments.models import Answer, Assessment
from fremdrift.instruments.models import Respondent, ScaleType

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
    if item.is_nominal:
        # One valueCoding per chosen code, as the Questionnaire's options.
        if not answer.codes:
            return None
        labels = {code: (da, en) for code, da, en in item.options}
        if extensions:
            out["extension"] = extensions
        out["answer"] = [
            {"valueCoding": item_option_coding(item.code, code, *labels.get(code, (code, "")))}
            for code in answer.codes
        ]
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
    if assessment.entered_by_citizen:
        resource["extension"].append({"url": f"{EXT}/entered-by-citizen", "valueBoolean": True})
    answered = [item for item in items if item is not None]
    if answered:
        resource["item"] = answered
    return resource
