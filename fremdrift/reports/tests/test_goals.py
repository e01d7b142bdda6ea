"""The goals report on real plans: counts by status, end goals reached, time to achievement,
GAS T-scores and the programme outcomes, checked against the numbers put in."""

import datetime as dt
import math

import pytest
from django.urls import reverse
from django.utils import timezone

from fremdrift.codelists.models import Code
from fremdrift.plans import services as plans
from fremdrift.programmes import services as programme_services
from fremdrift.referrals import services as referral_services
from fremdrift.reports.cohort import Filters
from fremdrift.reports.goals import goals_report
from fremdrift.testing import make_citizen, make_programme

START = dt.date(2026, 1, 5)
LEVELS = {"-2": "a", "-1": "b", "0": "c", "1": "d", "2": "e"}


def at(day: dt.date):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


@pytest.fixture
def plans_in_programme(world):
    return plans_cohort(world)


def plans_cohort(world):
    """Six citizens enrolled with a plan: end goals, GAS-rated sub-goals reached at known
    days, internships, one exit to a job; returns the programme."""
    programme = make_programme(world.nord, name="Målforløb")
    job = Code.objects.get(code_list="end_goal_category", code="job")
    hours = Code.objects.get(code_list="end_goal_category", code="ordinary_hours")
    internship = Code.objects.get(code_list="activity_type", code="internship_single")
    employment = Code.objects.get(code_list="activity_sector", code="employment")
    exit_job = Code.objects.get(code_list="exit_reason", code="job", parent__isnull=False)
    for n in range(6):
        citizen = make_citizen(world.caseworker, first_name=f"Mål{n}")
        enrolment = programme_services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=programme, start_date=START
        )
        plan = plans.plan_get_or_create(actor=world.caseworker, citizen=citizen)
        end = plans.goal_create(
            actor=world.caseworker,
            plan=plan,
            text="Slutmål",
            is_end_goal=True,
            category=hours if n < 2 else job,
            at=at(START),
        )
        sub = plans.goal_create(
            actor=world.caseworker,
            plan=plan,
            text="Delmål",
            parent=end,
            gas_levels=LEVELS,
            gas_baseline=-1,
            at=at(START),
        )
        plans.goal_create(
            actor=world.caseworker, plan=plan, text="Andet delmål", parent=end, at=at(START)
        )
        # Citizens 0-4 reach the first sub-goal after 10·(n+1) days; all are rated +1.
        plans.goal_change(
            actor=world.caseworker,
            goal=sub,
            expected_version=sub.version,
            reason="follow_up",
            gas_level=1,
            at=at(START + dt.timedelta(days=5)),
        )
        if n < 5:
            sub.refresh_from_db()
            plans.goal_change(
                actor=world.caseworker,
                goal=sub,
                expected_version=sub.version,
                reason="achieved",
                status="achieved",
                at=at(START + dt.timedelta(days=10 * (n + 1))),
            )
        if n < 2:
            end.refresh_from_db()
            plans.goal_change(
                actor=world.caseworker,
                goal=end,
                expected_version=end.version,
                reason="achieved",
                status="achieved",
                at=at(START + dt.timedelta(days=60)),
            )
        if n % 2 == 0:
            plans.activity_create(
                actor=world.caseworker,
                plan=plan,
                sector=employment,
                kind=internship,
                purpose="Praktik",
                start_date=START + dt.timedelta(days=20),
                weekly_hours="10",
            )
        if n == 5:
            referral_services.enrolment_end(
                actor=world.caseworker,
                enrolment=enrolment,
                expected_version=enrolment.version,
                end_date=START + dt.timedelta(days=90),
                exit_reason=exit_job,
            )
    return programme


def test_the_goals_report_counts_what_was_put_in(world, login, plans_in_programme):
    report = goals_report(world.manager, Filters())
    assert report.citizens == 6
    by_category = dict(report.by_category)
    # 12 sub-goals without a category: 5 achieved, 7 active.
    assert by_category["–"] == [7, 5, 0, 0, 0]
    assert report.median_days_to_achieve == 30  # 10, 20, 30, 40, 50 days
    assert report.with_sub_goal_reached.count == 5
    assert report.with_sub_goal_reached.share[0] == pytest.approx(5 / 6)
    ends = {row.label: (row.n, row.count) for row in report.end_goals}
    assert ends == {"Job": (4, 0), "Ordinære løntimer": (2, 2)}
    (outcome,) = report.programmes
    assert (outcome.n, outcome.internship.count, outcome.ordinary_hours.count) == (6, 3, 2)
    assert outcome.job_or_education.count == 1
    # One GAS goal per citizen: baseline −1, follow-up +1. T = 50 + 10·x / √(0.7 + 0.3) .
    assert outcome.gas_baseline[0] == pytest.approx(40)
    assert outcome.gas_followup[0] == pytest.approx(60)
    assert math.isclose(outcome.gas_followup[1], 60) and math.isclose(outcome.gas_followup[2], 60)

    client = login(world.manager)
    page = client.get(reverse("reports:goals"))
    assert page.status_code == 200 and "Målforløb" in page.content.decode()
    assert "Mål0" not in page.content.decode()
    book = client.get(reverse("reports:goals"), {"format": "xlsx"})
    assert book.status_code == 200 and book.content[:2] == b"PK"


def test_small_cells_in_the_status_table_are_hidden(world, plans_in_programme):
    from fremdrift.plans.models import Goal
    from fremdrift.reports.views import goals_tables

    goal = Goal.objects.filter(text="Andet delmål").first()
    plans.goal_change(
        actor=world.caseworker,
        goal=goal,
        expected_version=goal.version,
        reason="situation_changed",
        status="dropped",
    )
    table = goals_tables(goals_report(world.manager, Filters()))
    row = next(r for r in table if r and r[0] == "–")
    # 6 active, 5 achieved, 1 dropped: the 1 is hidden, and so is the smallest other count,
    # so that it cannot be worked out from the total of 12.
    assert row[1:] == [6, "<5", 0, 0, "<5"]
