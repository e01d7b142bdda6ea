"""Writes of instruments. A version with answers is frozen: a change makes a new version, and
item codes carry over so that answers stay comparable across versions."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fremdrift.audit.services import audited_create, audited_update, lock_for_update, snapshot

from .models import (
    NOMINAL_SCALES,
    Instrument,
    InstrumentVersion,
    Item,
    Purpose,
    Respondent,
    ScaleType,
)

OPTION_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")

ITEM_FIELDS = (
    "code",
    "position",
    "label_da",
    "label_en",
    "text_da",
    "text_en",
    "help_da",
    "help_en",
    "dimension",
    "scale_type",
    "scale_min",
    "scale_max",
    "point_labels",
    "unit",
    "options",
    "allows_dont_know",
    "allows_not_relevant",
)


@dataclass
class ItemSpec:
    """What an administrator wrote for one item."""

    code: str
    label_da: str
    text_da: str
    scale_type: str
    label_en: str = ""
    text_en: str = ""
    help_da: str = ""
    help_en: str = ""
    dimension: str = ""
    scale_min: int | None = None
    scale_max: int | None = None
    point_labels: dict = field(default_factory=dict)
    unit: str = ""
    options: list = field(default_factory=list)
    allows_dont_know: bool = False
    allows_not_relevant: bool = False


def options_problems(options) -> list[str]:
    """What is wrong with a nominal item's list: at least two options, each a unique code of
    lower-case letters, digits, '_' or '-' with a Danish label (an English one may follow)."""
    if not isinstance(options, list) or len(options) < 2:
        return [_("a list item needs at least two options.")]
    problems, seen = [], set()
    for option in options:
        if (
            not isinstance(option, list | tuple)
            or len(option) != 3
            or not all(isinstance(part, str) for part in option)
        ):
            return [_("each option is a code, a Danish and an English label.")]
        code, label_da, label_en = option
        if not OPTION_CODE.match(code):
            problems.append(
                _("the option code %(code)s may hold only a-z, 0-9, '_' and '-'.")
                % {"code": code[:60] or "''"}
            )
        elif code in seen:
            problems.append(_("the option code %(code)s comes twice.") % {"code": code})
        seen.add(code)
        if not label_da.strip():
            problems.append(_("the option %(code)s needs a Danish label.") % {"code": code[:60]})
        if len(label_da) > 200 or len(label_en) > 200:
            problems.append(_("an option's label has at most 200 characters."))
    return problems


def version_is_frozen(version: InstrumentVersion) -> bool:
    return version.assessments.exists()


def _validate_items(specs: list[ItemSpec]) -> None:
    errors = []
    codes = [spec.code for spec in specs]
    if not specs:
        errors.append(_("An instrument needs at least one item."))
    duplicates = {code for code in codes if codes.count(code) > 1}
    if duplicates:
        errors.append(
            _("Item codes must be unique: %(codes)s.") % {"codes": ", ".join(sorted(duplicates))}
        )
    for number, spec in enumerate(specs, start=1):
        prefix = _("Item %(number)d") % {"number": number}
        if spec.scale_type not in ScaleType.values:
            errors.append(f"{prefix}: " + _("unknown scale type."))
        if not spec.code or not spec.label_da.strip() or not spec.text_da.strip():
            errors.append(f"{prefix}: " + _("code, short label and text are required."))
        if spec.scale_type == ScaleType.ORDINAL:
            if spec.scale_min is None or spec.scale_max is None:
                errors.append(
                    f"{prefix}: " + _("an ordinal scale needs a lowest and highest point.")
                )
            elif not 1 <= spec.scale_max - spec.scale_min <= 10:
                errors.append(f"{prefix}: " + _("an ordinal scale has from 2 to 11 points."))
        if spec.scale_type in NOMINAL_SCALES:
            errors.extend(f"{prefix}: {problem}" for problem in options_problems(spec.options))
        elif spec.options:
            errors.append(f"{prefix}: " + _("only a list item has options."))
    if errors:
        raise ValidationError({"items": errors})


def _validate_respondents(respondents: list[str]) -> None:
    if not respondents or any(r not in Respondent.values for r in respondents):
        raise ValidationError({"respondents": _("Choose who may answer the instrument.")})


def _write_items(version: InstrumentVersion, specs: list[ItemSpec]) -> None:
    version.items.all().delete()
    Item.objects.bulk_create(
        [
            Item(
                version=version,
                position=position,
                **{name: getattr(spec, name) for name in ITEM_FIELDS if name != "position"},
            )
            for position, spec in enumerate(specs)
        ]
    )


def item_specs_of(version: InstrumentVersion) -> list[ItemSpec]:
    return [
        ItemSpec(**{name: getattr(item, name) for name in ITEM_FIELDS if name != "position"})
        for item in version.items.all()
    ]


def _instrument_touch(instrument_id: int) -> None:
    """Moves the instrument's `updated_at`: a version of it was created, changed or published,
    and the API's `updated_since` serves it again."""
    Instrument.objects.filter(pk=instrument_id).update(updated_at=timezone.now())


def _version_snapshot(version: InstrumentVersion) -> dict:
    values = snapshot(version, ("number", "status", "respondents"))
    values["items"] = [
        {name: getattr(item, name) for name in ITEM_FIELDS} for item in version.items.all()
    ]
    return values


