"""Reports of the organisation's own citizens who follow an instrument (issue 23 §1; seed
001: "borgere, som forbliver i jobcentret, scores ligeledes hver 14. dag"): a group of
follows beside the group of enrolments, measured from the follow's start. The cohort is built
by hand: ten citizens at the jobcentre who follow the adult wheel and are in no programme,
five of the caseworker's and five of the colleague's (some tests add the progression
report's enrolled cohort, who follow the wheel through their programme)."""

import datetime as dt

import numpy as np
import pytest
from django.urls import reverse

from fremdrift.assessments import services as assessment_services
from fremdrift.assessments.selectors import published_version
from fremdrift.core.exports import csv_table
from fremdrift.instruments.models import Instrument
from fremdrift.reports.agreement import agreement_report
from fremdrift.reports.cohort import ENROLMENTS, FOLLOWS, Filters, cohort_units
from fremdrift.reports.comparison import comparison_report
from fremdrift.reports.dataset import dataset
from fremdrift.reports.progression import progression_report
from fremdrift.reports.quality import quality_report
from fremdrift.reports.tests.test_dataset import grant
from fremdrift.reports.tests.test_progression import enrol_cohort, record, wheel
from fremdrift.testing import make_citizen

START = dt.date(2026, 2, 2)
# Per follower: level at baseline and at follow-up (every item), so totals are 8 × level.
# The caseworker's five gain 2 steps on average, the colleague's five none.
MINE = [(3, 5), (4, 6), (2, 4), (5, 7), (3, 5)]
THEIRS = [(4, 4), (5, 5), (3, 3), (6, 6), (4, 4)]


@pytest.fixture
def followers(world):
    people = []
    for owner, levels in ((world.caseworker, MINE), (world.colleague, THEIRS)):
        for n, (before, after) in enumerate(levels):
            citizen = make_citizen(owner, first_name=f"Følger{owner.username}{n}")
            # An assessment before the follow started is not its baseline.
            record(owner, citizen, START - dt.timedelta(days=20), 1)
            assessment_services.follow_start(
                actor=owner, citizen=citizen, instrument=wheel(), start_date=START, every_days=14
            )
            record(owner, citizen, START, before)
            record(owner, citizen, START + dt.timedelta(days=60), after)
            people.append(citizen)
    return people


def follows(**kwargs) -> Filters:
    return Filters(group=FOLLOWS, instrument=wheel().pk, **kwargs)


def test_the_group_of_follows_holds_the_followers_and_no_enrolment(world, followers):
    programme = enrol_cohort(world)
    followed = {f.citizen_id for f in cohort_units(world.manager, follows())}
    enrolled = {e.citizen_id for e in cohort_units(world.manager, Filters())}
    assert programme.enrolments.count() == len(enrolled) == 9
    # The followers are in no report of enrolments; every measured citizen is in the group
    # of follows, the enrolled too (their programme made them follow the wheel).
    assert not enrolled & {c.pk for c in followers}
    assert followed == {c.pk for c in followers} | enrolled
    # Another organisation's manager sees none of them.
    assert not cohort_units(world.outsider, follows()).exists()


def test_progression_of_followers_is_measured_from_the_follows_start(world, followers):
    report = progression_report(world.manager, follows(), instrument=wheel())
    assert report.of_follows
    assert (report.cohort_size, report.with_baseline, report.with_both) == (10, 10, 10)
    before = np.array([8 * b for b, _a in MINE + THEIRS], dtype=float)
    after = np.array([8 * a for _b, a in MINE + THEIRS], dtype=float)
    # The assessment 20 days before the start (total 8) is not the baseline.
    assert report.total.baseline_mean == pytest.approx(before.mean())
    assert report.total.followup_mean == pytest.approx(after.mean())
    assert report.total.mean_change == pytest.approx((after - before).mean())
    assert report.trajectory[0].month == 0 and report.trajectory[0].n == 10


def test_comparison_of_followers_by_responsible_caseworker(world, followers):
    report = comparison_report(world.manager, follows(), instrument=wheel(), by="caseworker")
    by_name = {g.label: g for g in report.groups}
    mine = by_name[world.caseworker.get_full_name()]
    theirs = by_name[world.colleague.get_full_name()]
    assert (mine.n, theirs.n) == (5, 5)
    assert mine.change.mean_change == pytest.approx(16.0)
    assert theirs.change.mean_change == pytest.approx(0.0)
    # Theirs is the reference (the first of two equal groups is not: the larger or, tied,
    # the first found); one of the two carries the adjusted difference.
    assert sum(g.adjusted is not None for g in report.groups) == 1


def test_the_caseworker_filter_narrows_either_group(world, followers):
    mine = progression_report(
        world.manager, follows(caseworker=world.caseworker.pk), instrument=wheel()
    )
    assert mine.cohort_size == 5
    assert mine.total.mean_change == pytest.approx(16.0)


def test_data_quality_and_dataset_of_followers(world, followers):
    quality = quality_report(world.manager, Filters(group=FOLLOWS))
    assert quality.of_follows and quality.enrolments == 10
    assert quality.should_have_exited == 0
    header, rows, citizens = dataset(world.manager, follows(), instrument=wheel(), shape="wide")
    assert citizens == {c.pk for c in followers}
    day = header.index("day")
    # Days since the follow started: the baseline on day 0, the follow-up on day 60; the
    # assessment before the start lies outside the follow.
    assert sorted({row[day] for row in rows}) == [0, 60]
    assert {row[header.index("programme")] for row in rows} == {""}


