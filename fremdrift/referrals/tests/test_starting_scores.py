"""A referral's starting scores are the baseline of its focus items, not a reading of the
whole instrument (issue 23): the wheel and the citizen report keep comparing readings and
mark the starting scores, the citizen's follows and due dates stay as they were, the form
offers the latest reading's values, and no report takes the starting scores as a total or a
follow-up."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from fremdrift.assessments import selectors as assessment_selectors
from fremdrift.assessments import services as assessment_services
from fremdrift.assessments.models import Assessment, Follow
from fremdrift.assessments.services import AnswerInput
from fremdrift.instruments.models import Instrument
from fremdrift.referrals import services
from fremdrift.referrals.tests.test_referrals import focus_row
from fremdrift.reports.cohort import Filters
from fremdrift.reports.dataset import dataset
from fremdrift.reports.progression import progression_report
from fremdrift.reports.scores import collect
from fremdrift.testing import make_citizen, make_programme

TODAY = dt.date.today()
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
FULL = {code: 7 for code in CODES}
FOCUS = {"health_for_work": "3", "attendance_stability": "4", "housing_finances": "2"}


@pytest.fixture
def kvik(world):
    return make_programme(world.vaekst)


def wheel():
    return Instrument.objects.get(code="adult_wheel")


def full_assessment(world, citizen, day=TODAY, values=None):
    return assessment_services.assessment_record(
        actor=world.caseworker,
        citizen=citizen,
        version=assessment_selectors.published_version(wheel()),
        date=day,
        respondent="joint",
        status="completed",
        answers={code: AnswerInput(value=v) for code, v in (values or FULL).items()},
    )


def refer(world, kvik, citizen, scores=None, start=TODAY):
    return services.referral_create(
        actor=world.caseworker,
        citizen=citizen,
        programme=kvik,
        instrument=wheel(),
        start_date=start,
        interval_days=14,
        starting_scores=scores or FOCUS,
    )


def series(svg: str, key: str) -> dict[str, str]:
    """The values a wheel's series draws, item code -> the value in its marker's title."""
    group = re.search(rf'<g class="series series-{key}"[^>]*>(.*?)</g>', svg, flags=re.S)
    if group is None:
        return {}
    return {
        code: value
        for code, value in re.findall(
            r'data-item="([^"]+)"[^>]*><title>[^<]*: ([0-9,]+)</title>', group.group(1)
        )
    }


@pytest.fixture
def referred(world, kvik):
    """Tove has a full assessment and, minutes later the same day, a referral with three
    focus items; she follows the wheel at the jobcentre every 30 days."""
    citizen = world.teammates_citizen
    assessment_services.follow_start(
        actor=world.caseworker,
        citizen=citizen,
        instrument=wheel(),
        start_date=TODAY - dt.timedelta(days=40),
        every_days=30,
    )
    full = full_assessment(world, citizen)
    follow = Follow.objects.get(citizen=citizen, is_active=True)
    referral = refer(world, kvik, citizen)
    return citizen, full, follow, referral


def test_the_wheel_keeps_the_full_assessment_as_newest_and_marks_the_starting_scores(
    world, login, referred
):
    citizen, full, _follow, referral = referred
    assert referral.starting_assessment.kind == Assessment.Kind.STARTING_SCORES
    data = assessment_selectors.wheel_data(citizen, wheel())
    assert data.chosen[-1] == full and data.partial == referral.starting_assessment
    page = login(world.caseworker).get(reverse("citizens:detail", args=[citizen.pk]))
    html = page.content.decode()
    drawn = html[html.index('data-testid="wheel"') :]
    assert series(drawn, "newest") == {code: "7" for code in CODES}
    assert series(drawn, "partial") == {code: v for code, v in FOCUS.items()}
    # The list of assessments says which one holds the starting scores.
    listed = html[html.index('data-testid="assessment-list"') :]
    assert listed.count('data-testid="starting-scores"') == 1
    svg = (
        login(world.caseworker)
        .get(reverse("assessments:wheel", args=[citizen.pk]))
        .content.decode()
    )
    assert series(svg, "newest") == {code: "7" for code in CODES}
    assert "Startscorer ved henvisning" in svg or "Starting scores at referral" in svg


def test_the_citizen_report_shows_today_from_the_full_assessment(world, login, referred):
    citizen, _full, _follow, _referral = referred
    html = login(world.caseworker).get(reverse("plans:report", args=[citizen.pk])).content.decode()
    assert series(html, "newest") == {code: "7" for code in CODES}
    assert series(html, "partial") == {code: v for code, v in FOCUS.items()}


def test_the_referral_leaves_the_follow_and_its_due_date_as_they_were(world, kvik, referred):
    citizen, _full, follow, _referral = referred
    after = Follow.objects.get(pk=follow.pk)
    assert after.next_due == follow.next_due
    assert list(after.cadences.values_list("every_days", flat=True)) == [30]
    assert Follow.objects.filter(citizen=citizen).count() == 1
    # The nightly recomputation does not count the starting scores either.
    assessment_services.follows_due_dates_refresh()
    assert Follow.objects.get(pk=follow.pk).next_due == follow.next_due
    # Starting scores never cover a due date: a citizen due at the jobcentre stays due.
    due = make_citizen(world.caseworker, first_name="Forfalden")
    assessment_services.follow_start(
        actor=world.caseworker,
        citizen=due,
        instrument=wheel(),
        start_date=TODAY - dt.timedelta(days=30),
        every_days=30,
    )
    refer(world, kvik, due)
    assert Follow.objects.get(citizen=due).next_due == TODAY - dt.timedelta(days=30)
    # A citizen who follows nothing gets no cadence from a referral: the provider's is the
    # referral's.
    newcomer = make_citizen(world.caseworker, first_name="Ny")
    refer(world, kvik, newcomer)
    assert not Follow.objects.filter(citizen=newcomer).exists()


def test_the_referral_shows_the_providers_cadence(world, login, referred):
    citizen, _full, _follow, referral = referred
    html = (
        login(world.caseworker).get(reverse("citizens:detail", args=[citizen.pk])).content.decode()
    )
    card = html[html.index(f'data-testid="referral-{referral.pk}"') :]
    cadence = card[card.index('data-testid="provider-cadence"') :]
    cadence = " ".join(re.sub(r"<[^>]+>", " ", cadence[: cadence.index("</span>")]).split())
    assert "14" in cadence and ("Leverandørens" in cadence or "Provider's" in cadence)


def test_the_referral_form_offers_the_latest_full_assessment_as_starting_scores(world, login, kvik):
    citizen = world.teammates_citizen
    full_assessment(world, citizen, day=TODAY - dt.timedelta(days=30), values={c: 2 for c in CODES})
    latest = full_assessment(
        world, citizen, day=TODAY - dt.timedelta(days=2), values=dict(FULL, work_skills=9)
    )
    form = (
        login(world.caseworker)
        .get(reverse("referrals:create", args=[citizen.pk]), {"programme": kvik.pk})
        .content.decode()
    )
    offered = dict(re.findall(r'name="start_([a-z_]+)" id="start_[a-z_]+" value="([^"]*)"', form))
    assert offered == {code: str(int(v)) for code, v in latest.item_values.items()}
    assert form.count('data-testid="offered-from"') == len(CODES)
    assert f"{latest.date:%d.%m.%Y}" in form
    # Neither a referral's own starting scores nor a reading of some items only (the
    # provider's) are offered as the latest whole reading.
    refer(world, kvik, citizen)
    full_assessment(world, citizen, values={"health_for_work": 1})
    form = (
        login(world.caseworker)
        .get(reverse("referrals:create", args=[citizen.pk]), {"programme": kvik.pk})
        .content.decode()
    )
    offered = dict(re.findall(r'name="start_([a-z_]+)" id="start_[a-z_]+" value="([^"]*)"', form))
    assert offered["health_for_work"] == "7" and offered["work_skills"] == "9"


def test_no_report_counts_the_starting_scores_as_a_total_or_a_follow_up(world, kvik):
    """Five citizens with a full assessment and a referral the same day, one of them with all
    eight items as focus items (complete starting scores): before, the starting scores were
    each citizen's follow-up (with no change) and the complete ones a total pair."""
    citizens = [make_citizen(world.caseworker, first_name=f"Henvist{n}") for n in range(5)]
    for n, citizen in enumerate(citizens):
        full_assessment(world, citizen, day=TODAY)
        scores = {code: "7" for code in CODES} if n == 0 else FOCUS
        refer(world, kvik, citizen, scores=scores)
    data = collect(world.manager, Filters(), instrument=wheel())
    assert int(data.has_baseline.sum()) == 5
    assert int(data.has_followup.sum()) == 0
    assert int(data.with_total_pair.sum()) == 0
    report = progression_report(world.manager, Filters(), instrument=wheel())
    assert report.with_both == 0 and report.total is None
    # Attrition counts the complete first readings, all five without a complete follow-up.
    assert (report.attrition.with_baseline, report.attrition.without_followup) == (5, 5)
    # The trajectory of the total counts the five full assessments only.
    assert [(month, n) for month, n, _sum, _squares in data.trajectory] == [(0, 5)]
    # The analysis dataset names the starting scores' rows as such.
    header, rows, _citizens = dataset(world.manager, Filters(), instrument=wheel())
    who, kind = header.index("respondent"), header.index("kind")
    assert {(row[who], row[kind]) for row in rows} == {
        ("joint", "reading"),
        ("caseworker", "starting_scores"),
    }


