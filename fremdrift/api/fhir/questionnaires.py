"""Questionnaire both ways: an instrument version as a Questionnaire, and a Questionnaire
imported as a new instrument (`questionnaire_import`)."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from fhir.resources.R4B.questionnaire import Questionnaire
from pydantic import ValidationError as PydanticValidationError

from fremdrift.api.fhir.common import (
    CODES,
    EXT,
    HL7_EXT,
    UCUM,
    _coding,
    _english,
    _with_translation,
    fhir_id,
    questionnaire_url,
)
from fremdrift.instruments import services as instrument_services
from fremdrift.instruments.models import (
    InstrumentVersion,
    Item,
    Purpose,
    Respondent,
    ScaleType,
)
from fremdrift.instruments.services import ItemSpec

VERSION_STATUS = {
    InstrumentVersion.Status.PUBLISHED: "active",
    InstrumentVersion.Status.RETIRED: "retired",
    InstrumentVersion.Status.DRAFT: "draft",
}


# The code systems of list items' options: one per item code, which stays the same across an
# instrument's versions and its copies (and a Questionnaire imported again), so that their
# answers keep the same codings. An ordinal scale's points are codings without a system.
ITEM_OPTIONS = f"{CODES}/instrument-item"


def item_option_coding(item_code: str, code: str, label_da: str, label_en: str = "") -> dict:
    """One option of a list item as a coding: the item's code system, the option's code, the
    Danish label as display (the English in the translation extension)."""
    coding = _coding(f"instrument-item/{item_code}", code)
    _with_translation(coding, "display", label_da, label_en)
    return coding


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
    elif item.is_nominal:
        # A list item: its options are codings of the item's own code system (the ordinal
        # points above have none), and "several of a list" repeats.
        out["type"] = "choice"
        if item.scale_type == ScaleType.CHOICES:
            out["repeats"] = True
        out["answerOption"] = [
            {"valueCoding": item_option_coding(item.code, code, label_da, label_en)}
            for code, label_da, label_en in item.options
        ]
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


def _is_nominal(element: dict) -> bool:
    """A choice is a list item when it repeats (an ordinal scale never does) or when its
    options are codings of an item's code system (`ITEM_OPTIONS`); otherwise its options are
    the points of an ordinal scale."""
    return bool(element.get("repeats")) or any(
        (option.get("valueCoding") or {}).get("system", "").startswith(f"{ITEM_OPTIONS}/")
        for option in element.get("answerOption") or []
    )


def _options_of(link_id: str, options: list[dict]) -> list[list[str]]:
    """A list item's options from answer options that are codings: the code, the display as
    the Danish label (the code when there is none) and its English translation."""
    found = []
    for option in options:
        coding = option.get("valueCoding")
        if not coding or not coding.get("code"):
            raise ValidationError(
                {
                    f"item[{link_id}]": (
                        f"Item '{link_id}': every answer option of a list item is a coding "
                        "with a code (valueCoding)."
                    )
                }
            )
        label_da = (coding.get("display") or coding["code"]).strip()
        found.append([coding["code"], label_da, _english(coding.get("_display"))])
    problems = instrument_services.options_problems(found)
    if problems:
        raise ValidationError({f"item[{link_id}]": [f"Item '{link_id}': {p}" for p in problems]})
    return found


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
    if kind == "choice" and _is_nominal(element):
        if element.get("answerValueSet") or not element.get("answerOption"):
            refuse("a choice needs its answer options in the Questionnaire (answerOption).")
        repeats = bool(element.get("repeats"))
        spec.scale_type = ScaleType.CHOICES if repeats else ScaleType.CHOICE
        spec.options = _options_of(link_id, element["answerOption"])
    elif kind == "choice":
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
