"""Data quality: due assessments on time by caseworker and by provider, citizens without a
plan, enrolments that should have ended."""

import datetime as dt

import pytest
from django.urls import reverse

from fremdrift.assessments.selectors import published_version
from fremdrift.assessments.services import AnswerInput, assessment_record
from fremdrift.programmes import services as programme_services
from fremdrift.reports.cohort import Filters
from fremdrift.reports.quality import quality_report
from fremdrift.reports.tests.test_progression import wheel
from fremdrift.testing import make_citizen, make_programme

TODAY = dt.date.today()


@pytest.fixture
def followed(world):
    """Six citizens enrolled 30 days ago in a programme with the wheel every 14 days: due on
    day 0, 14 and 28. Each has a baseline on day 1; half also an assessment on day 16; none on
    day 28."""
    programme = make_programme(world.nord, name="Kvalitetsforløb")
    start = TODAY - dt.timedelta(days=30)
    for n in range(6):
        citizen = make_citizen(world.caseworker, first_name=f"Kvalitet{n}")
        programme_services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=programme, start_date=start
        )
        for day in (1, 16) if n % 2 == 0 else (1,):
            assessment_record(
                actor=world.caseworker,
                citizen=citizen,
                version=published_version(wheel()),
                date=start + dt.timedelta(days=day),
                respondent="joint",
                status="completed",
                answers={"health_for_work": AnswerInput(value=5)},
            )
    return programme


def test_due_assessments_on_time_by_caseworker(world, login, followed):
    report = quality_report(world.manager, Filters())
    (row,) = report.by_staff
    assert row.name == "Caseworker Testsen"
    assert (row.citizens, row.due, row.on_time) == (6, 18, 9)  # 6 baselines + 3 on day 16
    assert report.without_plan == 6 and report.should_have_exited == 0
    page = login(world.manager).get(reverse("reports:quality"))
    assert page.status_code == 200 and "Kvalitet0" not in page.content.decode()


@pytest.mark.parametrize("role", ["caseworker", "provider_staff", "administrator"])
def test_it_checks_ownership(world, login, role):
    assert login(getattr(world, role)).get(reverse("reports:quality")).status_code == 404


def test_the_fast_count_of_due_dates_equals_the_cadence_rules():
    from fremdrift.assessments.cadence import CadencePeriod, CadenceRule, due_dates
    from fremdrift.reports.quality import _due_before, _on_time

    period = CadencePeriod(CadenceRule(every_days=14), dt.date(2025, 1, 3))
    fast = list(_due_before([period], dt.date(2026, 2, 1)))
    slow = [d.toordinal() for d in due_dates([period], until=dt.date(2026, 1, 31))]
    assert fast == slow
    done = [
        d.toordinal() for d in (dt.date(2025, 1, 10), dt.date(2025, 1, 25), dt.date(2025, 3, 1))
    ]
    # Due 3, 17 and 31 Jan, 14 and 28 Feb. 10 Jan lies half-way between 3 and 17 Jan and
    # covers the earlier, on time; 25 Jan covers 31 Jan (6 days); 1 Mar covers 28 Feb. 17 Jan
    # and 14 Feb are not covered: one assessment is on time for one due date only.
    assert _on_time(fast[:5], done) == 3
