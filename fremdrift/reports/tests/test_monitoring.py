"""The monitoring report counts what the plans and enrolments hold, hides small counts and
their complements, and exports."""

import datetime as dt

import pytest
from django.urls import reverse

from fremdrift.reports.cohort import Filters
from fremdrift.reports.monitoring import hours_band, monitoring_report
from fremdrift.reports.tests.test_goals import plans_in_programme  # noqa: F401  (fixture)
from fremdrift.reports.views import monitoring_rows


def test_monitoring_counts_the_cohort(world, plans_in_programme):  # noqa: F811
    report = monitoring_report(world.manager, Filters())
    assert report.enrolments == 6
    month, enrolled, with_plan, company, job = report.months[-1]
    assert (enrolled, with_plan, company, job) == (6, 6, 3, 1)
    assert report.months[0][0] == "2026-01"
    curves, tables = monitoring_rows(report)
    assert curves[-1][1:] == [6, 6, "<5", "<5"]
    by_title = {title: dict((r[0], r[1]) for r in rows[1:]) for title, rows, _c in tables}
    plans = by_title["Hvad planerne indeholder"]
    assert plans["Et slutmål"] == 6 and plans["Delmål"] == 6
    exits = by_title["Afmeldinger efter årsag"]
    # One exit to a job, five still enrolled: the 1 is hidden, and so is its complement.
    assert exits["Selvforsørgelse"] == "<5" and exits["Stadig indskrevet"] == "<5"
    internships = by_title["Praktikker og job med løntilskud"]
    assert internships["Forløb med en praktik eller et job med løntilskud"] == "<5"


def test_hours_bands():
    assert [hours_band(h) for h in (5, 10, 20, 21, 30, 31, 37, None)] == [
        "Under 10",
        "10-20",
        "10-20",
        "21-30",
        "21-30",
        "Over 30",
        "Fuld tid (37+)",
        "Ikke angivet",
    ]


def test_the_monitoring_page_and_exports(world, login, plans_in_programme):  # noqa: F811
    client = login(world.manager)
    page = client.get(reverse("reports:monitoring")).content.decode()
    assert 'data-testid="chart"' in page and "Mål0" not in page
    for export in ("csv", "xlsx", "svg"):
        response = client.get(reverse("reports:monitoring"), {"format": export})
        assert response.status_code == 200 and response.content, export


@pytest.mark.parametrize("role", ["caseworker", "provider_staff", "administrator"])
def test_it_checks_ownership(world, login, role):
    assert login(getattr(world, role)).get(reverse("reports:monitoring")).status_code == 404


def test_a_month_without_enrolments_still_counts_from_the_first_start(world, plans_in_programme):  # noqa: F811
    report = monitoring_report(world.manager, Filters(enrolled_from=dt.date(2030, 1, 1)))
    assert report.enrolments == 0 and report.months == []


def test_a_job_with_wage_subsidy_counts_in_every_company_oriented_figure(
    world,
    plans_in_programme,  # noqa: F811
):
    """One definition (internships and jobs with wage subsidy) for the curve and the tables,
    and KVIK's "any parallel intervention" among them."""
    from fremdrift.citizens.models import Citizen
    from fremdrift.codelists.models import Code
    from fremdrift.plans import services as plans
    from fremdrift.reports.tests.test_goals import START

    wage_subsidy = Code.objects.get(code_list="activity_type", code="wage_subsidy")
    psychologist = Code.objects.get(code_list="activity_type", code="psychologist")
    employment = Code.objects.get(code_list="activity_sector", code="employment")
    health = Code.objects.get(code_list="activity_sector", code="health")
    for name in ("Mål1", "Mål3"):
        plan = plans.plan_get_or_create(
            actor=world.caseworker, citizen=Citizen.objects.get(first_name=name)
        )
        plans.activity_create(
            actor=world.caseworker,
            plan=plan,
            sector=employment,
            kind=wage_subsidy,
            purpose="Løntilskud",
            start_date=START + dt.timedelta(days=25),
            weekly_hours="20",
        )
        if name == "Mål1":
            plans.activity_create(
                actor=world.caseworker,
                plan=plan,
                sector=health,
                kind=psychologist,
                purpose="Samtaler",
                start_date=START + dt.timedelta(days=30),
            )
    report = monitoring_report(world.manager, Filters())
    assert report.months[-1][3] == 5  # in a company-oriented activity
    tables = {table.title: {row[0]: row[1] for row in table.rows} for table in report.tables}
    overview = tables["Praktikker og job med løntilskud"]
    assert overview["Forløb med en praktik eller et job med løntilskud"] == 5
    assert overview["Job med løntilskud"] == 2 and overview["Enkeltpraktik"] == 3
    hours = tables["Ugentlige timer ved start af praktikker og job med løntilskud"]
    assert hours["10-20"] == 5
    parallel = tables["Parallelle indsatser under praktikker og job med løntilskud"]
    assert parallel["Enhver parallel indsats"] == 1 and parallel["Psykolog"] == 1


def test_a_plan_counts_from_the_day_it_was_made_before_any_goal(
    world,
    plans_in_programme,  # noqa: F811
):
    from fremdrift.plans import services as plans
    from fremdrift.programmes import services as programme_services
    from fremdrift.reports.tests.test_goals import START
    from fremdrift.testing import make_citizen

    citizen = make_citizen(world.caseworker, first_name="Plan uden mål")
    programme_services.enrolment_create(
        actor=world.caseworker, citizen=citizen, programme=plans_in_programme, start_date=START
    )
    plan = plans.plan_get_or_create(actor=world.caseworker, citizen=citizen)
    before = monitoring_report(world.manager, Filters()).months[-1]
    assert before[1:3] == (7, 6)  # enrolled, with a plan: a plan row alone is not a plan
    plans.plan_update(
        actor=world.caseworker,
        plan=plan,
        expected_version=plan.version,
        own_effort="",
        citizen_comments="",
        made_on=START + dt.timedelta(days=3),
    )
    report = monitoring_report(world.manager, Filters())
    assert report.months[-1][1:3] == (7, 7)
