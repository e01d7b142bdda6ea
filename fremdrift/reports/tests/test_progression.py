"""The progression report on real rows: the numbers equal an independent computation on the
same answers, small groups are suppressed, and only managers of the organisation read it."""

import datetime as dt
import io
import re

import numpy as np
import pytest
from django.urls import reverse
from openpyxl import load_workbook
from scipy import stats as scipy_stats

from fremdrift.accounts.models import Role
from fremdrift.assessments.selectors import published_version
from fremdrift.assessments.services import AnswerInput, assessment_record
from fremdrift.core.exports import csv_table
from fremdrift.instruments.models import Instrument
from fremdrift.programmes import services as programme_services
from fremdrift.reports.cohort import Filters
from fremdrift.reports.privacy import suppress
from fremdrift.reports.progression import progression_report
from fremdrift.testing import make_citizen, make_programme, make_user

START = dt.date(2026, 1, 5)
CODES = [
    "health_for_work",
    "everyday_energy",
    "network_support",
    "attendance_stability",
    "social_skills_work",
    "motivation_job_goal",
    "work_skills",
    "housing_finances",
]
# Per citizen: baseline level, change at follow-up (the same on every item, plus one item
# that moves one step more), and a middle assessment that is neither.
PEOPLE = [(3, 2), (4, 1), (2, 3), (5, 0), (3, 1), (4, 2), (2, -1), (6, 1)]
SPREADS = [
    (0, 1, -1, 0, 1, 0, -1, 1),
    (0, 0, 1, -1, 0, 1, 1, 0),
    (0, 1, 1, 0, -1, 0, 0, 1),
    (0, -1, 0, 1, 1, -1, 0, 0),
    (0, 0, 0, 1, -1, 1, 1, -1),
    (0, 1, -1, -1, 0, 0, 1, 1),
    (0, 0, 1, 1, 0, -1, -1, 0),
    (0, -1, 0, 0, 1, 1, 0, -1),
]


def values(n: int, level: int, extra: int = 0) -> list[int]:
    """The answers `record` gives citizen n, item by item."""
    out = [max(1, min(10, level + shift)) for shift in SPREADS[n]]
    out[6] = max(1, min(10, level + SPREADS[n][6] + extra))
    return out


def wheel():
    return Instrument.objects.get(code="adult_wheel")


def record(actor, citizen, day, level, extra=0, spread=(0,) * 8):
    """Every item at `level` shifted by the citizen's own `spread` (health for work never),
    work skills `extra` steps higher."""
    answers = {
        code: AnswerInput(value=max(1, min(10, level + shift)))
        for code, shift in zip(CODES, spread, strict=True)
    }
    answers["work_skills"] = AnswerInput(value=max(1, min(10, level + spread[6] + extra)))
    return assessment_record(
        actor=actor,
        citizen=citizen,
        version=published_version(wheel()),
        date=day,
        respondent="joint",
        status="completed",
        answers=answers,
    )


def enrol_cohort(world):
    """Eight citizens enrolled with a baseline and two follow-ups, and a ninth with a
    baseline only; returns the programme."""
    programme = make_programme(world.nord, name="Nordforløb")
    citizens = []
    for n, (level, change) in enumerate(PEOPLE):
        citizen = make_citizen(world.caseworker, first_name=f"Deltager{n}")
        programme_services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=programme, start_date=START
        )
        spread = SPREADS[n]
        record(world.caseworker, citizen, START - dt.timedelta(days=30), 1)  # before: not baseline
        record(world.caseworker, citizen, START + dt.timedelta(days=3), level, spread=spread)
        record(
            world.caseworker, citizen, START + dt.timedelta(days=95), level + change, spread=spread
        )
        record(
            world.caseworker,
            citizen,
            START + dt.timedelta(days=180),
            level + change,
            extra=1,
            spread=spread,
        )
        citizens.append(citizen)
    # A ninth citizen with a baseline only: attrition.
    dropout = make_citizen(world.caseworker, first_name="Frafalden")
    programme_services.enrolment_create(
        actor=world.caseworker, citizen=dropout, programme=programme, start_date=START
    )
    record(world.caseworker, dropout, START + dt.timedelta(days=2), 2)
    return programme


