"""The referrals part of the citizen page, as a context for `referrals/_panel.html`."""

import datetime as dt
import uuid

from django.http import HttpRequest
from django.utils.translation import gettext as _

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


def _score_form(referral, rows, errors: dict, posted) -> dict:
    """The provider's score form of one referral: each focus item's value as posted, the
    date as typed (kept as it was, right or wrong), and the error summary's lines, each
    linked to its field."""
    fields = [
        {
            "row": row,
            "id": f"score-{referral.pk}-{row.code}",
            "errors": errors.get(f"score_{row.code}", []),
            "value": posted.get(f"score_{row.code}", ""),
        }
        for row in rows
    ]
    date_id = f"score-date-{referral.pk}"
    summary = [{"href": f"#{date_id}", "text": f"{_('Date')}: {m}"} for m in errors.get("date", [])]
    first = f"#{fields[0]['id']}" if fields else ""
    for key in ("focus", "referral"):
        summary += [{"href": first, "text": m} for m in errors.get(key, [])]
    for f in fields:
        label = f["row"].item.label if f["row"].item else f["row"].code
        summary += [{"href": f"#{f['id']}", "text": f"{label}: {m}"} for m in f["errors"]]
    return {
        "fields": fields,
        "date_id": date_id,
        "date": posted.get("date", dt.date.today().isoformat()),
        "date_errors": errors.get("date", []),
        "general_errors": errors.get("focus", []) + errors.get("referral", []),
        "summary": summary,
        "creation_token": posted.get("creation_token") or uuid.uuid4(),
    }


def referrals_panel(
    request: HttpRequest, citizen, *, score_errors=None, posted=None, scored=None
) -> dict:
    """The referrals part of the citizen page: for the authority every referral with the
    provider's scores beside its own; for a provider only what its active referral shares.
    `scored` is the referral whose score form came back with `score_errors`: its form keeps
    everything `posted`; the other referrals' forms start empty."""
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
                "score_form": _score_form(
                    r,
                    rows.get(r.pk, []),
                    (score_errors or {}) if scored is not None and r.pk == scored.pk else {},
                    (posted or {}) if scored is not None and r.pk == scored.pk else {},
                )
                if is_provider
                else None,
                "next_due": selectors.provider_next_due(r, rows.get(r.pk, []))
                if r.status == Referral.Status.ACTIVE
                else None,
            }
            for r in referrals
        ],
        "enrolments": enrolments,
        "today": dt.date.today(),
        "end_form": ReferralEndForm(),
    }
