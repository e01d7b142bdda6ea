"""The account a single sign-on gives: made at the first sign-in, brought up to date from the
claims at every later one, deactivated at once when the claims no longer map. Every change of
access is a change record (`audit.services.staff_member_save`)."""

import hashlib
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from fremdrift.accounts.models import User
from fremdrift.audit.models import ChangeRecord
from fremdrift.audit.services import change_record_write, snapshot, staff_member_save

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
