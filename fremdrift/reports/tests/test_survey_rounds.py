"""Survey rounds (seed 004: 'borgersurvey 1'): the report chooses the round or the answer
period, and counts each citizen's latest answer within it (issue 23 §3)."""

import datetime as dt

import pytest
from django.urls import reverse

from fremdrift.assessments.selectors import published_version
from fremdrift.assessments.services import AnswerInput, assessment_record
from fremdrift.instruments.models import Instrument
from fremdrift.programmes import services as programme_services
from fremdrift.reports.cohort import Filters
from fremdrift.reports.surveys import survey_report
from fremdrift.testing import make_citizen, make_programme

START = dt.date(2026, 1, 5)
ROUND_1 = START + dt.timedelta(days=10)
ROUND_2 = START + dt.timedelta(days=100)
# Round 1: five citizens 'disagree' (2), five 'agree' (4); round 2: all ten 'strongly agree'.
FIRST = [2] * 5 + [4] * 5


@pytest.fixture
def rounds(world):
    survey = Instrument.objects.get(code="citizen_survey")
    version = published_version(survey)
    programme = make_programme(world.nord, name="Runder")
    citizens = []
    for n in range(10):
        citizen = make_citizen(world.caseworker, first_name=f"Runde{n}")
        programme_services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=programme, start_date=START
        )
        citizens.append(citizen)
    for citizen, value in zip(citizens, FIRST, strict=True):
        assessment_record(
            actor=world.caseworker,
            citizen=citizen,
            version=version,
            date=ROUND_1,
            respondent="citizen",
            status="completed",
            answers={"involved_in_plan": AnswerInput(value=value)},
            round=1,
        )
    for citizen in citizens:
        assessment_record(
            actor=world.caseworker,
            citizen=citizen,
            version=version,
            date=ROUND_2,
            respondent="citizen",
            status="completed",
            answers={"involved_in_plan": AnswerInput(value=5)},
            round=2,
        )
    # A third round that only three citizens answered so far.
    for citizen in citizens[:3]:
        assessment_record(
            actor=world.caseworker,
            citizen=citizen,
            version=version,
            date=ROUND_2 + dt.timedelta(days=5),
            respondent="citizen",
            status="completed",
            answers={"involved_in_plan": AnswerInput(value=1)},
            round=3,
        )
    return survey


def counts(user, survey, **chosen) -> list[int]:
    involved = next(
        d
        for d in survey_report(user, Filters(), instrument=survey, **chosen)
        if d.code == "involved_in_plan"
    )
    return [count for _v, _l, count in involved.points]


def test_each_round_has_its_own_distribution(world, rounds):
    assert counts(world.manager, rounds, round=1) == [0, 5, 0, 5, 0]
    assert counts(world.manager, rounds, round=2) == [0, 0, 0, 0, 10]
    # Without a round, each citizen's latest answer: three in round 3, seven in round 2.
    assert counts(world.manager, rounds) == [3, 0, 0, 0, 7]


def test_the_answer_period_selects_by_the_answer_date(world, rounds):
    assert counts(world.manager, rounds, answered_to=ROUND_1) == [0, 5, 0, 5, 0]
    assert counts(world.manager, rounds, answered_from=ROUND_2, answered_to=ROUND_2) == [
        0,
        0,
        0,
        0,
        10,
    ]
    assert counts(world.manager, rounds, answered_from=ROUND_2 + dt.timedelta(days=1)) == [
        3,
        0,
        0,
        0,
        0,
    ]


def test_the_page_offers_the_rounds_and_keeps_the_small_cell_rule(world, login, rounds):
    client = login(world.manager)
    page = client.get(reverse("reports:surveys"), {"instrument": rounds.pk})
    html = page.content.decode()
    assert page.status_code == 200
    for n in (1, 2, 3):
        assert f'<option value="{n}">' in html
    first = client.get(reverse("reports:surveys"), {"instrument": rounds.pk, "round": 1})
    row = first.content.decode()
    row = row[row.index('data-testid="survey-table"') :]
    row = row[row.index("Inddraget i planen") :]
    row = row[: row.index("</tr>")]
    assert row.count("5 (50 %)") == 2
    # Round 3: three answers, fewer than five, so the item is hidden.
    third = client.get(reverse("reports:surveys"), {"instrument": rounds.pk, "round": 3})
    row = third.content.decode()
    row = row[row.index('data-testid="survey-table"') :]
    row = row[row.index("Inddraget i planen") :]
    row = row[: row.index("</tr>")]
    assert "3 (" not in row and "&lt;5" in row


def test_an_answer_period_that_ends_before_it_starts_is_refused(world, login, rounds):
    page = login(world.manager).get(
        reverse("reports:surveys"),
        {
            "instrument": rounds.pk,
            "answered_from": ROUND_2.isoformat(),
            "answered_to": ROUND_1.isoformat(),
        },
    )
    assert page.status_code == 400 and 'data-testid="survey-table"' not in page.content.decode()
