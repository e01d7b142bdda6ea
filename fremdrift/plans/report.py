"""What the citizen report shows, for the staff's printable page and the citizen's own."""

import datetime as dt

from fremdrift.assessments import charts
from fremdrift.assessments import selectors as assessment_selectors
from fremdrift.assessments.corrections import assessment_corrections
from fremdrift.citizens.corrections import citizen_corrections
from fremdrift.instruments.models import Instrument

from . import selectors


def citizen_report_context(citizen, *, instrument_code: str, with_assessments: bool) -> dict:
    """The citizen's wheel (with `with_assessments`), goals in their own words, the next steps
    with who helps, and what has been corrected when (GDPR art. 16)."""
    plan = selectors.plan_of(citizen)
    instrument = Instrument.objects.filter(code=instrument_code).first()
    wheel_svg = wheel_caption = ""
    if instrument is not None and with_assessments:
        data = assessment_selectors.wheel_data(citizen, instrument, with_history=False)
        if data.all_assessments and data.items:
            wheel_svg = charts.wheel_svg(data, citizen_name=citizen.full_name, id_prefix="report")
            wheel_caption = charts.wheel_caption(data, today=dt.date.today())
    corrections = citizen_corrections(citizen)
    if with_assessments:
        corrections += assessment_corrections(citizen)
    today = dt.date.today()
    context = {
        "citizen": citizen,
        "plan": plan,
        "wheel_svg": wheel_svg,
        "wheel_caption": wheel_caption,
        "today": today,
        "corrections": sorted(corrections, key=lambda c: (c.at, c.record_id)),
    }
    follows = [f for f in assessment_selectors.follows_of(citizen) if f.next_due]
    context["next_assessment"] = follows[0] if follows else None
    context["caseworker"] = citizen.responsible_caseworker
    if plan is not None:
        context["next_meeting"] = selectors.next_meeting(plan, today=today)
        context |= {
            "goals": selectors.goals_of(plan),
            "activities": [
                a for a in selectors.activities_of(plan) if not a.end_date or a.end_date >= today
            ],
            "mentors": [
                m for m in selectors.mentors_of(plan) if not m.end_date or m.end_date >= today
            ],
            "plan_roles": selectors.plan_roles_of(plan),
        }
    return context