def test_item_and_total_change_equal_an_independent_computation(world, cohort):
    report = progression_report(world.manager, Filters(), instrument=wheel())
    assert (report.cohort_size, report.with_baseline, report.with_both) == (9, 9, 8)
    baseline = np.array([level for level, _ in PEOPLE], dtype=float)
    follow = np.array([level + change for level, change in PEOPLE], dtype=float)
    health = next(r for r in report.items if r.code == "health_for_work").change
    t = scipy_stats.ttest_rel(follow, baseline).confidence_interval(0.95)
    assert health.n == 8
    assert (health.baseline_mean, health.followup_mean) == pytest.approx(
        (baseline.mean(), follow.mean())
    )
    assert (health.ci_low, health.ci_high) == pytest.approx((t.low, t.high))
    diffs = follow - baseline
    assert health.wilcoxon_p == pytest.approx(scipy_stats.wilcoxon(diffs[diffs != 0]).pvalue)
    # The latest follow-up has work skills one step higher.
    skills = next(r for r in report.items if r.code == "work_skills").change
    assert skills.followup_mean == pytest.approx(
        np.mean([values(n, lv + ch, extra=1)[6] for n, (lv, ch) in enumerate(PEOPLE)])
    )
    totals = [
        (sum(values(n, lv)), sum(values(n, lv + ch, extra=1))) for n, (lv, ch) in enumerate(PEOPLE)
    ]
    assert report.total.mean_change == pytest.approx(np.mean([f - b for b, f in totals]))
    # Cronbach's alpha of the baseline items, computed here from the same numbers.
    matrix = np.array([values(n, lv) for n, (lv, _) in enumerate(PEOPLE)] + [[2] * 8], dtype=float)
    k = matrix.shape[1]
    alpha = k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / matrix.sum(1).var(ddof=1))
    assert report.alpha == pytest.approx(alpha)
    assert report.attrition.without_followup == 1


def test_the_horizon_picks_the_follow_up_nearest_it(world, cohort):
    report = progression_report(world.manager, Filters(), instrument=wheel(), horizon="3")
    skills = next(r for r in report.items if r.code == "work_skills").change
    # The 95-day follow-up, without the later step up in work skills.
    assert skills.followup_mean == pytest.approx(
        np.mean([values(n, lv + ch)[6] for n, (lv, ch) in enumerate(PEOPLE)])
    )


def test_a_known_effect_is_found(world, cohort):
    report = progression_report(world.manager, Filters(), instrument=wheel())
    assert report.total.ci_low > 0
    assert report.reliable is not None
    assert report.reliable.improved + report.reliable.unchanged + report.reliable.worse == 8


def test_groups_under_five_are_suppressed(world, login, cohort):
    client = login(world.manager)
    page = client.get(
        reverse("reports:progression"),
        {"instrument": wheel().pk, "horizon": "latest", "sex": "male"},
    ).content.decode()
    # make_citizen makes women; no men: nothing is shown but the coverage.
    assert "Færre end 5" in page and 'data-testid="progression-table"' not in page
    assert suppress([10, 3, 7]) == [10, None, None]
    assert suppress([10, 3, 0]) == [None, None, 0]
    assert suppress([2, 3, 9]) == [None, None, 9]
    assert suppress([12, 5, 6]) == [12, 5, 6]


