"""The demo's participant profiles ("Deltagerprofil"): nearly every enrolment has one,
recorded by the citizen's caseworker near the start, with shares like those of the KVIK
evaluation (seed 002), and every answer valid for its item."""

import datetime as dt
import random
from io import StringIO
from statistics import mean

import pytest
from django.core.management import call_command
from django.db import transaction

from fremdrift.accounts.models import User
from fremdrift.assessments.models import Answer, Assessment
from fremdrift.audit.models import ChangeRecord
from fremdrift.demo import profiles
from fremdrift.instruments.builtin import PROFILE_CODE
from fremdrift.instruments.models import Instrument, Item, ScaleType
from fremdrift.plans.models import CaseReview, Plan, StatutoryPlan
from fremdrift.plans.selectors import case_reviews_latest
from fremdrift.programmes.models import Enrolment
from fremdrift.reports.case_review_views import case_review_tally

# Every test reads the database: ordered with the database tests, before the transactional
# ones, whose teardown empties the database (pytest-django runs tests without a mark last).
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module in a transaction that is rolled back after its
    last test; each test runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", allow_production=True, stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def enrolments(demo, db):
    return list(Enrolment.objects.select_related("citizen", "profile"))


@pytest.fixture
def answers(demo, db) -> dict[int, dict[str, Answer]]:
    """Each profile's answers by item code."""
    out: dict[int, dict[str, Answer]] = {}
    for answer in Answer.objects.filter(
        assessment__version__instrument__code=PROFILE_CODE
    ).select_related("item"):
        out.setdefault(answer.assessment_id, {})[answer.item.code] = answer
    return out


def share(answers, item: str, code: str) -> float:
    return mean(code in profile[item].codes for profile in answers.values())


def test_nearly_every_enrolment_has_a_profile_from_its_caseworker_near_the_start(enrolments):
    assert len(enrolments) >= 30
    missing = [e for e in enrolments if e.profile is None]
    assert 1 <= len(missing) <= 0.1 * len(enrolments)
    profiled = [e for e in enrolments if e.profile is not None]
    for enrolment in profiled:
        profile = enrolment.profile
        assert profile.citizen_id == enrolment.citizen_id
        assert profile.version.instrument.code == PROFILE_CODE
        assert profile.respondent == "caseworker"
        assert profile.status == Assessment.Status.COMPLETED
        assert profile.recorded_by_id == enrolment.citizen.responsible_caseworker_id
        assert enrolment.start_date <= profile.date <= enrolment.start_date + dt.timedelta(days=7)
        assert profile.date <= min(dt.date.today(), enrolment.end_date or dt.date.today())
    # The link to the profile is in the enrolment's change history, as the service writes it.
    linked = ChangeRecord.objects.filter(
        model__iendswith="enrolment",
        object_id__in=[str(e.pk) for e in profiled],
        kind=ChangeRecord.Kind.UPDATE,
        after__has_key="profile",
    )
    assert {int(r.object_id) for r in linked} == {e.pk for e in profiled}
    # No profile stands apart from an enrolment.
    assert Assessment.objects.filter(version__instrument__code=PROFILE_CODE).count() == len(
        profiled
    )


def test_the_shares_resemble_the_kvik_participants(answers):
    assert len(answers) >= 30
    assert share(answers, "benefit_type", "cash_benefit") >= 0.85
    assert 0.70 <= share(answers, "match_group", "match_2") <= 0.90
    assert share(answers, "match_group", "match_3") > share(answers, "match_group", "match_1")
    reasons = [len(profile["match_reasons"].codes) for profile in answers.values()]
    assert min(reasons) >= 1
    assert 1.8 <= mean(reasons) <= 2.4
    for code, low, high in [
        ("mental_health", 0.60, 0.85),
        ("social", 0.28, 0.48),
        ("physical", 0.20, 0.40),
        ("behaviour", 0.12, 0.32),
        ("motivation", 0.10, 0.28),
        ("addiction", 0.10, 0.28),
    ]:
        assert low <= share(answers, "match_reasons", code) <= high, code
    assert 0.10 <= share(answers, "education", "no_primary") <= 0.26
    assert 0.43 <= share(answers, "education", "primary") <= 0.63
    for code, low, high in [
        ("never", 0.08, 0.24),
        ("under_1_year", 0.15, 0.35),
        ("1_to_3_years", 0.14, 0.34),
        ("3_years_or_more", 0.25, 0.45),
    ]:
        assert low <= share(answers, "work_experience", code) <= high, code
    assert 0.12 <= share(answers, "earlier_company_offers", "yes") <= 0.28


def test_every_answer_is_valid_for_its_item(answers):
    items = {i.code: i for i in Item.objects.filter(version__instrument__code=PROFILE_CODE)}
    for profile in answers.values():
        assert set(profile) == set(items)
        for code, answer in profile.items():
            item = items[code]
            options = item.option_codes()
            if answer.dont_know:
                assert item.allows_dont_know and answer.codes == [], code
                continue
            assert answer.codes, code
            assert set(answer.codes) <= set(options), code
            # In the list's order, each code once.
            assert answer.codes == [c for c in options if c in answer.codes], code
            if item.scale_type == ScaleType.CHOICE:
                assert len(answer.codes) == 1, code


