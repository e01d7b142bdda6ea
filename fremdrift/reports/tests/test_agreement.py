"""Rater agreement on real assessments: pairs within 14 days only, kappa as computed
independently, and who scores higher."""

import datetime as dt

import pytest
from django.urls import reverse

from fremdrift.assessments.selectors import published_version
from fremdrift.assessments.services import AnswerInput, assessment_record
from fremdrift.programmes import services as programme_services
from fremdrift.reports import stats
from fremdrift.reports.agreement import agreement_report
from fremdrift.reports.cohort import Filters
from fremdrift.reports.tests.test_progression import wheel
from fremdrift.testing import make_citizen, make_programme

START = dt.date(2026, 1, 5)
CASEWORKER = [3, 4, 5, 2, 6, 4, 3]
PROVIDER = [4, 5, 5, 3, 7, 5, 3]  # the provider scores higher, by 5/7 of a step


def answer(actor, citizen, day, respondent, value):
    return assessment_record(
        actor=actor,
        citizen=citizen,
        version=published_version(wheel()),
        date=day,
        respondent=respondent,
        status="completed",
        answers={"health_for_work": AnswerInput(value=value)},
    )


@pytest.fixture
def pairs(world):
    programme = make_programme(world.nord, name="Enighedsforløb")
    for n, (mine, theirs) in enumerate(zip(CASEWORKER, PROVIDER, strict=True)):
        citizen = make_citizen(world.caseworker, first_name=f"Enig{n}")
        programme_services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=programme, start_date=START
        )
        answer(world.caseworker, citizen, START + dt.timedelta(days=1), "caseworker", mine)
        answer(world.provider_staff, citizen, START + dt.timedelta(days=8), "provider", theirs)
        # A provider score 30 days later pairs with nothing.
        answer(world.provider_staff, citizen, START + dt.timedelta(days=40), "provider", 10)


def test_agreement_pairs_answers_within_14_days(world, login, pairs):
    rows = agreement_report(
        world.manager, Filters(), instrument=wheel(), pair="caseworker_provider"
    )
    health = next(r for r in rows if r.code == "health_for_work")
    assert health.n == 7
    assert health.kappa == pytest.approx(stats.weighted_kappa(CASEWORKER, PROVIDER, range(1, 11)))
    assert health.mean_difference == pytest.approx(5 / 7)
    assert rows[0].code == "health_for_work"  # the only item with pairs comes first
    page = login(world.manager).get(
        reverse("reports:agreement"),
        {"pair": "caseworker_provider", "instrument": wheel().pk},
    )
    assert page.status_code == 200 and 'data-testid="agreement-table"' in page.content.decode()


def test_no_pairs_no_numbers(world, pairs):
    rows = agreement_report(world.manager, Filters(), instrument=wheel(), pair="citizen_provider")
    assert all(r.n == 0 and r.suppressed for r in rows)


@pytest.mark.parametrize("name", ["reports:comparison", "reports:goals", "reports:agreement"])
@pytest.mark.parametrize("role", ["caseworker", "provider_staff", "administrator", "manager"])
def test_it_checks_ownership(world, login, role, name):
    response = login(getattr(world, role)).get(reverse(name))
    assert response.status_code == (200 if role == "manager" else 404)