def test_an_imported_starting_assessment_of_the_focus_items_is_marked(world, kvik):
    """An import names the assessment that holds the starting scores: a partial one is marked
    as starting scores, a whole reading stays a reading."""
    citizen = world.teammates_citizen
    partial = full_assessment(world, citizen, values={"health_for_work": 3, "work_skills": 4})
    referral = services.referral_create(
        actor=world.caseworker,
        citizen=citizen,
        programme=kvik,
        instrument=wheel(),
        start_date=TODAY,
        starting_scores=dict.fromkeys(["health_for_work", "work_skills"]),
        starting_assessment=partial,
        enrol=False,
    )
    partial.refresh_from_db()
    assert partial.kind == Assessment.Kind.STARTING_SCORES
    assert {f.item_code: f.starting_score for f in referral.focus_items.all()} == {
        "health_for_work": 3,
        "work_skills": 4,
    }
    other = make_citizen(world.caseworker, first_name="Hel")
    whole = full_assessment(world, other)
    services.referral_create(
        actor=world.caseworker,
        citizen=other,
        programme=kvik,
        instrument=wheel(),
        start_date=TODAY,
        starting_scores=dict.fromkeys(["health_for_work"]),
        starting_assessment=whole,
        enrol=False,
    )
    whole.refresh_from_db()
    assert whole.kind == Assessment.Kind.READING


def test_an_earlier_referrals_starting_scores_are_not_our_latest_score(world, login, kvik):
    citizen = world.teammates_citizen
    refer(world, kvik, citizen, scores={"health_for_work": "3"})
    cti = make_programme(world.trivsel, name="CTI")
    later = refer(world, cti, citizen, scores={"health_for_work": "5"})
    html = login(world.caseworker).get(reverse("citizens:detail", args=[citizen.pk]))
    card = html.content.decode()
    card = card[card.index(f'data-testid="referral-{later.pk}"') :]
    # Item, starting score, the authority's latest reading (none), the provider's latest.
    assert focus_row(card, "health_for_work") == ["Helbred og arbejde", "5", "–", "–"]
