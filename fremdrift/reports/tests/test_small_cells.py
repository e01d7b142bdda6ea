"""No figure from 1 to 4 citizens leaves the system: a report of a cohort that small says it has
too few citizens to show results, and nothing else, in every output format of every report
(page, CSV, Excel, SVG, the API's JSON). Hypothesis generates cohorts and filters; cohorts of
0 or at least 5 are the control, whose outputs must not say so."""

import datetime as dt
import io
import re

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from fremdrift.api.tests.test_reports_api import queries
from fremdrift.citizens.models import Citizen
from fremdrift.core.exports import csv_about, csv_table, filter_label
from fremdrift.instruments.models import Instrument
from fremdrift.programmes import services as programme_services
from fremdrift.reports.charts import curves_svg
from fremdrift.reports.tests.test_progression import record
from fremdrift.testing import make_citizen, make_cpr, make_programme, signed_in

TOO_FEW = "For få borgere til at vise resultater."
REPORTS = ["progression", "comparison", "goals", "agreement", "monitoring", "surveys", "quality"]
FORMATS = ["page", "csv", "xlsx", "svg", "json"]
START = dt.date(2026, 1, 5)

# Each generated citizen: (female, enrolled in the programme).
CITIZENS = st.lists(st.tuples(st.booleans(), st.booleans()), min_size=0, max_size=8)
SEX_FILTER = st.sampled_from(["", "female", "male"])


def build(world, people) -> None:
    programme = make_programme(world.nord, name="Forløb")
    for n, (female, enrolled) in enumerate(people):
        citizen = make_citizen(
            world.caseworker,
            first_name=f"Borger{n}",
            cpr=make_cpr(dt.date(1990, 1, 1 + n), female=female),
        )
        if enrolled:
            programme_services.enrolment_create(
                actor=world.caseworker, citizen=citizen, programme=programme, start_date=START
            )


def outputs(client, headers, report: str, sex: str) -> dict[str, object]:
    api_query, page_query = queries(report)
    if sex:
        api_query, page_query = api_query | {"sex": sex}, page_query | {"sex": sex}
    url = f"/reports/{report}/"
    got = {"page": client.get(url, page_query).content.decode()}
    for export in ("csv", "xlsx", "svg"):
        got[export] = client.get(url, page_query | {"format": export})
    got["json"] = client.get(f"/api/v1/reports/{report}", api_query, **headers).json()
    return got


def says_only_too_few(export: str, output) -> bool:
    if export == "page":
        results = output.split('data-testid="report-filters"')[1]
        return TOO_FEW in results and "<table" not in results and "<svg" not in results
    if export == "json":
        return (
            output["summary"] == [TOO_FEW]
            and output["tables"] == []
            and (output["citizens"] is None and output["enrolments"] is None)
        )
    if export == "csv":
        # Above the sentence only the lines that say what the file is, the group's size "<5".
        about = csv_about(output.content)
        return csv_table(output.content) == [[TOO_FEW]] and about_is_bare(about)
    if export == "xlsx":
        book = load_workbook(io.BytesIO(output.content))
        table, about = book.worksheets
        cells = [c for row in table.iter_rows(values_only=True) for c in row]
        return cells == [TOO_FEW] and about_is_bare(
            [[str(c) for c in row if c is not None] for row in about.iter_rows(values_only=True)]
        )
    text = output.content.decode()
    return TOO_FEW in text and "<rect" not in text and "<line" not in text


def about_is_bare(about: list[list[str]]) -> bool:
    """The lines about a file of too few citizens: no figure but the size "<5" (the last
    line is the time of the extract)."""
    values = [row[-1] for row in about[:-1] if row[0] != filter_label()]
    return "<5" in values and not any(re.search(r"\d", v) for v in values if v != "<5")


def mentions_too_few(export: str, output) -> bool:
    if export == "page":
        return TOO_FEW in output
    if export == "json":
        return TOO_FEW in output["summary"]
    if export == "xlsx" and output["Content-Type"].startswith("application/vnd"):
        book = load_workbook(io.BytesIO(output.content))
        return any(
            TOO_FEW in str(c)
            for s in book.worksheets
            for r in s.iter_rows(values_only=True)
            for c in r
        )
    return TOO_FEW.encode() in output.content


@pytest.mark.parametrize("report", REPORTS)
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=CITIZENS, sex=SEX_FILTER)
def test_no_output_of_any_report_holds_a_figure_from_1_to_4_citizens(
    world, client, bearer, report, people, sex
):
    headers = bearer(world.manager)
    signed_in(client, world.manager)
    with transaction.atomic():
        build(world, people)
        in_cohort = [
            female
            for female, enrolled in people
            if enrolled and sex in ("", "female" if female else "male")
        ]
        got = outputs(client, headers, report, sex)
        transaction.set_rollback(True)
    for export in FORMATS:
        if 1 <= len(in_cohort) <= 4:
            assert says_only_too_few(export, got[export]), (report, export, len(in_cohort))
        else:
            assert not mentions_too_few(export, got[export]), (report, export, len(in_cohort))


def test_the_coverage_sentence_hides_a_small_count_inside_a_larger_cohort(world, login):
    build(world, [(True, True)] * 6)
    measured = list(Citizen.objects.filter(first_name__in=["Borger0", "Borger1"]))
    for citizen in measured:
        record(world.caseworker, citizen, START + dt.timedelta(days=1), 3)
        record(world.caseworker, citizen, START + dt.timedelta(days=60), 5)
    wheel = Instrument.objects.get(code="adult_wheel")
    page = login(world.manager).get(
        "/reports/progression/", {"instrument": wheel.pk, "horizon": "latest"}
    )
    sentence = page.content.decode().split('data-testid="coverage">')[1].split("</p>")[0]
    assert "6" in sentence and "2" not in sentence and "&lt;5" in sentence


def test_a_hidden_month_is_a_gap_in_the_monitoring_curve_not_a_zero():
    months = [
        ("2026-01", 6, None, None, None),
        ("2026-02", 8, 5, None, None),
        ("2026-03", 9, 6, None, None),
    ]
    curves = re.findall(r'<polyline points="([^"]+)"', curves_svg(months))
    assert [len(points.split()) for points in curves] == [3, 2]
