"""Reads of citizens: search, the search criterion as the access log keeps it, the CPR
number, and whether the configured key opens the stored ones. Who sees whom is
`access.citizens_in_scope`."""

import re

from cryptography.fernet import InvalidToken
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections, router
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.crypto import salted_hmac

from fremdrift.core import cpr as cprlib
from fremdrift.core.fieldcrypto import decrypt, lookup_hash

from .access import citizens_in_scope, may_share_case
from .models import Citizen

BIRTH_DATE = re.compile(r"^\d{6}$")
# Crockford's base 32: no I, L, O or U, so a number read aloud or copied by hand survives.
REVIEW_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REVIEW_SALT = "fremdrift.citizens.case_review_number"
REVIEW_LENGTH = 8  # 40 bits: two of an organisation's 10,000 citizens share one by 1 in 20,000
NUMBER_LIKE = re.compile(r"^[\d\s-]+$")


def citizen_search(user, *, query: str = "", mine_only: bool = False) -> QuerySet[Citizen]:
    """Citizens in scope matching a name, a birth date or a CPR number, by name."""
    citizens = citizens_in_scope(user).select_related(
        "target_group", "responsible_caseworker", "home_organisation"
    )
    query = query.strip()
    if query:
        if cprlib.looks_like_cpr(query):
            digits = query.replace("-", "").strip()
            citizens = citizens.filter(cpr_hash=lookup_hash(digits))
        elif BIRTH_DATE.match(query):
            # The first part of a CPR number: a citizen without one is never found by it.
            citizens = citizens.filter(
                birth_date__in=cprlib.possible_birth_dates(query), cpr_hash__isnull=False
            )
        else:
            for word in query.split()[:4]:
                citizens = citizens.filter(
                    Q(first_name__icontains=word) | Q(last_name__icontains=word)
                )
    if mine_only:
        citizens = citizens.filter(responsible_caseworker=user)
    return citizens.order_by("last_name", "first_name", "id")


def criterion_for_log(query: str) -> str:
    """A search criterion as the access log keeps it: a CPR number, whole or in part, masked
    after its birth date (a live search logs what was typed so far)."""
    query = query.strip()
    if not NUMBER_LIKE.match(query):
        return query
    digits = re.sub(r"\D", "", query)
    return digits[:6] + ("-" + "X" * len(digits[6:]) if len(digits) > 6 else "")


def citizen_cpr(citizen: Citizen) -> cprlib.Cpr | None:
    """The full CPR number (None for a citizen without one). Only the logged 'show' action,
    the exchange export and the citizen's subject-access export call this."""
    return cprlib.Cpr(decrypt(citizen.cpr_encrypted)) if citizen.has_cpr else None


FIELD_KEY_MISMATCH = (
    "FREMDRIFT_FIELD_KEY does not match the key the stored CPR numbers were encrypted with, so "
    "none of them can be read or searched. Start Fremdrift with the key this database was made "
    "with (after a restore: the key of the installation the backup came from)."
)


def field_key_problem() -> str | None:
    """FIELD_KEY_MISMATCH when the configured FREMDRIFT_FIELD_KEY does not decrypt a stored CPR
    number, else None. Decrypts one. Says nothing when none is stored or the database cannot
    tell: before the first migrate, or when it does not answer (which /healthz reports)."""
    alias = router.db_for_read(Citizen)
    try:
        if Citizen._meta.db_table not in connections[alias].introspection.table_names():
            return None
        token = (
            Citizen.objects.using(alias)
            .exclude(cpr_encrypted="")
            .values_list("cpr_encrypted", flat=True)
            .first()
        )
    except DatabaseError:
        return None
    if token is None:
        return None
    try:
        decrypt(token)
    except InvalidToken:
        return FIELD_KEY_MISMATCH
    return None


def citizen_for_log_lookup(*, organisation_id: int, citizen_id: int | None, cpr: str):
    """The citizen an administrator asks about, by id or CPR number, within the organisation."""
    citizens = Citizen.objects.filter(home_organisation_id=organisation_id)
    if cpr:
        digits = cprlib.parse_cpr(cpr).digits
        return citizens.filter(cpr_hash=lookup_hash(digits)).first()
    if citizen_id is not None:
        return citizens.filter(pk=citizen_id).first()
    return None


def case_review_number(citizen_id: int) -> str:
    """The number a case has in the case review, such as "R-4K7Q-2M9X": a keyed HMAC of the
    citizen's id (Django's `salted_hmac` with SECRET_KEY), so that it cannot be worked out
    from the id, nor the id from it, by anyone without the key; the same for the same citizen
    at every load. The one place of the case review's numbers: anything that names a case of
    the review (its page, the red thread, grading) uses this. A new SECRET_KEY gives every
    case a new number."""
    value = int.from_bytes(salted_hmac(REVIEW_SALT, str(citizen_id)).digest()[:5], "big")
    chars = [REVIEW_ALPHABET[(value >> (5 * n)) & 31] for n in reversed(range(REVIEW_LENGTH))]
    return f"R-{''.join(chars[:4])}-{''.join(chars[4:])}"


def _review_key(number: str) -> str:
    """A review number as typed, compared without dashes, spaces or case, with the letters a
    reader confuses (O, I, L) read as the digits they look like."""
    key = number.upper().replace("-", "").replace(" ", "")
    if len(key) == REVIEW_LENGTH + 1 and key.startswith("R"):
        key = key[1:]
    return key.translate(str.maketrans("OIL", "011"))


def case_review_citizen(user, number: str) -> Citizen:
    """The citizen with the case review number `number` among those `user` may review
    (`citizens_in_scope(case_review=True)`), or 404: a number of a case outside the review
    looks like one that does not exist. Computes the number of each citizen in scope (no
    number is stored)."""
    key = _review_key(number)
    if len(key) != REVIEW_LENGTH:
        raise Http404
    ids = citizens_in_scope(user, case_review=True).values_list("pk", flat=True)
    found = [pk for pk in ids.iterator() if _review_key(case_review_number(pk)) == key]
    if len(found) != 1:
        raise Http404
    return (
        citizens_in_scope(user, case_review=True)
        .select_related("home_organisation", "target_group")
        .get(pk=found[0])
    )


def citizen_with_cpr_in_scope(user, cpr: str, *, except_pk: int | None = None) -> Citizen | None:
    """The citizen of the user's own organisation, in the user's scope, who holds this CPR
    number: the one a refused duplicate registration links to. Never another organisation's
    (`docs/architecture.md`, "A citizen is unique per home organisation")."""
    try:
        digits = cprlib.parse_cpr(cpr).digits
    except ValidationError:  # a number that does not parse holds no one
        return None
    found = citizens_in_scope(user).filter(
        cpr_hash=lookup_hash(digits), home_organisation_id=user.organisation_id
    )
    if except_pk is not None:
        found = found.exclude(pk=except_pk)
    return found.first()


def case_shares_for(user, citizen):
    """The shares of `citizen`'s case the user may see: every share for the caseworkers of the
    home organisation, the ones with their own organisation for another authority's."""
    shares = citizen.case_shares.select_related(
        "shared_with", "home_organisation", "created_by", "ended_by"
    )
    if may_share_case(user, citizen):
        return list(shares)
    return list(shares.filter(shared_with_id=user.organisation_id))
