"""The account a single sign-on gives: made at the first sign-in, brought up to date from the
claims at every later one, deactivated at once when the claims no longer map. Every change of
access is a change record (`audit.services.staff_member_save`)."""

import hashlib
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from fremdrift.accounts.models import Organisation, User
from fremdrift.audit.models import ChangeRecord
from fremdrift.audit.services import (
    audited_create,
    audited_update,
    change_record_write,
    snapshot,
    staff_member_save,
)

from . import selectors
from .models import ClaimMapping, SignInIdentity

MAPPING_FIELDS = ("issuer", "claim", "value", "organisation", "role")


@dataclass
class SignIn:
    """The outcome of a sign-in: the account, or why there is none (a Danish sentence)."""

    user: User | None
    refusal: str = ""


def _username(claims: dict, subject: str) -> str:
    wanted = claims.get("preferred_username") or claims.get("email") or ""
    wanted = re.sub(r"[^\w.@+-]", "", str(wanted))[:120]
    if not wanted:
        wanted = "sso-" + hashlib.sha256(subject.encode()).hexdigest()[:12]
    candidate, n = wanted, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{wanted}-{n}"
    return candidate


def _names(claims: dict) -> tuple[str, str]:
    first, last = claims.get("given_name") or "", claims.get("family_name") or ""
    if not (first or last) and claims.get("name"):
        first, _space, last = str(claims["name"]).partition(" ")
    return str(first)[:150], str(last)[:150]


@transaction.atomic
def sign_in_account_sync(*, issuer: str, claims: dict) -> SignIn:
    """The account of the person the identity provider vouches for, made or updated from the
    claims; or a refusal, with nothing created. An account whose claims no longer map is
    deactivated before it is refused (that much is kept). An account an administrator has
    deactivated stays so: sign-in does not reactivate it."""
    subject = str(claims["sub"])
    identity = selectors.identity_of(issuer=issuer, subject=subject)
    user = identity.user if identity else None
    mappings = selectors.claim_mappings_for(issuer=issuer, claims=claims)
    targets = {(m.organisation_id, m.role) for m in mappings}
    first_name, last_name = _names(claims)
    email = str(claims.get("email") or "")[:254]
    if len(targets) != 1:
        if user is not None and user.is_active:
            staff_member_save(
                actor=None,
                username=user.username,
                organisation=user.organisation,
                role=user.role,
                first_name=user.first_name,
                last_name=user.last_name,
                email=user.email,
                is_active=False,
            )
        if len(targets) > 1:
            return SignIn(
                None,
                _(
                    "Your groups give more than one role in Fremdrift. "
                    "Ask your administrator to fix the mapping."
                ),
            )
        return SignIn(
            None,
            _(
                "Your organisation's login does not give you access to Fremdrift. "
                "Ask your administrator for access."
            ),
        )
    if user is not None and not user.is_active:
        return SignIn(None, _("Your user in Fremdrift is deactivated. Ask your administrator."))
    mapping = mappings[0]
    user, _state = staff_member_save(
        actor=None,
        username=user.username if user else _username(claims, subject),
        organisation=mapping.organisation,
        role=mapping.role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        may_move=True,
    )
    if identity is None:
        SignInIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    return SignIn(user)


@transaction.atomic
def claim_mapping_save(*, actor, mapping: ClaimMapping) -> ClaimMapping:
    """Saves a claim mapping an administrator made or changed, with a change record: it
    decides who gets which access."""
    before = (
        snapshot(ClaimMapping.objects.get(pk=mapping.pk), MAPPING_FIELDS) if mapping.pk else None
    )
    mapping.full_clean()
    mapping.save()
    change_record_write(
        actor=actor,
        instance=mapping,
        kind=ChangeRecord.Kind.UPDATE if before else ChangeRecord.Kind.CREATE,
        before=before,
        after=snapshot(mapping, MAPPING_FIELDS),
    )
    return mapping


@transaction.atomic
def claim_mapping_delete(*, actor, mapping: ClaimMapping) -> None:
    change_record_write(
        actor=actor,
        instance=mapping,
        kind=ChangeRecord.Kind.DELETE,
        before=snapshot(mapping, MAPPING_FIELDS),
        after=None,
    )
    mapping.delete()


# The second factor (second_factor.py).

RECOVERY_CODES = 10