def test_the_page_says_which_group_it_shows(world, login, followers):
    client = login(world.manager)
    url = reverse("reports:progression")
    query = {"instrument": wheel().pk, "horizon": "latest"}
    page = client.get(url, query | {"group": FOLLOWS}).content.decode()
    assert f"Gruppen: organisationens egne borgere, der følger {wheel().name}." in page
    assert "10 borgere, der følger instrumentet" in page
    page = client.get(url, query | {"group": ENROLMENTS}).content.decode()
    assert "Gruppen: forløb i programmer" in page
    rows = csv_table(client.get(url, query | {"group": FOLLOWS, "format": "csv"}).content)
    assert rows[1][1] == "10"  # the first item's citizens with both


@pytest.mark.parametrize("report", ["progression", "comparison", "agreement", "quality", "dataset"])
def test_every_report_of_either_group_offers_the_choice(world, login, followers, report):
    grant(world.manager)  # the dataset's own permission
    client = login(world.manager)
    page = client.get(reverse(f"reports:{report}"))
    assert page.status_code == 200
    assert 'name="group"' in page.content.decode()


def test_a_group_definition_that_cannot_hold_followers_is_refused_by_name(world, login, followers):
    programme = enrol_cohort(world)
    client = login(world.manager)
    base = {"instrument": wheel().pk, "horizon": "latest", "group": FOLLOWS}
    refused = client.get(reverse("reports:progression"), base | {"programme": programme.pk})
    assert refused.status_code == 400
    assert 'id="id_programme-error"' in refused.content.decode() or "programme" in str(
        refused.context["form"].errors
    )
    youth = Instrument.objects.get(code="youth_focus_areas")
    nobody = client.get(reverse("reports:progression"), base | {"instrument": youth.pk})
    assert nobody.status_code == 400
    assert "Ingen af organisationens borgere følger dette instrument" in nobody.content.decode()
    by_programme = client.get(reverse("reports:comparison"), base | {"by": "programme"})
    assert by_programme.status_code == 400
    assert "by" in by_programme.context["form"].errors


def test_a_small_group_of_followers_shows_nothing(world, login):
    for n in range(3):
        citizen = make_citizen(world.caseworker, first_name=f"Få{n}")
        assessment_services.follow_start(
            actor=world.caseworker,
            citizen=citizen,
            instrument=wheel(),
            start_date=START,
            every_days=14,
        )
        record(world.caseworker, citizen, START, 3)
        record(world.caseworker, citizen, START + dt.timedelta(days=60), 5)
    client = login(world.manager)
    query = {"instrument": wheel().pk, "horizon": "latest", "group": FOLLOWS}
    page = client.get(reverse("reports:progression"), query)
    assert page.context["too_few"]
    assert 'data-testid="report"' not in page.content.decode()


def test_the_api_reports_on_followers(world, client, bearer, followers):
    headers = bearer(world.manager)
    answer = client.get(
        "/api/v1/reports/progression", {"instrument": "adult_wheel", "group": FOLLOWS}, **headers
    ).json()
    assert answer["group"] == FOLLOWS and answer["citizens"] == 10
    assert any("10 borgere, der følger instrumentet" in line for line in answer["summary"])
    refused = client.get(
        "/api/v1/reports/comparison",
        {"instrument": "adult_wheel", "group": FOLLOWS, "by": "provider"},
        **headers,
    )
    assert refused.status_code == 400
    assert [e["field"] for e in refused.json()["detail"]] == ["by"]


def test_rater_agreement_of_followers(world, followers):
    """Five followers answered the wheel themselves two days after their caseworker: the
    agreement of the group of follows pairs them; the group of enrolments has no one."""
    version = published_version(wheel())
    for n, citizen in enumerate(followers[:5]):
        for respondent, day, level in (("caseworker", 100, 4), ("citizen", 102, 4 + n % 2)):
            assessment_services.assessment_record(
                actor=world.caseworker,
                citizen=citizen,
                version=version,
                date=START + dt.timedelta(days=day),
                respondent=respondent,
                status="completed",
                answers={
                    item.code: assessment_services.AnswerInput(value=level)
                    for item in version.items.all()
                },
            )
    rows = agreement_report(world.manager, follows(), instrument=wheel(), pair="citizen_caseworker")
    assert {row.n for row in rows} == {5}
    # Three of five agree exactly, two citizens scored one step higher: 0.4 on average.
    assert [abs(row.mean_difference) for row in rows] == pytest.approx([0.4] * len(rows))
    enrolled = agreement_report(
        world.manager, Filters(), instrument=wheel(), pair="citizen_caseworker"
    )
    assert {row.n for row in enrolled} == {0}


def test_a_group_that_holds_nobody_says_so(world, login, followers):
    client = login(world.manager)
    query = {"instrument": wheel().pk, "horizon": "latest", "group": FOLLOWS}
    empty = client.get(reverse("reports:progression"), query | {"enrolled_from": "2026-11-01"})
    assert empty.status_code == 200
    assert "Ingen borgere er i den gruppe, du valgte" in empty.content.decode()
    full = client.get(reverse("reports:progression"), query).content.decode()
    assert 'data-testid="empty-group"' not in full
