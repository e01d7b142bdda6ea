"""The corrections of a citizen's assessments, read from the change history with their dates
(`citizens.corrections` has the citizen's own), and an answer as a person reads it."""

import datetime as dt

from django.utils import formats
from django.utils.translation import gettext as _

from fremdrift.audit.models import ChangeRecord
from fremdrift.citizens.corrections import Correction
from fremdrift.instruments.models import Item, Respondent, ScaleType

from .models import Assessment


def number_text(value: float) -> str:
    """A number as the interface writes it: no decimals for a whole number."""
    return formats.number_format(int(value) if float(value).is_integer() else value)


def answer_text(
    item: Item | None,
    value: float | None,
    text: str = "",
    dont_know: bool = False,
    not_relevant: bool = False,
    codes=(),
) -> str:
    """An answer as a person reads it: a scale point with its label, yes or no, a percentage,
    a number with its unit, the text; 'don't know' and 'not relevant' in words."""
    if dont_know:
        return _("Don't know")
    if not_relevant:
        return _("Not relevant")
    if codes:
        return ", ".join(item.option_label(code) if item is not None else code for code in codes)
    if value is None:
        return text or "–"
    scale = item.scale_type if item is not None else ScaleType.NUMBER
    if scale == ScaleType.ORDINAL:
        label = item.point_label(int(value))
        return f"{number_text(value)} – {label}" if label else number_text(value)
    if scale == ScaleType.YES_NO:
        return _("Yes") if value else _("No")
    if scale == ScaleType.PERCENT:
        return f"{number_text(value)} %"
    unit = f" {item.unit}" if item is not None and item.unit else ""
    return number_text(value) + unit


def _date_text(iso: str | None) -> str:
    return formats.date_format(dt.date.fromisoformat(iso), "DATE_FORMAT") if iso else "–"


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value or "–"))


def _changed(before: dict, after: dict, items: dict[str, Item]) -> list[tuple[str, str, str]]:
    """(field, before, after) of each field a correction changed, as text."""
    changed = []
    if "date" in after:
        changed.append((_("date"), _date_text(before.get("date")), _date_text(after["date"])))
    if "respondent" in after:
        changed.append(
            (
                _("respondent"),
                _label(Respondent.choices, before.get("respondent")),
                _label(Respondent.choices, after["respondent"]),
            )
        )
    if "status" in after:
        changed.append(
            (
                _("status"),
                _label(Assessment.Status.choices, before.get("status")),
                _label(Assessment.Status.choices, after["status"]),
            )
        )
    old_answers, new_answers = before.get("answers") or {}, after.get("answers") or {}
    codes = sorted(
        set(old_answers) | set(new_answers),
        key=lambda c: (items[c].position if c in items else 10**6, c),
    )
    for code in codes:
        old, new = old_answers.get(code), new_answers.get(code)
        if old == new:
            continue
        item = items.get(code)
        label = item.label if item is not None else code
        old_value = answer_text(item, *old[:4], codes=old[5:6] and old[5]) if old else "–"
        new_value = answer_text(item, *new[:4], codes=new[5:6] and new[5]) if new else "–"
        if old_value != new_value:
            changed.append((label, old_value, new_value))
        old_comment = old[4] if old else ""
        new_comment = new[4] if new else ""
        if old_comment != new_comment:
            changed.append(
                (
                    _("comment on %(item)s") % {"item": label},
                    old_comment or "–",
                    new_comment or "–",
                )
            )
    return changed


def assessment_corrections(citizen) -> list[Correction]:
    """Every correction of the citizen's assessments, oldest first: the date, respondent and
    status, and each answer and comment that changed. Three queries, whatever the history."""
    assessments = {
        str(a.pk): a
        for a in Assessment.objects.filter(citizen_id=citizen.pk)
        .select_related("version__instrument")
        .prefetch_related("version__items")
    }
    records = ChangeRecord.objects.filter(
        citizen_id=citizen.pk,
        model=Assessment._meta.label,
        object_id__in=list(assessments),
        kind=ChangeRecord.Kind.UPDATE,
    ).order_by("at", "id")
    found = []
    for record in records:
        assessment = assessments[record.object_id]
        items = {item.code: item for item in assessment.version.items.all()}
        subject = _("Assessment of %(date)s (%(instrument)s)") % {
            "date": formats.date_format(assessment.date, "DATE_FORMAT"),
            "instrument": assessment.version.instrument.name,
        }
        found += [
            Correction(record.at, record.pk, f"{record.model}:{record.object_id}", subject, *change)
            for change in _changed(record.before or {}, record.after or {}, items)
        ]
    return found
