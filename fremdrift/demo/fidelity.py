"""Demo fidelity and citizen surveys (seed 004): each provider's project leader scores the
unit's fidelity to its programme's model for two periods, and the enrolled citizens answer
the citizen survey in rounds ('borgersurvey 1' a month after the start, round 2 five months
in, while they are still enrolled). Its own random stream, so the rest of the demo is as
before."""

import datetime as dt
import random

from fremdrift.assessments.selectors import published_version
from fremdrift.assessments.services import AnswerInput, assessment_record
from fremdrift.instruments.models import Instrument
from fremdrift.programmes import services as programme_services
from fremdrift.programmes.models import Enrolment, Programme

FIDELITY_SEED = 2304
ROUNDS = {1: 28, 2: 150}  # round: days after the enrolment's start


def seed_fidelity_and_surveys(*, staff_of: dict, today: dt.date) -> tuple[int, int]:
    """`staff_of`: the provider organisation's id → the staff member who records for it.
    Returns how many fidelity assessments and survey answers were recorded."""
    rng = random.Random(FIDELITY_SEED)
    fidelity = published_version(Instrument.objects.get(code="fidelity"))
    items = [item for item in fidelity.items.all() if item.is_ordinal]
    recorded = 0
    quarter = today - dt.timedelta(days=91)
    periods = [(quarter - dt.timedelta(days=182), quarter - dt.timedelta(days=1)), (quarter, today)]
    for programme in Programme.objects.filter(organisation_id__in=staff_of).order_by("pk"):
        staff = staff_of[programme.organisation_id]
        for start, end in periods:
            programme_services.fidelity_assessment_record(
                actor=staff,
                programme=programme,
                unit=programme.organisation,
                version=fidelity,
                period_start=start,
                period_end=end,
                answers={item.code: rng.choice([2, 3, 3, 4, 4]) for item in items},
            )
            recorded += 1
    survey = published_version(Instrument.objects.get(code="citizen_survey"))
    questions = [item for item in survey.items.all() if item.is_ordinal]
    answered = 0
    for enrolment in (
        Enrolment.objects.filter(programme__organisation_id__in=staff_of)
        .select_related("programme", "citizen")
        .order_by("pk")
    ):
        last_day = min(enrolment.end_date or today, today)
        for number, days in ROUNDS.items():
            day = enrolment.start_date + dt.timedelta(days=days)
            if day > last_day:
                break
            lift = number - 1  # the second round a little more content
            answers = {
                item.code: AnswerInput(dont_know=True)
                if rng.random() < 0.08
                else AnswerInput(
                    value=min(5, rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 3, 6, 4])[0] + lift)
                )
                for item in questions
            }
            assessment_record(
                actor=staff_of[enrolment.programme.organisation_id],
                citizen=enrolment.citizen,
                version=survey,
                date=day,
                respondent="citizen",
                status="completed",
                answers=answers,
                refresh_due=False,
                round=number,
            )
            answered += 1
    return recorded, answered