def test_the_shares_are_dealt_out_exactly():
    assert profiles.counts({"a": 0.8, "b": 0.15, "c": 0.05}, 38) == {"a": 30, "b": 6, "c": 2}
    assert sum(profiles.counts(profiles.EDUCATION, 41).values()) == 41
    rng = random.Random(1)
    people = profiles.reasons(rng, 40)
    assert all(people)
    assert sum(len(p) for p in people) == round(profiles.MEAN_REASONS * 40)
    assert sum("mental_health" in p for p in people) == round(0.73 * 40)


def test_the_demo_monitoring_report_shows_the_participant_profile(demo, client):
    """What `analytiker` sees at /reports/monitoring/: a table per profile item with shares,
    the reasons with their mean, and the answers in the progression report's groups."""
    client.force_login(User.objects.get(username="analytiker"))
    page = client.get("/reports/monitoring/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Deltagerprofil: Matchgruppe" in html
    assert "Matchgruppe 2 (indsatsparat)" in html
    assert "Deltagerprofil: Begrundelser" in html and "Psykiske funktionsnedsættelser" in html
    assert "I gennemsnit 2,1 pr. deltager med et svar." in html
    assert "Andel" in html and " %" in html
    assert "Med koordineret afklaring" in html  # issue 23: the clarification figures
    assert "Efterværn efter afgang til job eller uddannelse" in html and "Med efterværn" in html
    wheel = Instrument.objects.get(code="adult_wheel")
    grouped = client.get(
        "/reports/progression/", {"instrument": wheel.pk, "group_by": "profile:match_group"}
    ).content.decode()
    assert 'data-testid="grouped-table"' in grouped
    assert "Deltagerprofil: Matchgruppe" in grouped


def test_the_demo_reports_show_the_jobcentres_own_citizens(demo, client):
    """Issue 23 §1: as `analytiker`, the progression and data-quality reports of the group
    'the organisation's own citizens who follow the instrument' hold the jobcentre's measured
    citizens, most of them in no programme, where the group of enrolments holds only the
    enrolled."""
    analyst = User.objects.get(username="analytiker")
    client.force_login(analyst)
    wheel = Instrument.objects.get(code="adult_wheel")
    enrolled = client.get("/reports/progression/", {"instrument": wheel.pk}).context["report"]
    followed = client.get(
        "/reports/progression/", {"instrument": wheel.pk, "group": "follows"}
    ).context["report"]
    assert followed.of_follows and not enrolled.of_follows
    measured = (
        Assessment.objects.filter(
            version__instrument=wheel, citizen__home_organisation=analyst.organisation
        )
        .values("citizen_id")
        .distinct()
        .count()
    )
    assert followed.cohort_size >= 0.9 * measured > 3 * enrolled.cohort_size
    assert followed.with_both >= 0.8 * followed.cohort_size
    quality = client.get("/reports/quality/", {"group": "follows"}).content.decode()
    assert "Borgere, der følger et instrument" in quality


def test_the_demo_reports_show_social_services_the_citizens_shared_with_it(demo, client):
    """Issue 25 §3: as `socialanalytiker`, the progression report of the group "citizens
    whose case another authority shares with us" holds the six citizens Jobcenter Fremby
    shares with Socialforvaltningen Fremby, with figures; its other groups hold none of them
    (they count for the jobcentre)."""
    manager = User.objects.get(username="socialanalytiker")
    client.force_login(manager)
    wheel = Instrument.objects.get(code="adult_wheel")
    query = {"instrument": wheel.pk, "horizon": "latest"}
    page = client.get("/reports/progression/", query | {"group": "shared"})
    assert page.status_code == 200
    report = page.context["report"]
    assert report.cohort_size == 6 and report.with_both >= 5
    assert not report.suppressed and "too_few" not in page.context
    assert 'data-testid="report"' in page.content.decode()
    own = client.get("/reports/progression/", query | {"group": "follows"})
    assert own.status_code == 400  # Socialforvaltningen has no citizens of its own
    opening = client.get("/reports/progression/")
    assert 'value="shared"' in opening.content.decode()


def test_most_demo_plans_have_a_review_and_about_half_record_other_plans(demo, db):
    """Issue 24: plans with review dates, some overdue, and statutory-plan records, where
    priority between the plans is rarely set (seed 002)."""
    today = dt.date.today()
    plans = list(Plan.objects.prefetch_related("statutory_plans"))
    reviews = [p.next_review for p in plans if p.next_review]
    assert len(reviews) >= 0.7 * len(plans)
    overdue = [day for day in reviews if day < today]
    assert 0.05 * len(reviews) <= len(overdue) <= 0.4 * len(reviews)
    recorded = [p for p in plans if p.statutory_plans.all()]
    assert 0.3 * len(plans) <= len(recorded) <= 0.7 * len(plans)
    prioritised = [p for p in recorded if any(s.has_priority for s in p.statutory_plans.all())]
    assert 1 <= len(prioritised) <= 0.4 * len(recorded)
    kinds = {s.kind for p in recorded for s in p.statutory_plans.all()}
    assert kinds == set(StatutoryPlan.Kind.values)
    assert all(s.made_on <= today for p in recorded for s in p.statutory_plans.all())


def test_the_demo_has_graded_case_reviews_that_the_tally_shows(demo, db):
    reviews = CaseReview.objects.all()
    assert reviews.count() >= 20
    assert not reviews.filter(case_number__regex=r"^\d+$").exists()
    assert reviews.exclude(exit_group="").exists()
    tally = case_review_tally(case_reviews_latest(reviews.first().organisation_id))
    assert tally["total"] == reviews.count()
    assert any(isinstance(r["count"], int) and r["count"] > 0 for r in tally["scales"][0]["rows"])