@transaction.atomic
def instrument_create(
    *,
    actor,
    code: str,
    name_da: str,
    purpose: str,
    respondents: list[str],
    items: list[ItemSpec],
    name_en: str = "",
    copied_from: Instrument | None = None,
) -> Instrument:
    """A new instrument with a draft version 1 holding `items`."""
    if Instrument.objects.filter(code=code).exists():
        raise ValidationError({"code": _("An instrument with this code exists already.")})
    if not name_da.strip():
        raise ValidationError({"name_da": _("This field is required.")})
    if purpose not in Purpose.values:
        raise ValidationError({"purpose": _("Choose from the list.")})
    _validate_items(items)
    _validate_respondents(respondents)
    instrument = Instrument.objects.create(
        code=code, name_da=name_da, name_en=name_en, purpose=purpose, copied_from=copied_from
    )
    audited_create(
        actor=actor,
        model=InstrumentVersion,
        data={
            "instrument": instrument,
            "number": 1,
            "respondents": list(respondents),
            "created_by": actor,
        },
        tracked=_version_snapshot,
        related=lambda version: _write_items(version, items),
    )
    _instrument_touch(instrument.pk)
    instrument.refresh_from_db(fields=["updated_at"])
    return instrument


def instrument_copy(
    *, actor, instrument: Instrument, code: str, name_da: str, name_en: str = ""
) -> Instrument:
    """A new instrument with a draft version 1 holding a copy of the newest version's items."""
    source = instrument.versions.exclude(status=InstrumentVersion.Status.DRAFT).first()
    source = source or instrument.versions.first()
    return instrument_create(
        actor=actor,
        code=code,
        name_da=name_da,
        name_en=name_en,
        purpose=instrument.purpose,
        respondents=list(source.respondents),
        items=item_specs_of(source),
        copied_from=instrument,
    )


@transaction.atomic
def version_draft_get_or_create(*, actor, instrument: Instrument) -> InstrumentVersion:
    """The instrument's draft, made from its newest version if there is none."""
    Instrument.objects.select_for_update().get(pk=instrument.pk)
    draft = instrument.versions.filter(status=InstrumentVersion.Status.DRAFT).first()
    if draft is not None:
        return draft
    newest = instrument.versions.order_by("-number").first()
    draft = audited_create(
        actor=actor,
        model=InstrumentVersion,
        data={
            "instrument": instrument,
            "number": (newest.number + 1) if newest else 1,
            "respondents": list(newest.respondents) if newest else [],
            "reliability": newest.reliability if newest else None,
            "created_by": actor,
        },
        tracked=_version_snapshot,
        related=(lambda draft: _write_items(draft, item_specs_of(newest))) if newest else None,
    )
    _instrument_touch(instrument.pk)
    return draft


@transaction.atomic
def version_update(
    *, actor, version: InstrumentVersion, items: list[ItemSpec], respondents: list[str]
) -> InstrumentVersion:
    """Changes a version's items. A version with answers is frozen and refused: changes go
    into the instrument's draft, a new version (`version_draft_get_or_create`)."""
    current = lock_for_update(version)
    if current.status != InstrumentVersion.Status.DRAFT and version_is_frozen(current):
        raise ValidationError(
            {
                "version": _(
                    "This version has answers and cannot be changed. Make your changes in a "
                    "draft of a new version."
                )
            }
        )
    _validate_items(items)
    _validate_respondents(respondents)
    audited_update(
        actor=actor,
        instance=current,
        expected_version=None,
        data={"respondents": list(respondents)},
        tracked=_version_snapshot,
        lock=False,
        related=lambda version: _write_items(version, items),
    )
    _instrument_touch(current.instrument_id)
    return current


@transaction.atomic
def version_publish(*, actor, version: InstrumentVersion) -> InstrumentVersion:
    """Publishes a draft; the version published before it is retired (its assessments still
    render, and new assessments use the new version)."""
    current = lock_for_update(version)
    if current.status != InstrumentVersion.Status.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    _validate_items(item_specs_of(current))
    _validate_respondents(current.respondents)
    for previous in current.instrument.versions.filter(status=InstrumentVersion.Status.PUBLISHED):
        previous.status = InstrumentVersion.Status.RETIRED
        previous.save(update_fields=["status"])
    audited_update(
        actor=actor,
        instance=current,
        expected_version=None,
        data={"status": InstrumentVersion.Status.PUBLISHED, "published_at": timezone.now()},
        tracked=_version_snapshot,
        lock=False,
    )
    _instrument_touch(current.instrument_id)
    return current


@transaction.atomic
def instrument_set_reliability(*, actor, instrument: Instrument, reliability: float | None):
    """The reliability the reports use for the reliable change index; None lets them estimate
    it from the data (Cronbach's alpha)."""
    if reliability is not None and not 0 < reliability < 1:
        raise ValidationError(
            {"reliability": _("The reliability must lie between 0 and 1, for example 0.85.")}
        )
    return audited_update(
        actor=actor,
        instance=instrument,
        expected_version=None,
        data={"reliability": reliability},
        tracked=("reliability",),
        touch=True,  # as before the helper: `updated_at` moves even when the value stays
    )
