import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fremdrift.accounts.models import Organisation
from fremdrift.audit.models import ChangeRecord
from fremdrift.audit.services import change_record_write, snapshot

from .models import Referral

TRACKED_FIELDS = ("citizen", "provider", "start_date", "end_date", "status")


@transaction.atomic
def referral_create(
    *, actor, citizen, provider: Organisation, start_date: dt.date, end_date: dt.date | None = None
) -> Referral:
    errors = {}
    if provider.kind != Organisation.Kind.PROVIDER and provider.kind != Organisation.Kind.PROJECT:
        errors["provider"] = _("A citizen can only be referred to a provider or a project.")
    elif not provider.is_active:
        errors["provider"] = _("This provider is not active.")
    if end_date is not None and end_date < start_date:
        errors["end_date"] = _("The end date cannot be before the start date.")
    if errors:
        raise ValidationError(errors)
    referral = Referral.objects.create(
        citizen=citizen,
        provider=provider,
        referred_by=actor,
        start_date=start_date,
        end_date=end_date,
    )
    change_record_write(
        actor=actor,
        instance=referral,
        kind=ChangeRecord.Kind.CREATE,
        before=None,
        after=snapshot(referral, TRACKED_FIELDS),
        citizen=citizen,
    )
    return referral


@transaction.atomic
def referral_end(
    *, actor, referral: Referral, end_date: dt.date | None = None, withdrawn: bool = False
) -> Referral:
    """Ends a referral; the provider's access ends with it, at once."""
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    before = snapshot(current, TRACKED_FIELDS)
    end = end_date or dt.date.today()
    if end < current.start_date:
        raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
    current.status = Referral.Status.WITHDRAWN if withdrawn else Referral.Status.ENDED
    current.end_date = end
    current.version += 1
    current.save()
    change_record_write(
        actor=actor,
        instance=current,
        kind=ChangeRecord.Kind.UPDATE,
        before=before,
        after=snapshot(current, TRACKED_FIELDS),
        citizen=current.citizen,
    )
    return current
