"""Reads for the citizen's own way in: invitations by their link's token, the open ones of a
citizen, and the citizen records of the person the citizen sign-in vouched for."""

import datetime as dt
import hashlib

from django.db.models import QuerySet
from django.utils import timezone

from fremdrift.citizens.models import Citizen
from fremdrift.instruments.models import InstrumentVersion, Item, Respondent

from .models import SelfAssessmentInvitation


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_by_token(token: str) -> SelfAssessmentInvitation | None:
    """The invitation a link's token belongs to, open or not; None for a token never given."""
    if not token or len(token) > 64:
        return None
    return (
        SelfAssessmentInvitation.objects.select_related("citizen", "version__instrument")
        .filter(token_hash=token_hash(token))
        .first()
    )


def invitable_versions() -> list[InstrumentVersion]:
    """The published versions the citizen may answer alone."""
    published = (
        InstrumentVersion.objects.filter(status=InstrumentVersion.Status.PUBLISHED)
        .select_related("instrument")
        .order_by("instrument__name_da", "id")
    )
    return [version for version in published if Respondent.CITIZEN in version.respondents]


def invitations_of(citizen) -> list[SelfAssessmentInvitation]:
    """The citizen's invitations of the last 30 days, newest first."""
    since = timezone.now() - dt.timedelta(days=30)
    return list(
        SelfAssessmentInvitation.objects.filter(citizen=citizen, created_at__gte=since)
        .select_related("version__instrument", "created_by", "assessment")
        .order_by("-created_at", "-id")
    )


def open_invitations_of(citizens) -> list[SelfAssessmentInvitation]:
    return list(
        SelfAssessmentInvitation.objects.filter(
            citizen__in=citizens, used_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("version__instrument")
        .order_by("expires_at", "id")
    )


def invitations_made_since(user, since: dt.datetime) -> int:
    return SelfAssessmentInvitation.objects.filter(created_by=user, created_at__gte=since).count()


def questions_of(invitation: SelfAssessmentInvitation) -> list[Item]:
    return list(invitation.version.items.order_by("position", "id"))


def own_citizens(cpr_hash: str) -> QuerySet[Citizen]:
    """The citizen records of one person, by the keyed hash of their CPR number: the person's
    own data, in every organisation that registered them."""
    if not cpr_hash:
        return Citizen.objects.none()
    return Citizen.objects.filter(cpr_hash=cpr_hash).select_related(
        "home_organisation", "responsible_caseworker"
    )
