"""Writes of the code lists (whose models are `codelists`, below the change history): an
organisation's own codes, added, renamed, retired and taken
back into use by its administrators. A code is never deleted, and its `code` never changes.

The installation-wide defaults (`defaults.py`, loaded by migration) are shared by every
organisation, so no organisation's administrator renames or retires them: an organisation
adds its own codes beside them. In a two-level list (activity types, exit reasons) an own code
is a second-level code under one of the defaults' groups, which the reports count by."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from fremdrift.accounts.access import is_administrator
from fremdrift.audit.services import audited_create, audited_update, lock_for_update
from fremdrift.codelists.models import TWO_LEVEL, Code, CodeList

TRACKED = ("code_list", "code", "parent", "organisation", "label_da", "label_en", "sort_order")
TRACKED_ALL = (*TRACKED, "is_active")


def _label_errors(*, label_da: str, label_en: str, errors: dict) -> None:
    if not (label_da or "").strip():
        errors["label_da"] = _("Give the Danish label.")
    elif len(label_da.strip()) > 200:
        errors["label_da"] = _("The Danish label is at most 200 characters.")
    if not (label_en or "").strip():
        errors["label_en"] = _("Give the English label.")
    elif len(label_en.strip()) > 200:
        errors["label_en"] = _("The English label is at most 200 characters.")


def _order_errors(sort_order, errors: dict) -> None:
    if not isinstance(sort_order, int) or isinstance(sort_order, bool) or sort_order < 0:
        errors["sort_order"] = _("The order is a whole number, 0 or more.")


def _actor_errors(*, actor, organisation) -> dict:
    """Only an administrator of the organisation changes its own codes."""
    if actor is None:
        return {}  # the exchange package's import and the demo act as the system
    if not is_administrator(actor) or actor.organisation_id != organisation.pk:
        return {"organisation": _("Only the organisation's administrators change its codes.")}
    return {}


def code_errors(
    *,
    organisation,
    code_list: str,
    code: str,
    label_da: str,
    label_en: str,
    sort_order,
    parent: Code | None = None,
) -> dict[str, str]:
    """What is wrong with a new own code, by field (the page, the import's check pass and
    the service ask this)."""
    errors: dict[str, str] = {}
    if code_list not in CodeList.values:
        errors["code_list"] = _("Unknown code list.")
        return errors
    if not code or slugify(code) != code or len(code) > 60:
        errors["code"] = _(
            "The code is at most 60 small letters, digits, hyphens and underscores, such as "
            "'pre_meeting'."
        )
    _label_errors(label_da=label_da, label_en=label_en, errors=errors)
    _order_errors(sort_order, errors)
    if code_list in TWO_LEVEL:
        if parent is None:
            errors["parent"] = _("Choose the group the code belongs to.")
        elif parent.code_list != code_list or parent.parent_id is not None:
            errors["parent"] = _("The group is not a group of this code list.")
        elif parent.organisation_id is not None:
            errors["parent"] = _("Own codes go under one of the installation's groups.")
    elif parent is not None:
        errors["parent"] = _("This code list has one level: a code has no group.")
    if "code" not in errors and "parent" not in errors:
        taken = Code.objects.filter(code_list=code_list, code=code).filter(
            Q(organisation__isnull=True) | Q(organisation=organisation)
        )
        taken = taken.filter(parent=parent) if parent else taken.filter(parent=None)
        if taken.exists():
            errors["code"] = _("The code %(code)s is in the list already.") % {"code": code}
    return errors


@transaction.atomic
def code_add(
    *,
    actor,
    organisation,
    code_list: str,
    code: str,
    label_da: str,
    label_en: str,
    sort_order: int,
    parent: Code | None = None,
) -> Code:
    """An organisation's own code, beside the defaults of the list."""
    code = (code or "").strip()
    errors = _actor_errors(actor=actor, organisation=organisation)
    errors |= code_errors(
        organisation=organisation,
        code_list=code_list,
        code=code,
        label_da=label_da,
        label_en=label_en,
        sort_order=sort_order,
        parent=parent,
    )
    if errors:
        raise ValidationError(errors)
    return audited_create(
        actor=actor,
        model=Code,
        data={
            "organisation": organisation,
            "code_list": code_list,
            "code": code,
            "parent": parent,
            "label_da": label_da.strip(),
            "label_en": label_en.strip(),
            "sort_order": sort_order,
        },
        tracked=TRACKED_ALL,
    )


def _own(*, actor, code: Code) -> Code:
    """The code locked for a change, or a field error when it is a default or not the actor's
    organisation's."""
    if code.organisation_id is None:
        raise ValidationError(
            {"code": _("The installation's default codes are not changed here; add your own.")}
        )
    errors = _actor_errors(actor=actor, organisation=code.organisation)
    if errors:
        raise ValidationError(errors)
    return lock_for_update(code, version_field=None)


@transaction.atomic
def code_rename(
    *, actor, code: Code, label_da: str, label_en: str, sort_order: int | None = None
) -> Code:
    """New labels (and order) of an own code; its `code` stays."""
    code = _own(actor=actor, code=code)
    errors: dict[str, str] = {}
    _label_errors(label_da=label_da, label_en=label_en, errors=errors)
    if sort_order is not None:
        _order_errors(sort_order, errors)
    if errors:
        raise ValidationError(errors)
    data = {"label_da": label_da.strip(), "label_en": label_en.strip()}
    if sort_order is not None:
        data["sort_order"] = sort_order
    return audited_update(
        actor=actor,
        instance=code,
        expected_version=None,
        data=data,
        tracked=TRACKED_ALL,
        lock=False,
        version_field=None,
    )


@transaction.atomic
def code_retire(*, actor, code: Code) -> Code:
    """An own code no longer offered: the rows that name it keep it and show its label."""
    code = _own(actor=actor, code=code)
    if not code.is_active:
        raise ValidationError(
            {"code": _("The code %(code)s is retired already.") % {"code": code.code}}
        )
    return audited_update(
        actor=actor,
        instance=code,
        expected_version=None,
        data={"is_active": False},
        tracked=TRACKED_ALL,
        lock=False,
        version_field=None,
    )


@transaction.atomic
def code_reactivate(*, actor, code: Code) -> Code:
    """A retired own code offered again."""
    code = _own(actor=actor, code=code)
    if code.is_active:
        raise ValidationError(
            {"code": _("The code %(code)s is active already.") % {"code": code.code}}
        )
    return audited_update(
        actor=actor,
        instance=code,
        expected_version=None,
        data={"is_active": True},
        tracked=TRACKED_ALL,
        lock=False,
        version_field=None,
    )