@transaction.atomic
def totp_device_start(*, user) -> TOTPDevice:
    """A new, unconfirmed authenticator for the user (any earlier unconfirmed one goes)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Fremdrift", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user, device: TOTPDevice, token: str) -> list[str]:
    """Confirms the authenticator with a code from it, replaces the user's other second
    factors and recovery codes, and returns ten new recovery codes (shown once)."""
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token):
        raise ValidationError(
            {"token": _("The code is wrong. Type the six digits the app shows now.")}
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="Gendannelseskoder", confirmed=True)
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    change_record_write(
        actor=user,
        instance=user,
        kind=ChangeRecord.Kind.UPDATE,
        before={"second_factor": False},
        after={"second_factor": True},
    )
    return codes


@dataclass
class SecondFactorCheck:
    refusal: str = ""  # why the code was not taken ("" when it was)
    throttled: bool = False


@transaction.atomic
def second_factor_check(*, user, token: str) -> SecondFactorCheck:
    """Checks a code from the authenticator or a recovery code (spent when used). Wrong codes
    slow the next attempts down (django-otp's throttle, doubling the wait after each)."""
    token = "".join(token.split())
    devices = [
        *TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True),
        *StaticDevice.objects.select_for_update().filter(user=user, confirmed=True),
    ]
    if not devices:
        return SecondFactorCheck(_("You have no second factor."))
    if not all(device.verify_is_allowed()[0] for device in devices):
        return SecondFactorCheck(
            _("Too many wrong codes. Wait a minute and try again."), throttled=True
        )
    if any(device.verify_token(token) for device in devices):
        for device in devices:  # the wrong codes before count no more, on any device
            device.throttle_reset()
        return SecondFactorCheck()
    return SecondFactorCheck(_("The code is wrong."))


# Staff accounts, managed by their organisation's administrators (staff.py).


@transaction.atomic
def staff_account_save(
    *,
    actor,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_active: bool = True,
    username: str = "",
    member: User | None = None,
) -> User:
    """Creates a person's account in the administrator's own organisation (without a
    password: a one-time link sets it), or changes one of its persons. Nobody changes their own
    role or access; every change of access is a change record."""
    if member is None and User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("This user name is taken.")})
    if member is not None and (
        member.organisation_id != actor.organisation_id or member.kind != User.Kind.PERSON
    ):
        raise ValidationError({"username": _("Not a user of your organisation.")})
    account, _state = staff_member_save(
        actor=actor,
        username=member.username if member else username,
        organisation=actor.organisation,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_active=is_active,
    )
    return account


@transaction.atomic
def password_link_issue(*, actor, member: User) -> None:
    """Records that an administrator gave a person a one-time link to set their password."""
    change_record_write(
        actor=actor,
        instance=member,
        kind=ChangeRecord.Kind.UPDATE,
        before={"password_link": ""},
        after={"password_link": "issued"},
    )


@transaction.atomic
def second_factor_reset(*, actor, member: User) -> None:
    """Removes a person's authenticator and recovery codes (a lost phone): their next password
    sign-in sets up a new one where it is required."""
    removed = TOTPDevice.objects.filter(user=member).delete()[0]
    StaticDevice.objects.filter(user=member).delete()
    if removed:
        change_record_write(
            actor=actor,
            instance=member,
            kind=ChangeRecord.Kind.UPDATE,
            before={"second_factor": True},
            after={"second_factor": False},
        )


ORGANISATION_FIELDS = ["name", "kind", "is_active"]


def organisation_errors(
    *, actor, organisation: Organisation | None, name: str, kind: str, is_active: bool
) -> dict:
    """Why an administrator may not save an organisation so: the name taken, a kind not in the
    list, their own organisation deactivated or made another kind, an authority other than
    their own changed, or an authority made (a new municipality is set up with `bootstrap`)."""
    errors: dict = {}
    name = name.strip()
    if not name:
        errors["name"] = _("Write the organisation's name.")
    elif (
        Organisation.objects.filter(name__iexact=name)
        .exclude(pk=getattr(organisation, "pk", None))
        .exists()
    ):
        errors["name"] = _("An organisation of that name exists already.")
    if kind not in Organisation.Kind.values:
        errors["kind"] = _("Choose from the list.")
    own = organisation is not None and organisation.pk == actor.organisation_id
    if own and not is_active:
        errors["is_active"] = _("Your own organisation cannot be deactivated.")
    if own and kind != organisation.kind:
        errors["kind"] = _("Your own organisation keeps its kind.")
    if not own and kind == Organisation.Kind.AUTHORITY:
        errors["kind"] = _("Only providers and projects are set up here.")
    if organisation is not None and not own and organisation.kind == Organisation.Kind.AUTHORITY:
        errors["name"] = _("Another authority's organisation is changed by its own administrators.")
    return errors


@transaction.atomic
def organisation_save(
    *, actor, organisation: Organisation | None = None, name: str, kind: str, is_active: bool
) -> Organisation:
    """Creates a provider or project, or changes one or the administrator's own
    organisation's name; every change a change record."""
    errors = organisation_errors(
        actor=actor, organisation=organisation, name=name, kind=kind, is_active=is_active
    )
    if errors:
        raise ValidationError(errors)
    data = {"name": name.strip(), "kind": kind, "is_active": is_active}
    if organisation is None:
        return audited_create(
            actor=actor, model=Organisation, data=data, tracked=ORGANISATION_FIELDS
        )
    return audited_update(
        actor=actor,
        instance=organisation,
        expected_version=None,
        data=data,
        tracked=ORGANISATION_FIELDS,
        version_field=None,
    )
