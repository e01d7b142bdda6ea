"""The participant profile in the reports (seed 002, "Deltagerprofil"): the monitoring report's
counts and shares per item with small cells hidden, the progression and comparison reports
filtered by an option and grouped by an item, and the dataset's profile columns. The cohort is
built by hand, so every expected figure below is worked out from it."""

import datetime as dt

import pytest
from django.urls import reverse

from fremdrift.assessments.services import AnswerInput
from fremdrift.core.exports import csv_table
from fremdrift.programmes import services as programme_services
from fremdrift.reports.cohort import Filters, cohort_units
from fremdrift.reports.comparison import comparison_report
from fremdrift.reports.dataset import dataset
from fremdrift.reports.monitoring import monitoring_report
from fremdrift.reports.progression import progression_report
from fremdrift.reports.tables import monitoring_rows
from fremdrift.reports.tests.test_progression import record, wheel
from fremdrift.testing import make_citizen, make_programme

START = dt.date(2026, 1, 5)
# Per citizen of the profiled programme: education, match group, reasons, and the adult
# wheel's level (every item) at baseline and at follow-up. Totals are 8 × the level.
PEOPLE = [
    ("primary", "match_2", ["mental_health", "social", "physical"], 2, 4),
    ("primary", "match_2", ["mental_health", "social", "physical"], 3, 5),
    ("primary", "match_2", ["mental_health", "social"], 3, 6),
    ("primary", "match_2", ["mental_health", "social"], 4, 5),
    ("primary", "match_2", ["mental_health", "social"], 5, 7),
    ("vocational", "match_2", ["mental_health", "social"], 4, 4),
    ("vocational", "match_2", ["mental_health"], 5, 6),
    ("vocational", "match_3", ["mental_health"], 6, 5),
    ("vocational", "match_3", ["mental_health"], 4, 4),
    ("vocational", "match_3", ["mental_health"], 3, 3),
]
# Primary school: baseline totals 8 × (2, 3, 3, 4, 5), follow-up 8 × (4, 5, 6, 5, 7): means
# 27.2 and 43.2, change 16. Vocational: 8 × (4, 5, 6, 4, 3) and 8 × (4, 6, 5, 4, 3): means
# 35.2 and 35.2, change 0.


@pytest.fixture
def profiled(world):
    """Ten citizens in "Profilforløb", each with a participant profile and a baseline and a
    follow-up on the adult wheel, and one in "Andet forløb" with assessments but no profile."""
    programme = make_programme(world.nord, name="Profilforløb")
    for n, (education, group, reasons, before, after) in enumerate(PEOPLE):
        citizen = make_citizen(world.caseworker, first_name=f"Profil{n}")
        enrolment = programme_services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=programme, start_date=START
        )
        programme_services.enrolment_profile_record(
            actor=world.caseworker,
            enrolment=enrolment,
            date=START,
            answers={
                "education": AnswerInput(codes=[education]),
                "match_group": AnswerInput(codes=[group]),
                "match_reasons": AnswerInput(codes=reasons),
            },
        )
        record(world.caseworker, citizen, START + dt.timedelta(days=3), before)
        record(world.caseworker, citizen, START + dt.timedelta(days=90), after)
    other = make_programme(world.nord, name="Andet forløb")
    citizen = make_citizen(world.caseworker, first_name="Uprofileret")
    programme_services.enrolment_create(
        actor=world.caseworker, citizen=citizen, programme=other, start_date=START
    )
    record(world.caseworker, citizen, START + dt.timedelta(days=3), 5)
    record(world.caseworker, citizen, START + dt.timedelta(days=90), 6)
    return programme


def profile_tables(report) -> dict[str, dict[str, list]]:
    """The monitoring report's profile tables as shown, by their first column's header (the
    item's label) and row label: [count, share]."""
    _curves, tables = monitoring_rows(report)
    return {
        rows[0][0]: {row[0]: row[1:] for row in rows[1:]}
        for _title, rows, _counted in tables
        if len(rows[0]) == 3
    }


