"""Every write of citizen data goes through here, and every write leaves a change record."""

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fremdrift.accounts.access import is_caseworker
from fremdrift.accounts.models import Organisation
from fremdrift.audit.services import audited_create, audited_update, snapshot
from fremdrift.codelists.models import Code, CodeList
from fremdrift.core import cpr as cprlib
from fremdrift.core.exceptions import StaleVersion
from fremdrift.core.fieldcrypto import encrypt, lookup_hash

from .access import may_import_case_share, may_share_case
from .models import CaseShare, Citizen

TRACKED_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "cpr_hash",
    "home_organisation",
    "responsible_caseworker",
    "target_group",
)
NAME_MAX = Citizen._meta.get_field("first_name").max_length


def _audit_snapshot(citizen: Citizen) -> dict:
    values = snapshot(citizen, TRACKED_FIELDS)
    # The change history never holds a CPR number, not even its hash: only its masked form.
    values.pop("cpr_hash")
    values["cpr"] = citizen.masked_cpr
    values["cpr_fingerprint"] = (citizen.cpr_hash or "")[:8]
    return values


def _validate_names(first_name: str, last_name: str) -> dict[str, str]:
    errors = {}
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if not value.strip():
            errors[field] = _("This field is required.")
        elif len(value) > NAME_MAX:
            errors[field] = _("At most %(max)d characters.") % {"max": NAME_MAX}
    return errors


def _validate_caseworker(caseworker, organisation: Organisation) -> dict[str, str]:
    if not is_caseworker(caseworker) or caseworker.organisation_id != organisation.pk:
        return {
            "responsible_caseworker": _(
                "The responsible caseworker must be a caseworker of the citizen's organisation."
            )
        }
    return {}


def _validate_target_group(target_group: Code) -> dict[str, str]:
    if target_group.code_list != CodeList.TARGET_GROUP or not target_group.is_active:
        return {"target_group": _("Choose a target group from the list.")}
    return {}


def _cpr_taken(digits: str, *, home_organisation, except_pk: int | None = None) -> bool:
    """Within the home organisation only: whether another authority holds the number is
    never asked, so that no answer can tell."""
    others = Citizen.objects.filter(
        cpr_hash=lookup_hash(digits), home_organisation=home_organisation
    )
    if except_pk is not None:
        others = others.exclude(pk=except_pk)
    return others.exists()


def _validate_birth_without_cpr(birth_date: dt.date | None, sex: str) -> dict[str, str]:
    errors = {}
    if birth_date is None:
        errors["birth_date"] = _("Give the birth date when there is no CPR number.")
    elif not dt.date(1900, 1, 1) <= birth_date <= dt.date.today():
        errors["birth_date"] = _("The birth date must be from 1900 until today.")
    if sex not in Citizen.Sex.values:
        errors["sex"] = _("Give the legal sex when there is no CPR number.")
    return errors


DUPLICATE_CPR = gettext_lazy("A citizen with this CPR number is already registered.")