def test_the_report_page_and_its_exports(world, login, cohort):
    client = login(world.manager)
    query = {"instrument": wheel().pk, "horizon": "latest", "programme": cohort.pk}
    page = client.get(reverse("reports:progression"), query).content.decode()
    assert 'data-testid="chart"' in page and "<svg" in page
    assert 'data-testid="trajectory-chart"' in page and "n=8" in page
    # No names, ever (the citizens are Deltager0 to Deltager7; "Deltagerprofil" is a filter).
    assert not re.search(r"Deltager\d", page) and "Frafalden" not in page
    rows = csv_table(client.get(reverse("reports:progression"), query | {"format": "csv"}).content)
    assert rows[0][0] == "Spørgsmål" and rows[-1][0] == "Samlet score"
    assert rows[1][1] == "8" and "," in rows[1][4]  # decimal comma
    book = client.get(reverse("reports:progression"), query | {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet.cell(row=2, column=2).value == 8
    svg = client.get(reverse("reports:progression"), query | {"format": "svg"})
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_a_manager_sees_only_the_organisations_enrolments(world, cohort):
    other = make_user("othermanager", world.syd, Role.MANAGER)
    report = progression_report(other, Filters(), instrument=wheel())
    assert report.cohort_size == 0 and report.suppressed


@pytest.mark.parametrize(
    "role", ["caseworker", "provider_staff", "job_consultant", "administrator", "manager"]
)
def test_it_checks_ownership(world, login, role):
    client = login(getattr(world, role))
    for url in (reverse("reports:index"), reverse("reports:progression")):
        assert client.get(url).status_code == (200 if role == "manager" else 404)


def test_an_administrator_sets_the_reliability_the_report_uses(world, login, cohort):
    client = login(world.administrator)
    url = reverse("instruments:reliability", args=[wheel().pk])
    client.post(url, {"reliability": "1.5"})
    assert wheel().reliability is None  # refused, with a message
    assert client.post(url, {"reliability": "0.6"}).status_code == 302
    assert wheel().reliability == 0.6
    report = progression_report(world.manager, Filters(), instrument=wheel())
    assert report.reliable.reliability == 0.6
    assert login(world.manager).post(url, {"reliability": "0.7"}).status_code == 403
    assert wheel().reliability == 0.6


def test_the_trajectory_equals_an_independent_computation(world, cohort):
    """Months since enrolment of 30.4375 days: the baselines (day 2 and 3) are month 0, day
    95 month 3, day 180 month 5; each point is the mean total of that month's complete
    assessments with a t interval. The assessment before the enrolment is left out."""
    report = progression_report(world.manager, Filters(), instrument=wheel())
    totals = {
        0: [sum(values(n, lv)) for n, (lv, _ch) in enumerate(PEOPLE)] + [8 * 2],
        3: [sum(values(n, lv + ch)) for n, (lv, ch) in enumerate(PEOPLE)],
        5: [sum(values(n, lv + ch, extra=1)) for n, (lv, ch) in enumerate(PEOPLE)],
    }
    assert [(p.month, p.n) for p in report.trajectory] == [(m, len(t)) for m, t in totals.items()]
    for point in report.trajectory:
        sample = np.array(totals[point.month], dtype=float)
        low, high = scipy_stats.t.interval(
            0.95, len(sample) - 1, loc=sample.mean(), scale=scipy_stats.sem(sample)
        )
        assert (point.mean, point.low, point.high) == pytest.approx((sample.mean(), low, high))


@pytest.fixture
def ties(world):
    """Citizens whose follow-up at the 3-month horizon (day 91) is decided by a rule: a
    baseline after the horizon (the next one is the follow-up), two candidates equally far
    (the earlier), two on the same day before the horizon (the one recorded last, the nearer
    it) and after it (the one recorded first), and a baseline after the horizon followed by
    two on one day. Each assessment's level tells which was chosen."""
    programme = make_programme(world.nord, name="Uafgjort")
    cases = {
        "after": [(100, 2), (120, 5), (200, 7)],
        "equally_far": [(1, 2), (81, 4), (101, 6)],
        "same_day": [(1, 2), (90, 3), (90, 8), (150, 9)],
        "same_day_after": [(1, 2), (95, 5), (95, 6), (200, 9)],
        "after_then_same_day": [(100, 2), (120, 5), (120, 6)],
    }
    enrolments = {}
    for name, days in cases.items():
        citizen = make_citizen(world.caseworker, first_name=name)
        enrolments[name] = programme_services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=programme, start_date=START
        )
        for day, level in days:
            record(world.caseworker, citizen, START + dt.timedelta(days=day), level)
    return enrolments


def test_the_follow_up_nearest_the_horizon_follows_the_tie_rules(world, ties):
    from fremdrift.reports.scores import collect

    data = collect(world.manager, Filters(), instrument=wheel(), horizon="3")
    health = [i.code for i in data.items].index("health_for_work")
    rows = {e: n for n, e in enumerate(data.enrolment_ids.tolist())}
    chosen = {
        name: (data.baseline[rows[e.pk], health], data.followup[rows[e.pk], health])
        for name, e in ties.items()
    }
    assert chosen == {
        "after": (2, 5),
        "equally_far": (2, 4),
        "same_day": (2, 8),
        "same_day_after": (2, 5),
        "after_then_same_day": (2, 5),
    }
    totals = {
        name: (data.total_baseline[rows[e.pk]], data.total_followup[rows[e.pk]])
        for name, e in ties.items()
    }
    assert totals == {
        "after": (16, 40),
        "equally_far": (16, 32),
        "same_day": (16, 64),
        "same_day_after": (16, 40),
        "after_then_same_day": (16, 40),
    }
    latest = collect(world.manager, Filters(), instrument=wheel())
    rows = {e: n for n, e in enumerate(latest.enrolment_ids.tolist())}
    assert {name: latest.followup[rows[e.pk], health] for name, e in ties.items()} == {
        "after": 7,
        "equally_far": 6,
        "same_day": 9,
        "same_day_after": 9,
        "after_then_same_day": 6,
    }


def test_the_report_reads_a_fixed_number_of_queries_however_large_the_cohort(
    world, cohort, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as nine:
        progression_report(world.manager, Filters(), instrument=wheel())
    for n in range(5):
        citizen = make_citizen(world.caseworker, first_name=f"Ekstra{n}")
        programme_services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=cohort, start_date=START
        )
        record(world.caseworker, citizen, START + dt.timedelta(days=5), 4)
        record(world.caseworker, citizen, START + dt.timedelta(days=60), 5)
    with django_assert_num_queries(len(nine.captured_queries)):
        report = progression_report(world.manager, Filters(), instrument=wheel())
    assert report.with_both == 13


def test_every_report_opens_with_a_result_for_sensible_defaults(world, login, cohort):
    """Before any filter is chosen: the whole organisation, the instrument its cohort uses
    most, the latest follow-up; the filters above, holding those defaults."""
    client = login(world.manager)
    page = client.get(reverse("reports:progression"))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="summary"' in html and 'data-testid="progression-table"' in html
    form = page.context["form"]
    assert form["instrument"].value() == str(wheel().pk)
    assert form["horizon"].value() == "latest" and not form["programme"].value()
    assert f"instrument={wheel().pk}" in page.context["query"]
    export = client.get(reverse("reports:progression"), {"format": "csv"})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    for name in ("comparison", "goals", "monitoring", "quality", "agreement"):
        opened = client.get(reverse(f"reports:{name}"))
        assert opened.status_code == 200, name
        assert 'data-testid="report"' in opened.content.decode(), name