def test_monitoring_counts_each_option_with_its_share_of_the_enrolments(world, profiled):
    report = monitoring_report(world.manager, Filters(programmes=(profiled.pk,)))
    assert report.enrolments == 10
    tables = profile_tables(report)
    education = tables["Uddannelse"]
    # 5 and 5 of 10: nothing under 5, nothing hidden, 50 % each; no other option chosen.
    assert education["Folkeskole"] == [5, "50 %"]
    assert education["Erhvervsuddannelse"] == [5, "50 %"]
    assert education["Ikke afsluttet folkeskole"] == [0, "0 %"]
    assert list(education.values())[-1] == [0, "0 %"]  # not recorded
    reasons = tables["Begrundelser"]
    # Several per person: each reason's share of the ten enrolments, adding up to over 100 %.
    assert reasons["Psykiske funktionsnedsættelser"] == [10, "100 %"]
    assert reasons["Sociale problemer"] == [6, "60 %"]
    assert reasons["Misbrug"] == [0, "0 %"]
    # The mean number of reasons among the ten: (3 + 3 + 2 × 4 + 1 × 4) / 10 = 1.8.
    (counted,) = [t.counted for t in report.tables if t.header[0] == "Begrundelser"]
    assert "1,8" in counted


def test_monitoring_hides_a_small_option_and_its_complement(world, profiled):
    report = monitoring_report(world.manager, Filters(programmes=(profiled.pk,)))
    tables = profile_tables(report)
    match = tables["Matchgruppe"]
    # 7 in match group 2 and 3 in match group 3: the 3 is hidden, and the 7 with it, so that
    # neither can be worked out from the ten enrolments; their shares go with them.
    assert match["Matchgruppe 3 (midlertidigt passiv)"] == ["<5", "<5"]
    assert match["Matchgruppe 2 (indsatsparat)"] == ["<5", "<5"]
    assert match["Matchgruppe 1 (jobparat)"] == [0, "0 %"]
    # Two with physical impairments of ten: hidden on its own (several per person).
    assert tables["Begrundelser"]["Fysiske funktionsnedsættelser"] == ["<5", "<5"]
    # The enrolment without a profile in the whole cohort: one not recorded, hidden.
    whole = profile_tables(monitoring_report(world.manager, Filters()))
    assert list(whole["Uddannelse"].values())[-1] == ["<5", "<5"]


def test_the_cohort_is_filtered_by_a_profile_option(world, login, profiled):
    def enrolments(item, option):
        filters = Filters(profile=((item, option),))
        return cohort_units(world.manager, filters).count()

    assert enrolments("education", "primary") == 5
    assert enrolments("match_group", "match_2") == 7
    assert enrolments("match_reasons", "social") == 6  # one of several
    assert enrolments("match_reasons", "addiction") == 0
    # "social" is not an answer to another item.
    assert enrolments("education", "social") == 0
    report = progression_report(
        world.manager, Filters(profile=(("education", "primary"),)), instrument=wheel()
    )
    assert report.with_both == 5
    assert report.total.mean_change == pytest.approx(16.0)
    # The same on the page, through the form's `profile` parameter.
    response = login(world.manager).get(
        reverse("reports:progression"),
        {"instrument": wheel().pk, "horizon": "latest", "profile": "education:primary"},
    )
    assert response.status_code == 200
    assert response.context["report"].with_both == 5
    refused = login(world.manager).get(
        reverse("reports:progression"),
        {"instrument": wheel().pk, "horizon": "latest", "profile": "education:nonsense"},
    )
    assert refused.status_code == 400


def test_progression_grouped_by_a_profile_item_shows_each_group(world, login, profiled):
    query = {"instrument": wheel().pk, "horizon": "latest", "group_by": "profile:education"}
    client = login(world.manager)
    page = client.get(reverse("reports:progression"), query)
    assert page.status_code == 200 and 'data-testid="grouped-table"' in page.content.decode()
    rows = csv_table(client.get(reverse("reports:progression"), query | {"format": "csv"}).content)
    groups = {row[0]: row[1:5] for row in rows[rows.index([]) + 3 :]}
    # n, mean baseline, mean follow-up, mean change of the total score (Danish commas).
    assert groups["Folkeskole"] == ["5", "27,2", "43,2", "16,0"]
    assert groups["Erhvervsuddannelse"] == ["5", "35,2", "35,2", "0,0"]


