"""Reads of the code lists: the installation's defaults and each organisation's own codes."""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .models import TWO_LEVEL, Code, CodeList


def _organisation_id(organisation) -> int | None:
    if organisation is None:
        return None
    return organisation if isinstance(organisation, int) else organisation.pk


def visible_to(organisation) -> Q:
    """The codes an organisation uses: the defaults and its own (never another's)."""
    organisation_id = _organisation_id(organisation)
    if organisation_id is None:
        return Q(organisation__isnull=True)
    return Q(organisation__isnull=True) | Q(organisation_id=organisation_id)


def codes_for(
    *, code_list: str, organisation, include_retired: bool = False, keep=()
) -> QuerySet[Code]:
    """The codes of a list an organisation's users choose from: the defaults and the
    organisation's own, active ones only unless `include_retired` (reports and filters read
    retired codes too). `keep` are codes (or their ids) offered even when retired: the values
    a row names already."""
    codes = Code.objects.filter(visible_to(organisation), code_list=code_list)
    if not include_retired:
        kept = [getattr(code, "pk", code) for code in keep if code]
        codes = (
            codes.filter(Q(is_active=True) | Q(pk__in=kept))
            if kept
            else codes.filter(is_active=True)
        )
    return codes


def code_lists_overview(*, organisation) -> list[dict]:
    """Each code list with how many codes it has: defaults, the organisation's own, retired."""
    rows = []
    counts: dict[str, dict[str, int]] = {name: {} for name in CodeList.values}
    for code_list, own, active in Code.objects.filter(visible_to(organisation)).values_list(
        "code_list", "organisation_id", "is_active"
    ):
        tally = counts.setdefault(code_list, {})
        key = "own" if own else "default"
        tally[key] = tally.get(key, 0) + 1
        if not active:
            tally["retired"] = tally.get("retired", 0) + 1
    for value, label in CodeList.choices:
        tally = counts.get(value, {})
        rows.append(
            {
                "code_list": value,
                "label": label,
                "two_level": value in TWO_LEVEL,
                "defaults": tally.get("default", 0),
                "own": tally.get("own", 0),
                "retired": tally.get("retired", 0),
            }
        )
    return rows


def code_list_codes(*, code_list: str, organisation) -> list[Code]:
    """Every code of a list an organisation sees, retired ones too, groups before their
    children, for the administrators' page."""
    codes = list(
        codes_for(
            code_list=code_list, organisation=organisation, include_retired=True
        ).select_related("parent", "organisation")
    )

    def place(code: Code) -> tuple:
        group = code.parent or code
        return (
            group.sort_order,
            group.code,
            code.parent_id is not None,
            code.sort_order,
            code.code,
        )

    return sorted(codes, key=place)


def code_groups(*, code_list: str) -> QuerySet[Code]:
    """The groups (first level) of a two-level list under which an organisation adds its own
    codes: the installation's defaults."""
    return Code.objects.filter(code_list=code_list, parent=None, organisation=None).order_by(
        "sort_order", "code"
    )


def code_own_get(*, organisation, code_id: int) -> Code | None:
    """One of the organisation's own codes, or None (a default or another's is not theirs)."""
    return (
        Code.objects.filter(pk=code_id, organisation_id=_organisation_id(organisation))
        .select_related("parent")
        .first()
    )


def code_of(
    code_list: str,
    code: str | None,
    field: str,
    *,
    parent: str | None = None,
    organisation=None,
):
    """The code `code` of a code list (under the code `parent` for a second level) that the
    organisation may choose anew: a default or its own, and active; else a 400 naming the
    field. None stays None."""
    if code is None:
        return None
    found = Code.objects.filter(visible_to(organisation), code_list=code_list, code=code)
    if parent:
        found = found.filter(parent__code=parent).filter(
            Q(parent__organisation__isnull=True)
            | Q(parent__organisation_id=_organisation_id(organisation))
        )
    else:
        found = found.filter(parent=None)
    result = found.select_related("parent").first()
    if result is None:
        raise ValidationError({field: f"Unknown code in the code list {code_list}: {code[:60]}."})
    if not result.is_active:
        raise ValidationError(
            {field: _("The code %(code)s is retired and cannot be chosen.") % {"code": code[:60]}}
        )
    return result