@transaction.atomic
def citizen_create(
    *,
    actor,
    first_name: str,
    last_name: str,
    cpr: str,
    home_organisation: Organisation,
    responsible_caseworker,
    target_group: Code,
    creation_token: uuid.UUID | None = None,
    birth_date: dt.date | None = None,
    sex: str = "",
) -> Citizen:
    """Registers a citizen. With a `creation_token` already used, returns that citizen.
    Without a CPR number (historic or anonymised data), `birth_date` and `sex` are given
    instead, and the citizen can never be found by a CPR number."""
    if creation_token is not None:
        existing = Citizen.objects.filter(creation_token=creation_token).first()
        if existing is not None:
            return existing
    errors = _validate_names(first_name, last_name)
    identity = {"cpr_encrypted": "", "cpr_hash": None, "birth_date": birth_date, "sex": sex}
    if cpr.strip() or birth_date is None and not sex:
        try:
            parsed = cprlib.parse_cpr(cpr)
        except ValidationError as error:
            errors["cpr"] = error.messages[0]
        else:
            if _cpr_taken(parsed.digits, home_organisation=home_organisation):
                errors["cpr"] = DUPLICATE_CPR
            identity = {
                "cpr_encrypted": encrypt(parsed.digits),
                "cpr_hash": lookup_hash(parsed.digits),
                "birth_date": parsed.birth_date,
                "sex": parsed.sex,
            }
    else:
        errors |= _validate_birth_without_cpr(birth_date, sex)
    errors |= _validate_caseworker(responsible_caseworker, home_organisation)
    errors |= _validate_target_group(target_group)
    if errors:
        raise ValidationError(errors)
    data = {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        **identity,
        "home_organisation": home_organisation,
        "responsible_caseworker": responsible_caseworker,
        "target_group": target_group,
        "creation_token": creation_token,
    }
    try:
        with transaction.atomic():
            citizen = audited_create(
                actor=actor,
                model=Citizen,
                data=data,
                tracked=_audit_snapshot,
                citizen=lambda created: created,
            )
    except IntegrityError:
        # Lost a race: the same form, or the same CPR number, was saved a moment ago.
        if creation_token is not None:
            existing = Citizen.objects.filter(creation_token=creation_token).first()
            if existing is not None:
                return existing
        raise ValidationError({"cpr": DUPLICATE_CPR}) from None
    return citizen


@transaction.atomic
def citizen_update(
    *,
    actor,
    citizen: Citizen,
    expected_version: int,
    first_name: str,
    last_name: str,
    responsible_caseworker,
    target_group: Code,
    cpr: str = "",
) -> Citizen:
    """Changes a citizen's details. Refuses with StaleVersion if someone saved in between."""
    errors = _validate_names(first_name, last_name)
    parsed = None
    if cpr.strip():
        try:
            parsed = cprlib.parse_cpr(cpr)
        except ValidationError as error:
            errors["cpr"] = error.messages[0]
        else:
            if _cpr_taken(
                parsed.digits, home_organisation=citizen.home_organisation_id, except_pk=citizen.pk
            ):
                errors["cpr"] = DUPLICATE_CPR
    errors |= _validate_caseworker(responsible_caseworker, citizen.home_organisation)
    errors |= _validate_target_group(target_group)
    if errors:
        raise ValidationError(errors)

    data = {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "responsible_caseworker": responsible_caseworker,
        "target_group": target_group,
    }
    if parsed is not None:
        data |= {
            "cpr_encrypted": encrypt(parsed.digits),
            "cpr_hash": lookup_hash(parsed.digits),
            "birth_date": parsed.birth_date,
            "sex": parsed.sex,
        }
    return audited_update(
        actor=actor,
        instance=citizen,
        expected_version=expected_version,
        data=data,
        tracked=_audit_snapshot,
        citizen=citizen,
    )


@transaction.atomic
def citizens_reassign_caseworker(*, actor, citizens, caseworker) -> int:
    """Moves several citizens to another caseworker in one step; each keeps its own record."""
    batch = uuid.uuid4()
    moved = 0
    for citizen in citizens.select_for_update().select_related("home_organisation"):
        errors = _validate_caseworker(caseworker, citizen.home_organisation)
        if errors:
            raise ValidationError(errors)
        if citizen.responsible_caseworker_id == caseworker.pk:
            continue
        audited_update(
            actor=actor,
            instance=citizen,
            expected_version=None,
            data={"responsible_caseworker": caseworker},
            tracked=_audit_snapshot,
            citizen=citizen,
            batch=batch,
            lock=False,  # the rows are locked above
        )
        moved += 1
    return moved


SHARE_TRACKED = (
    "citizen",
    "home_organisation",
    "shared_with",
    "purpose",
    "start_date",
    "end_date",
    "ended_at",
    "ended_by",
)


