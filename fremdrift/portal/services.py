"""Writes of the citizen's own way in: an invitation to answer an instrument alone (its link
made, sent by e-mail or text message), the answers given so far, and the sending that makes
them one assessment with respondent "citizen"."""

import datetime as dt
import re
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fremdrift.assessments.services import AnswerInput, answer_clean, assessment_record
from fremdrift.audit.services import audited_create
from fremdrift.citizens.access import may_invite_self_assessment
from fremdrift.instruments.models import InstrumentVersion, Item, Respondent

from . import selectors
from .models import SelfAssessmentInvitation
from .sms import sms_sender

# A token the CPR guard could mistake for a CPR number (ten digits in a row) is never given.
DIGIT_RUN = re.compile(r"\d{6}")
INVITATION_NAMESPACE = uuid.UUID("6f1d3c1e-8a53-4e0b-9a3c-3e1b2f0d9c57")


class InvitationClosed(Exception):
    """The link was used, has expired, or never existed."""


@dataclass
class NewInvitation:
    invitation: SelfAssessmentInvitation
    token: str  # shown once: only its hash is kept


def _token_new() -> str:
    while True:
        token = secrets.token_urlsafe(18)  # 144 bits
        if not DIGIT_RUN.search(token):
            return token


@transaction.atomic
def self_assessment_invitation_create(
    *, actor, citizen, version: InstrumentVersion, pictograms: bool = False
) -> NewInvitation:
    """A single-use link for the citizen to answer `version` alone, valid for
    FREMDRIFT_SELF_ASSESSMENT_LINK_HOURS."""
    if not may_invite_self_assessment(actor, citizen):
        raise PermissionDenied
    if version.pk not in {v.pk for v in selectors.invitable_versions()}:
        raise ValidationError({"version": _("The citizen cannot answer this instrument alone.")})
    now = timezone.now()
    limit = settings.FREMDRIFT_SELF_ASSESSMENT_LINKS_PER_HOUR
    if selectors.invitations_made_since(actor, now - dt.timedelta(hours=1)) >= limit:
        raise ValidationError(
            {
                "version": _(
                    "You have made %(count)d links in the last hour. Wait a while before "
                    "you make another."
                )
                % {"count": limit}
            }
        )
    token = _token_new()
    invitation = audited_create(
        actor=actor,
        model=SelfAssessmentInvitation,
        data={
            "citizen": citizen,
            "version": version,
            "token_hash": selectors.token_hash(token),
            "created_by": actor,
            "organisation_id": actor.organisation_id,
            "created_at": now,
            "expires_at": now + dt.timedelta(hours=settings.FREMDRIFT_SELF_ASSESSMENT_LINK_HOURS),
            "pictograms": pictograms,
        },
        tracked=("version", "expires_at", "pictograms"),
        citizen=citizen,
    )
    return NewInvitation(invitation=invitation, token=token)


def self_assessment_invitation_send(
    *, invitation: SelfAssessmentInvitation, link: str, email: str = "", phone: str = ""
) -> list[str]:
    """Sends the link to the addresses given (neither is kept). Returns the channels used."""
    expires = timezone.localtime(invitation.expires_at)
    text = _(
        "Hello %(name)s. Here is your link to answer the questions about how you are doing: "
        "%(link)s It works once, until %(expires)s."
    ) % {
        "name": invitation.citizen.first_name,
        "link": link,
        "expires": expires.strftime("%d.%m.%Y %H:%M"),
    }
    sent = []
    if email:
        send_mail(_("Your questions from the jobcentre"), text, None, [email])
        sent.append("email")
    if phone:
        sms_sender().send(to=phone, text=text)
        sent.append("sms")
    return sent


def _answer_data(answer: AnswerInput) -> dict:
    return {
        "value": answer.value,
        "text": answer.text,
        "codes": list(answer.codes),
        "dont_know": answer.dont_know,
    }


def _open_locked(invitation: SelfAssessmentInvitation) -> SelfAssessmentInvitation:
    current = (
        SelfAssessmentInvitation.objects.select_for_update()
        .select_related("citizen", "version", "created_by")
        .filter(pk=invitation.pk)
        .first()
    )
    if current is None or not current.is_open:
        raise InvitationClosed
    return current


@transaction.atomic
def self_assessment_answer_save(
    *, invitation: SelfAssessmentInvitation, item: Item, answer: AnswerInput
) -> SelfAssessmentInvitation:
    """Keeps one answer with the invitation until the citizen sends them all (or the link
    expires and the nightly job clears it). An empty answer removes the earlier one."""
    current = _open_locked(invitation)
    draft = dict(current.draft)
    if answer.is_empty:
        draft.pop(item.code, None)
    else:
        try:
            cleaned = answer_clean(item, answer)
        except ValueError as error:
            raise ValidationError({"value": str(error)}) from None
        answer.codes = list(cleaned.codes)  # in the list's order
        draft[item.code] = _answer_data(answer)
    current.draft = draft
    current.save(update_fields=["draft"])
    return current


def draft_answers(invitation: SelfAssessmentInvitation) -> dict[str, AnswerInput]:
    return {
        code: AnswerInput(
            value=data.get("value"),
            text=data.get("text", ""),
            codes=data.get("codes", []),
            dont_know=data.get("dont_know"),
        )
        for code, data in invitation.draft.items()
    }


@transaction.atomic
def self_assessment_send(*, invitation: SelfAssessmentInvitation):
    """The citizen's answers become one completed assessment with respondent "citizen",
    recorded in the name of the staff member who made the link. The link is used up in the
    same transaction: two tabs sending the same link make one assessment."""
    now = timezone.now()
    taken = SelfAssessmentInvitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if taken != 1:
        raise InvitationClosed
    current = SelfAssessmentInvitation.objects.select_related(
        "citizen", "version", "created_by"
    ).get(pk=invitation.pk)
    if not current.draft:
        raise ValidationError({"answers": _("Answer at least one question before you send.")})
    assessment = assessment_record(
        actor=current.created_by,
        citizen=current.citizen,
        version=current.version,
        date=timezone.localdate(),
        respondent=Respondent.CITIZEN,
        status="completed",
        answers=draft_answers(current),
        creation_token=uuid.uuid5(INVITATION_NAMESPACE, str(current.pk)),
        entered_by_citizen=True,
    )
    current.assessment = assessment
    current.draft = {}
    current.save(update_fields=["assessment", "draft"])
    return assessment


@transaction.atomic
def self_assessment_drafts_clear(*, now: dt.datetime | None = None) -> int:
    """Forgets the answers kept with links that expired unused. Run by the scheduled jobs."""
    now = now or timezone.now()
    return (
        SelfAssessmentInvitation.objects.filter(used_at__isnull=True, expires_at__lte=now)
        .exclude(draft={})
        .update(draft={})
    )
