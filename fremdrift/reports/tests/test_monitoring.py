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
    internships = by_title["Praktikker"]
    assert internships["Forløb med en praktik"] == "<5"


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
