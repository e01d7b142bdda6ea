"""Reads of citizens. `citizens_in_scope` is the one place that decides who sees whom."""

import datetime as dt
import re

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404

from fremdrift.accounts.models import Role
from fremdrift.core.fieldcrypto import decrypt, lookup_hash
from fremdrift.referrals.models import Referral

from . import cpr as cprlib
from .models import Citizen

BIRTH_DATE = re.compile(r"^\d{6}$")
NUMBER_LIKE = re.compile(r"^[\d\s-]+$")


def active_referrals(*, on: dt.date | None = None) -> QuerySet[Referral]:
    day = on or dt.date.today()
    return Referral.objects.filter(status=Referral.Status.ACTIVE, start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )


def citizens_in_scope(
    user, *, to_change: bool = False, case_review: bool = False
) -> QuerySet[Citizen]:
    """The citizens `user` may see, or with `to_change` may change.

    Caseworkers see and change their organisation's citizens; job consultants see them;
    provider staff see citizens referred to their organisation while the referral is active.
    Managers see no individual citizen, except in a case review (`case_review`): the red thread
    of their organisation's citizens under a case number, never with a name or CPR number.
    Administrators see no individual citizen.
    """
    citizens = Citizen.objects.all()
    if not (user.is_authenticated and user.is_active and user.organisation_id):
        return citizens.none()
    if user.role == Role.CASEWORKER:
        return citizens.filter(home_organisation_id=user.organisation_id)
    if user.role == Role.JOB_CONSULTANT and not to_change:
        return citizens.filter(home_organisation_id=user.organisation_id)
    if user.role == Role.PROVIDER_STAFF and not to_change:
        referred = active_referrals().filter(
            citizen_id=OuterRef("pk"), provider_id=user.organisation_id
        )
        return citizens.filter(Exists(referred))
    if user.role == Role.MANAGER and case_review and not to_change:
        return citizens.filter(home_organisation_id=user.organisation_id)
    return citizens.none()


def citizen_get(
    user, citizen_id: int, *, to_change: bool = False, case_review: bool = False
) -> Citizen:
    """A citizen in scope, or 404: one outside the scope looks like one that does not exist."""
    try:
        return (
            citizens_in_scope(user, to_change=to_change, case_review=case_review)
            .select_related("home_organisation", "responsible_caseworker", "target_group")
            .get(pk=citizen_id)
        )
    except Citizen.DoesNotExist:
        raise Http404 from None


def may_change(user, citizen: Citizen) -> bool:
    return citizens_in_scope(user, to_change=True).filter(pk=citizen.pk).exists()


def citizen_search(
    user, *, query: str = "", mine_only: bool = False, due: str = "", sort: str = ""
) -> QuerySet[Citizen]:
    """Citizens in scope matching a name, a birth date or a CPR number, annotated with their
    next due assessment; the user's own caseload first, or the soonest due first."""
    from fremdrift.assessments.selectors import with_due

    citizens = citizens_in_scope(user).select_related("target_group", "responsible_caseworker")
    query = query.strip()
    if query:
        if cprlib.looks_like_cpr(query):
            digits = query.replace("-", "").strip()
            citizens = citizens.filter(cpr_hash=lookup_hash(digits))
        elif BIRTH_DATE.match(query):
            citizens = citizens.filter(birth_date__in=cprlib.possible_birth_dates(query))
        else:
            for word in query.split()[:4]:
                citizens = citizens.filter(
                    Q(first_name__icontains=word) | Q(last_name__icontains=word)
                )
    if mine_only:
        citizens = citizens.filter(responsible_caseworker=user)
    citizens = with_due(citizens, due_filter=due).annotate(
        not_mine=Case(
            When(responsible_caseworker_id=user.pk, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    if sort == "due":
        return citizens.order_by(F("next_due").asc(nulls_last=True), "last_name", "id")
    return citizens.order_by("not_mine", "last_name", "first_name", "id")


def criterion_for_log(query: str) -> str:
    """A search criterion as the access log keeps it: a CPR number, whole or in part, masked
    after its birth date (a live search logs what was typed so far)."""
    query = query.strip()
    if not NUMBER_LIKE.match(query):
        return query
    digits = re.sub(r"\D", "", query)
    return digits[:6] + ("-" + "X" * len(digits[6:]) if len(digits) > 6 else "")


def citizen_cpr(citizen: Citizen) -> cprlib.Cpr:
    """The full CPR number. Only the logged 'show' action calls this."""
    return cprlib.Cpr(decrypt(citizen.cpr_encrypted))
