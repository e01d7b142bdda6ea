"""The referrals part of the citizen page, as a context for `referrals/_panel.html`."""

import datetime as dt
import uuid

from django.http import HttpRequest

from fremdrift.accounts.access import is_provider_staff
from fremdrift.assessments.selectors import assessments_of_instruments
from fremdrift.citizens.access import (
    may_end_enrolment,
    may_name_company_consultant,
    may_record_profile,
)
from fremdrift.programmes.selectors import (
    company_consultant_candidates,
    enrolments_for,
    instruments_for_providers,
    responsible_candidates,
)

from . import selectors
from .forms import ReferralEndForm
from .models import Referral


def referrals_panel(request: HttpRequest, citizen, *, score_errors=None, posted=None) -> dict:
    """The referrals part of the citizen page: for the authority every referral with the
    provider's scores beside its own; for a provider only what its active referral shares."""
    referrals = selectors.referrals_for(request.user, citizen)
    rows = selectors.focus_rows(referrals)
    is_provider = is_provider_staff(request.user)
    enrolments = enrolments_for(request.user, citizen)
    # The programme's own instruments a provider fills in (a survey, an observation).
    programme_ids = {r.programme_id for r in referrals if r.programme_id}
    to_fill_in = instruments_for_providers(programme_ids) if is_provider and programme_ids else {}
    for entry in enrolments:
        entry.may_end = may_end_enrolment(request.user, entry.enrolment)
        if entry.may_end and entry.enrolment.status == "active":
            entry.candidates = list(responsible_candidates(entry.enrolment))
        entry.consultants = (
            list(company_consultant_candidates(entry.enrolment))
            if entry.enrolment.status == "active"
            and may_name_company_consultant(request.user, entry.enrolment)
            else []
        )
    return {
        "is_provider": is_provider,
        "may_record_profile": may_record_profile(request.user, citizen),
        "referrals": [
            {
                "referral": r,
                "rows": rows.get(r.pk, []),
                "instruments": to_fill_in.get(r.programme_id, []),
                "assessments": assessments_of_instruments(
                    citizen, to_fill_in.get(r.programme_id, [])
                ),
                "score_fields": [
                    {
                        "row": row,
                        "errors": (score_errors or {}).get(f"score_{row.code}", []),
                        "value": (posted or {}).get(f"score_{row.code}", ""),
                    }
                    for row in rows.get(r.pk, [])
                ],
                "next_due": selectors.provider_next_due(r, rows.get(r.pk, []))
                if r.status == Referral.Status.ACTIVE
                else None,
            }
            for r in referrals
        ],
        "enrolments": enrolments,
        "score_errors": score_errors or {},
        "posted": posted or {},
        "today": dt.date.today(),
        "creation_token": uuid.uuid4(),
        "end_form": ReferralEndForm(),
    }
