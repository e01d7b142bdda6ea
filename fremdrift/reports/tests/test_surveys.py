"""Surveys: each citizen's latest answer, the distribution in per cent with 'don't know'
apart; fidelity: the mean across the units that answered."""

import datetime as dt

import pytest
from django.urls import reverse

from fremdrift.assessments.selectors import published_version
from fremdrift.assessments.services import AnswerInput, assessment_record
from fremdrift.instruments.models import Instrument
from fremdrift.programmes import services as programme_services
from fremdrift.reports.cohort import Filters
from fremdrift.reports.surveys import fidelity_report, survey_report
from fremdrift.testing import make_citizen, make_programme

START = dt.date(2026, 1, 5)
ANSWERS = [5, 4, 4, 5, 3, None, 4, 5]  # None: don't know


@pytest.fixture
def answered(world):
    survey = Instrument.objects.get(code="citizen_survey")
    fidelity = Instrument.objects.get(code="fidelity")
    programme = make_programme(world.nord, name="Spørgeforløb")
    for n, value in enumerate(ANSWERS):
        citizen = make_citizen(world.caseworker, first_name=f"Svar{n}")
        programme_services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=programme, start_date=START
        )
        # An earlier answer that the latest replaces.
        assessment_record(
            actor=world.caseworker,
            citizen=citizen,
            version=published_version(survey),
            date=START + dt.timedelta(days=1),
            respondent="citizen",
            status="completed",
            answers={"involved_in_plan": AnswerInput(value=1)},
        )
        assessment_record(
            actor=world.caseworker,
            citizen=citizen,
            version=published_version(survey),
            date=START + dt.timedelta(days=30),
            respondent="citizen",
            status="completed",
            answers={
                "involved_in_plan": AnswerInput(dont_know=True)
                if value is None
                else AnswerInput(value=value)
            },
        )
        if n < 2:
            # Two units, each scoring its own programme that one of the citizens is in.
            staff = world.provider_staff if n == 0 else world.other_provider_staff
            own = make_programme(staff.organisation, name=f"Enhedsforløb {n}")
            programme_services.enrolment_create(
                actor=world.caseworker, citizen=citizen, programme=own, start_date=START
            )
            programme_services.fidelity_assessment_record(
                actor=staff,
                programme=own,
                unit=staff.organisation,
                version=published_version(fidelity),
                period_start=START,
                period_end=START + dt.timedelta(days=40),
                answers={"one_plan": 3 + n},
            )
    return survey, fidelity


def test_the_survey_shows_the_latest_answers_in_per_cent(world, login, answered):
    survey, _fidelity = answered
    involved = next(
        d
        for d in survey_report(world.manager, Filters(), instrument=survey)
        if d.code == "involved_in_plan"
    )
    assert [count for _v, _l, count in involved.points] == [0, 0, 1, 3, 3]
    assert involved.dont_know == 1 and involved.n == 7
    assert involved.percentages()[3] == pytest.approx(300 / 7)
    page = login(world.manager).get(reverse("reports:surveys"), {"instrument": survey.pk})
    html = page.content.decode()
    # 1, 3, 3 and one 'don't know': all under 5, all hidden, and no bar that would show them.
    assert page.status_code == 200 and 'data-testid="chart"' not in html
    row = html[html.index("Inddraget i planen") :]
    assert row[: row.index("</tr>")].count("&lt;5") == 4


def test_the_stacked_bars_show_percentages_when_every_count_is_five_or_more():
    from fremdrift.reports.charts import stacked_bars_svg
    from fremdrift.reports.surveys import Distribution

    full = Distribution("a", "Tilfreds", [(1, "Uenig", 5), (2, "Enig", 15)], 0, 20)
    small = Distribution("b", "Lille", [(1, "Uenig", 2), (2, "Enig", 18)], 0, 20)
    svg = stacked_bars_svg([full, small])
    assert ">25<" in svg and ">75<" in svg and "Tilfreds" in svg
    # The item with a small count keeps its row, marked "<5", with no bar or percentages.
    small_row = svg[svg.index(">Lille<") : svg.index("</g>", svg.index(">Lille<"))]
    assert 'data-hidden="true"' in small_row and "<rect" not in small_row
    assert ">10<" not in svg and ">90<" not in svg


def test_fidelity_is_the_mean_across_units(world, answered):
    _survey, fidelity = answered
    rows, units = fidelity_report(world.manager, Filters(), instrument=fidelity)
    one_plan = next(r for r in rows if r.code == "one_plan")
    assert (one_plan.units, one_plan.mean) == (2, 3.5)
    assert sorted(units) == ["Trivsel", "Vækst"]
