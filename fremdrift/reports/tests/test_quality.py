"""Data quality: due assessments on time by caseworker and by provider, citizens without a
plan, enrolments that should have ended."""

import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_due_assessments_on_time_by_provider(world, followed):
    """Six referrals to Vækst's programme every 14 days from 30 days ago: the caseworker's
    starting score is on the start, so the provider's due dates are day 14 and day 28. The
    provider scores everyone on day 15, and half also on day 27; the caseworker's own
    assessment on day 16 does not count for the provider."""
    from fremdrift.referrals import services as referral_services

    programme = make_programme(world.vaekst, name="Vækstforløb")
    start = TODAY - dt.timedelta(days=30)
    for n in range(6):
        citizen = make_citizen(world.caseworker, first_name=f"Henvist{n}")
        referral_services.referral_create(
            actor=world.caseworker,
            citizen=citizen,
            programme=programme,
            instrument=wheel(),
            start_date=start,
            interval_days=14,
            starting_scores={"health_for_work": "4"},
        )
        for actor, day in [(world.provider_staff, 15), (world.caseworker, 16)] + (
            [(world.provider_staff, 27)] if n % 2 == 0 else []
        ):
            assessment_record(
                actor=actor,
                citizen=citizen,
                version=published_version(wheel()),
                date=start + dt.timedelta(days=day),
                respondent="provider" if actor == world.provider_staff else "joint",
                status="completed",
                answers={"health_for_work": AnswerInput(value=5)},
            )
    report = quality_report(world.manager, Filters())
    (row,) = report.by_provider
    assert row.name == "Vækst"
    assert (row.citizens, row.due, row.on_time) == (6, 12, 9)


def _covered_by_the_cadence_rule(due: list[int], done: list[int], count_from: int) -> int:
    """The covering rule, written plainly: each assessment covers its nearest due date (the
    earlier on a tie), on time within a week."""
    covered = set()
    for day in done:
        nearest = min(due, key=lambda d: (abs(d - day), d))
        if abs(nearest - day) <= 7:
            covered.add(nearest)
    return sum(1 for d in covered if d >= count_from)


@settings(max_examples=200, deadline=None)
@given(
    schedules=st.lists(
        st.tuples(
            st.lists(st.integers(1, 400), max_size=15, unique=True).map(sorted),
            st.lists(st.integers(1, 420), max_size=15),
        ),
        max_size=8,
    ),
    count_from=st.integers(1, 400),
)
def test_all_schedules_at_once_match_the_covering_rule_one_by_one(schedules, count_from):
    from fremdrift.reports.quality import Schedules, on_time_counts

    done = [day for _due, days in schedules for day in days]
    segment = [n for n, (_due, days) in enumerate(schedules) for _ in days]
    counts = on_time_counts(
        Schedules.of([due for due, _days in schedules]), done, segment, count_from=count_from
    )
    assert list(counts) == [
        _covered_by_the_cadence_rule(due, days, count_from) if due else 0 for due, days in schedules
    ]


def test_the_due_dates_kept_from_a_day_include_the_one_before_it():
    from fremdrift.assessments.cadence import CadencePeriod, CadenceRule
    from fremdrift.reports.quality import _due_before

    every_14 = [CadencePeriod(CadenceRule(every_days=14), dt.date(2025, 1, 3))]
    steps = [CadencePeriod(CadenceRule(every_days=14, steps_days=(7,)), dt.date(2025, 1, 3))]
    for periods in (every_14, steps):
        everything = list(_due_before(periods, dt.date(2026, 2, 1)))
        keep_from = dt.date(2025, 6, 1).toordinal()
        kept = list(_due_before(periods, dt.date(2026, 2, 1), keep_from=keep_from))
        before = [d for d in everything if d < keep_from]
        assert kept == before[-1:] + [d for d in everything if d >= keep_from]
