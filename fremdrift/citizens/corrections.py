"""Rectification stays visible (GDPR art. 16): the corrections of what is recorded about a
citizen, read from the change history, with their dates. The citizen's printed report and the
subject-access export show them; `assessments.corrections` adds the assessments'."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from fremdrift.audit.models import ChangeRecord

from .models import Citizen

# A corrected CPR number changes these together; the change history keeps only its masked
# form and a fingerprint, never the number.
CPR_FIELDS = ("cpr", "cpr_fingerprint", "birth_date", "sex")


@dataclass(frozen=True)
class Correction:
    """One corrected field: when, of what (`subject`, empty for the citizen's own details),
    and the value before and after, as text. A corrected CPR number (`is_cpr`) carries its
    masked forms only."""

    at: dt.datetime
    record_id: int
    object_key: str  # "<app>.<Model>:<pk>" of the corrected row
    subject: str
    field: str
    before: str
    after: str
    is_cpr: bool = False


def citizen_corrections(citizen: Citizen) -> list[Correction]:
    """Corrections of the citizen's name and CPR number, oldest first: one query."""
    names = {"first_name": _("first name"), "last_name": _("last name")}
    records = ChangeRecord.objects.filter(
        citizen_id=citizen.pk,
        model=Citizen._meta.label,
        object_id=str(citizen.pk),
        kind=ChangeRecord.Kind.UPDATE,
    ).order_by("at", "id")
    found = []
    for record in records:
        before, after = record.before or {}, record.after or {}
        key = f"{record.model}:{record.object_id}"
        for field, label in names.items():
            if field in after:
                found.append(
                    Correction(
                        record.at, record.pk, key, "", label, before.get(field, ""), after[field]
                    )
                )
        if any(field in after for field in CPR_FIELDS):
            found.append(
                Correction(
                    record.at,
                    record.pk,
                    key,
                    "",
                    _("CPR number"),
                    before.get("cpr", ""),
                    after.get("cpr", ""),
                    is_cpr=True,
                )
            )
    return found