def case_share_errors(
    *,
    citizen: Citizen,
    shared_with: Organisation | None,
    purpose: str,
    start_date: dt.date | None,
    end_date: dt.date | None,
) -> dict[str, str]:
    """What is wrong with a share of `citizen`'s case, by field (nothing when it is fine)."""

    errors: dict[str, str] = {}
    if shared_with is None:
        errors["shared_with"] = _("This field is required.")
    elif shared_with.pk == citizen.home_organisation_id:
        errors["shared_with"] = _(
            "A case is shared with another authority, not with the citizen's own organisation."
        )
    elif shared_with.kind == Organisation.Kind.PROVIDER:
        errors["shared_with"] = _(
            "A provider is given a referral, not a shared case: refer the citizen instead."
        )
    elif shared_with.kind != Organisation.Kind.AUTHORITY:
        errors["shared_with"] = _("A case is shared only with an authority.")
    if not (purpose or "").strip():
        errors["purpose"] = _("This field is required.")
    if start_date is None:
        errors["start_date"] = _("This field is required.")
    elif end_date is not None and end_date < start_date:
        errors["end_date"] = _("The end date must not be before the start date.")
    if not errors:
        overlapping = CaseShare.objects.filter(
            citizen=citizen, shared_with=shared_with, ended_at__isnull=True
        ).filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
        if end_date is not None:
            overlapping = overlapping.filter(start_date__lte=end_date)
        if overlapping.exists():
            errors["start_date"] = _(
                "The case is already shared with this organisation in a period that overlaps."
            )
    return errors


def _may_share(actor, citizen: Citizen, *, imported: bool) -> bool:
    if imported:
        return may_import_case_share(actor, citizen)
    return may_share_case(actor, citizen)


@transaction.atomic
def case_share_create(
    *,
    actor,
    citizen: Citizen,
    shared_with: Organisation | None,
    purpose: str,
    start_date: dt.date | None,
    end_date: dt.date | None = None,
    imported: bool = False,
):
    """Shares `citizen`'s case with another authority for a period and a purpose. `imported`:
    a row of an exchange package, recorded by the importing administrator."""

    if not _may_share(actor, citizen, imported=imported):
        raise PermissionDenied
    # One share at a time per citizen: the citizen's row is the lock of the overlap check.
    Citizen.objects.select_for_update().filter(pk=citizen.pk).first()
    errors = case_share_errors(
        citizen=citizen,
        shared_with=shared_with,
        purpose=purpose,
        start_date=start_date,
        end_date=end_date,
    )
    if errors:
        raise ValidationError(errors)
    return audited_create(
        actor=actor,
        model=CaseShare,
        data={
            "citizen": citizen,
            "home_organisation_id": citizen.home_organisation_id,
            "shared_with": shared_with,
            "purpose": purpose.strip(),
            "start_date": start_date,
            "end_date": end_date,
            "created_by": actor,
        },
        tracked=SHARE_TRACKED,
        citizen=citizen,
    )


@transaction.atomic
def case_share_end(*, actor, share, imported: bool = False, expected_version: int | None = None):
    """Ends a share at once: from the next request the other authority no longer sees the
    citizen. The end date becomes today (or stays, if it was earlier). With
    `expected_version`, StaleVersion when the share changed since it was read."""

    if not _may_share(actor, share.citizen, imported=imported):
        raise PermissionDenied
    locked = CaseShare.objects.select_for_update().get(pk=share.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion
    if locked.ended_at is not None:
        raise ValidationError({"ended_at": _("This collaboration has already ended.")})
    today = dt.date.today()
    end_date = locked.end_date if locked.end_date and locked.end_date < today else today
    if end_date < locked.start_date:
        end_date = locked.start_date
    return audited_update(
        actor=actor,
        instance=locked,
        expected_version=None,
        data={"ended_at": timezone.now(), "ended_by": actor, "end_date": end_date},
        tracked=SHARE_TRACKED,
        citizen=locked.citizen,
        lock=False,
    )