def test_comparison_groups_by_a_profile_item(world, profiled):
    report = comparison_report(world.manager, Filters(), instrument=wheel(), by="profile:education")
    by_label = {g.label: g for g in report.groups}
    assert set(by_label) == {"Folkeskole", "Erhvervsuddannelse"}  # no profile: no group
    primary, vocational = by_label["Folkeskole"], by_label["Erhvervsuddannelse"]
    assert (primary.n, vocational.n) == (5, 5)
    assert primary.change.mean_change == pytest.approx(16.0)
    assert primary.change.baseline_mean == pytest.approx(27.2)
    assert vocational.change.mean_change == pytest.approx(0.0)
    assert not report.overlapping
    reference = next(g for g in report.groups if g.is_reference)
    other = next(g for g in report.groups if not g.is_reference)
    assert other.adjusted is not None and reference is not other


def test_groups_of_several_answers_overlap_and_are_said_to(world, login, profiled):
    report = comparison_report(
        world.manager, Filters(), instrument=wheel(), by="profile:match_reasons"
    )
    by_label = {g.label: g for g in report.groups}
    # Every one of the ten has mental health problems, six also social problems: each is
    # in the group of each of their reasons; physical impairments (2) is too small to show.
    assert by_label["Psykiske funktionsnedsættelser"].n == 10
    assert by_label["Sociale problemer"].n == 6
    assert by_label["Fysiske funktionsnedsættelser"].change is None
    assert report.overlapping
    assert all(g.adjusted is None and not g.is_reference for g in report.groups)
    page = login(world.manager).get(
        reverse("reports:comparison"),
        {"by": "profile:match_reasons", "instrument": wheel().pk, "horizon": "latest"},
    )
    assert 'data-testid="overlapping"' in page.content.decode()


def test_the_dataset_carries_the_profile_columns(world, profiled):
    header, rows, _citizens = dataset(world.manager, Filters(), instrument=wheel(), shape="wide")
    assert header[:9][-1] == "respondent" and header[-1] == "housing_finances"
    profile = [c for c in header if c.startswith("profile_")]
    assert "profile_education" in profile and "profile_match_group" in profile
    assert "profile_match_reasons_mental_health" in profile
    assert "profile_match_reasons_addiction" in profile
    column = {name: header.index(name) for name in profile}
    # Two assessments per citizen: 22 rows, 10 with primary school, 2 without a profile.
    assert len(rows) == 22
    education = [row[column["profile_education"]] for row in rows]
    assert education.count("primary") == 10 and education.count("vocational") == 10
    assert education.count(None) == 2
    social = [row[column["profile_match_reasons_social"]] for row in rows]
    assert social.count(1) == 12 and social.count(0) == 8 and social.count(None) == 2
    long_header, long_rows, _citizens = dataset(world.manager, Filters(), instrument=wheel())
    item = long_header.index("item")
    assert long_header.index("profile_education") < item
    assert {row[long_header.index("profile_match_group")] for row in long_rows} == {
        "match_2",
        "match_3",
        None,
    }


def test_the_api_filters_and_groups_by_the_profile(world, client, bearer, profiled):
    headers = bearer(world.manager)
    query = {"instrument": "adult_wheel", "by": "profile:education"}
    answer = client.get("/api/v1/reports/comparison", query, **headers)
    assert answer.status_code == 200
    (table,) = answer.json()["tables"]
    groups = {row[0]: row[1:5] for row in table["rows"]}
    assert groups["Folkeskole"] == [5, 27.2, 43.2, 16.0]
    filtered = client.get(
        "/api/v1/reports/monitoring", {"profile": "match_reasons:social"}, **headers
    ).json()
    assert filtered["enrolments"] == 6
    # An item or option the profile does not have is refused, naming the parameter.
    refused = client.get("/api/v1/reports/monitoring", {"profile": "education:x"}, **headers)
    assert refused.status_code == 400
    assert [e["field"] for e in refused.json()["detail"]] == ["profile"]
