"""The worklist on arrival ("Mit overblik", `/`): caseworkers see their own citizens overdue
(most overdue first) and due within 14 days, plan reviews due, meetings today and this week,
and what others changed since their previous visit; provider staff their referred citizens by
the next score due; managers the organisation's headline figures with small cells hidden;
administrators the front page of links. Nothing of another organisation, and one access-log
row naming the citizens shown."""

import datetime as dt

import django.test.utils as test_utils
import pytest
from django.db import connection
from django.utils import timezone, translation

from fremdrift.assessments import services as assessment_services
from fremdrift.assessments.models import Assessment, Follow
from fremdrift.assessments.services import AnswerInput
from fremdrift.audit.models import AccessLogEntry
from fremdrift.codelists.models import Code
from fremdrift.instruments.models import Instrument, Respondent
from fremdrift.instruments.models import InstrumentVersion as Version
from fremdrift.pages.worklist import CAP, end_of_week
from fremdrift.plans import services as plan_services
from fremdrift.plans.models import Meeting, Plan
from fremdrift.programmes import services as programme_services
from fremdrift.programmes.models import Enrolment
from fremdrift.referrals import services as referral_services
from fremdrift.reports.privacy import HIDDEN
from fremdrift.testing import make_citizen, make_programme

TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def in_english(client):
    """The page's words are asserted in English, the language switch's second language."""
    client.cookies["django_language"] = "en"


def _wheel():
    return Instrument.objects.get(code="adult_wheel")


def _due(world, citizen, day: dt.date) -> Follow:
    """The citizen follows the wheel, next due on `day`."""
    follow = assessment_services.follow_start(
        actor=world.caseworker,
        citizen=citizen,
        instrument=_wheel(),
        start_date=TODAY - dt.timedelta(days=60),
        every_days=30,
    )
    Follow.objects.filter(pk=follow.pk).update(next_due=day)
    return follow


def _review(world, citizen, day: dt.date) -> Plan:
    plan = plan_services.plan_get_or_create(actor=world.caseworker, citizen=citizen)
    Plan.objects.filter(pk=plan.pk).update(next_review=day)
    return plan


def _meeting(world, citizen, day: dt.date) -> Meeting:
    """A meeting booked on `day` at ten (one in the past booked anyway)."""
    plan = plan_services.plan_get_or_create(actor=world.caseworker, citizen=citizen)
    return plan_services.meeting_book(
        actor=world.caseworker,
        plan=plan,
        kind=Code.objects.get(code_list="meeting_kind", code="follow_up"),
        date=day,
        start_time=dt.time(10, 0),
        end_time=dt.time(11, 0),
        place=f"Jobcentret, lokale {citizen.pk}",
        participants=[],
        confirm=True,
    )


def _section(response, name: str) -> list[int]:
    """The ids of the citizens a section of the worklist shows, in its order."""
    return _section_of(response.context["worklist"], name)


def _section_of(worklist, name: str) -> list[int]:
    rows = getattr(worklist, name).rows
    if name == "meetings":
        return [m.plan.citizen_id for m in rows]
    if name in {"scores", "exits", "ended_referrals"}:
        return [r.citizen_id for r in rows]
    return [c.pk for c in rows]


def _previous_visit(world, login, user, *, days_ago: float):
    """Sign in, then move the sign-in's log rows back: `days_ago` is the previous visit."""
    client = login(user)
    at = timezone.now() - dt.timedelta(days=days_ago)
    # The access log refuses UPDATE; a row written at the time of the previous visit.
    AccessLogEntry.objects.create(user=user, username=user.username, action="list", at=at)
    return client


def test_caseworkers_see_their_overdue_citizens_most_overdue_first_and_those_due_soon(world, login):
    late = make_citizen(world.caseworker, first_name="Late", last_name="A")
    later = make_citizen(world.caseworker, first_name="Later", last_name="B")
    soon = make_citizen(world.caseworker, first_name="Soon", last_name="C")
    today = make_citizen(world.caseworker, first_name="Today", last_name="D")
    far = make_citizen(world.caseworker, first_name="Far", last_name="E")
    teammates = make_citizen(world.colleague, first_name="Team", last_name="F")
    _due(world, late, TODAY - dt.timedelta(days=3))
    _due(world, later, TODAY - dt.timedelta(days=20))
    _due(world, soon, TODAY + dt.timedelta(days=14))
    _due(world, today, TODAY)
    _due(world, far, TODAY + dt.timedelta(days=15))
    _due(world, teammates, TODAY - dt.timedelta(days=40))  # not mine

    response = login(world.caseworker).get("/")

    assert response.status_code == 200
    assert _section(response, "overdue") == [later.pk, late.pk]
    assert _section(response, "due_soon") == [today.pk, soon.pk]
    assert response.context["worklist"].overdue.count == 2
    page = response.content.decode()
    assert "20 days overdue" in page and "Later B" in page
    assert "/citizens/?due=overdue&amp;sort=due&amp;mine=on" in page


def test_each_section_shows_ten_and_counts_all(world, login):
    for n in range(CAP + 2):
        citizen = make_citizen(world.caseworker, first_name=f"N{n:02d}", last_name="Late")
        _due(world, citizen, TODAY - dt.timedelta(days=n + 1))

    worklist = login(world.caseworker).get("/").context["worklist"]

    assert len(worklist.overdue.rows) == CAP and worklist.overdue.count == CAP + 2
    assert worklist.overdue.rows[0].first_name == f"N{CAP + 1:02d}"


def test_plan_reviews_overdue_or_within_14_days(world, login):
    overdue = make_citizen(world.caseworker, first_name="Review", last_name="Overdue")
    soon = make_citizen(world.caseworker, first_name="Review", last_name="Soon")
    later = make_citizen(world.caseworker, first_name="Review", last_name="Later")
    _review(world, overdue, TODAY - dt.timedelta(days=5))
    _review(world, soon, TODAY + dt.timedelta(days=14))
    _review(world, later, TODAY + dt.timedelta(days=15))

    response = login(world.caseworker).get("/")

    assert _section(response, "reviews") == [overdue.pk, soon.pk]
    assert "review was due" in response.content.decode()


def test_meetings_today_and_for_the_rest_of_this_week(world, login):
    week_end = end_of_week(TODAY)
    today = make_citizen(world.caseworker, first_name="Meets", last_name="Today")
    this_week = make_citizen(world.caseworker, first_name="Meets", last_name="Sunday")
    next_week = make_citizen(world.caseworker, first_name="Meets", last_name="Next")
    yesterday = make_citizen(world.caseworker, first_name="Met", last_name="Yesterday")
    _meeting(world, today, TODAY)
    _meeting(world, this_week, week_end)
    _meeting(world, next_week, week_end + dt.timedelta(days=1))
    _meeting(world, yesterday, TODAY - dt.timedelta(days=1))

    response = login(world.caseworker).get("/")

    expected = [today.pk] if week_end == TODAY else [today.pk, this_week.pk]
    assert sorted(_section(response, "meetings")) == sorted(expected)
    assert _section(response, "meetings")[0] == today.pk
    assert "Today" in response.content.decode()


def test_a_user_without_own_citizens_sees_the_organisations(world, login):
    _due(world, world.teammates_citizen, TODAY - dt.timedelta(days=2))

    response = login(world.job_consultant).get("/")

    assert response.context["worklist"].own is False
    assert _section(response, "overdue") == [world.teammates_citizen.pk]


def _provider_score(world, citizen, *, ago: dt.timedelta) -> Assessment:
    """A score by Vækst's staff on the citizen, recorded `ago`."""
    version = _wheel().versions.get(status=Version.Status.PUBLISHED)
    assessment = assessment_services.assessment_record(
        actor=world.provider_staff,
        citizen=citizen,
        version=version,
        date=TODAY,
        respondent=Respondent.PROVIDER,
        status=Assessment.Status.COMPLETED,
        answers={"health_for_work": AnswerInput(value=5)},
    )
    Assessment.objects.filter(pk=assessment.pk).update(created_at=timezone.now() - ago)
    return assessment


def test_changes_since_the_previous_visit(world, login):
    """A provider's score after the previous visit shows, one before it does not; exits and
    ended referrals by others show, with the referral that an exit ended shown once, as the
    exit."""
    before = make_citizen(world.caseworker, first_name="Scored", last_name="Before")
    after = make_citizen(world.caseworker, first_name="Scored", last_name="After")
    exited = make_citizen(world.caseworker, first_name="Exited", last_name="Citizen")
    client = _previous_visit(world, login, world.caseworker, days_ago=2)
    _provider_score(world, before, ago=dt.timedelta(days=3))
    _provider_score(world, after, ago=dt.timedelta(days=1))
    # The caseworker's own score of the world's citizen is no news.
    _provider_score(world, world.citizen, ago=dt.timedelta(days=1))
    Assessment.objects.filter(citizen=world.citizen).update(
        recorded_by_organisation=world.nord, recorded_by=world.caseworker
    )

    programme = make_programme(world.vaekst, name="Forløb Vækst")
    referral_services.referral_create(
        actor=world.caseworker,
        citizen=exited,
        provider=world.vaekst,
        programme=programme,
        start_date=TODAY - dt.timedelta(days=20),
        instrument=_wheel(),
        starting_scores={"health_for_work": 4},
    )
    enrolment = Enrolment.objects.get(citizen=exited)
    referral_services.enrolment_end(
        actor=world.provider_staff,
        enrolment=enrolment,
        expected_version=enrolment.version,
        end_date=TODAY,
        exit_reason=programme_services.exit_reasons_of(programme).first(),
    )
    # Vækst ends the world's citizen's referral; the caseworker ended Herman's themself.
    referral_services.referral_end(actor=world.provider_staff, referral=world.referral)

    response = client.get("/")
    worklist = response.context["worklist"]

    assert worklist.since_visit is True
    assert _section(response, "scores") == [after.pk]
    assert _section(response, "exits") == [exited.pk]
    assert _section(response, "ended_referrals") == [world.citizen.pk]
    assert "Since your last visit" in response.content.decode()


def test_without_a_previous_visit_the_changes_are_of_the_last_14_days(world, login):
    recent = make_citizen(world.caseworker, first_name="Scored", last_name="Recently")
    old = make_citizen(world.caseworker, first_name="Scored", last_name="Long ago")
    _provider_score(world, recent, ago=dt.timedelta(days=13))
    _provider_score(world, old, ago=dt.timedelta(days=15))

    response = login(world.caseworker).get("/")

    assert response.context["worklist"].since_visit is False
    assert _section(response, "scores") == [recent.pk]
    assert "Changes in the last 14 days" in response.content.decode()


def test_a_reload_keeps_the_changes_of_this_visit(world, login):
    after = make_citizen(world.caseworker, first_name="Scored", last_name="After")
    client = _previous_visit(world, login, world.caseworker, days_ago=2)
    _provider_score(world, after, ago=dt.timedelta(days=1))

    client.get("/")
    assert _section(client.get("/"), "scores") == [after.pk]


def test_it_checks_ownership(world, login):
    """Another organisation's citizens never appear, however overdue or changed."""
    _due(world, world.foreign_citizen, TODAY - dt.timedelta(days=30))
    _review(world, world.foreign_citizen, TODAY)
    _meeting(world, world.foreign_citizen, TODAY)
    _provider_score(world, world.foreign_citizen, ago=dt.timedelta(days=1))

    for user in (world.caseworker, world.job_consultant, world.provider_staff):
        response = login(user).get("/")
        assert "Johannes" not in response.content.decode(), user
    worklist = login(world.caseworker).get("/").context["worklist"]
    for section in ("overdue", "due_soon", "reviews", "meetings", "scores"):
        assert world.foreign_citizen.pk not in _section_of(worklist, section)
    # The outsider sees their own citizen.
    assert "Johannes" in login(world.outsider).get("/").content.decode()


def test_one_access_log_row_names_the_citizens_shown(world, login):
    late = make_citizen(world.caseworker, first_name="Late", last_name="A")
    _due(world, late, TODAY - dt.timedelta(days=3))
    _meeting(world, world.citizen, TODAY)
    client = login(world.caseworker)
    before = AccessLogEntry.objects.count()

    client.get("/")

    assert AccessLogEntry.objects.count() == before + 1
    entry = AccessLogEntry.objects.order_by("-id").first()
    assert entry.user == world.caseworker and entry.path == "/" and entry.action == "list"
    assert set(entry.subjects.values_list("citizen_id", flat=True)) == {late.pk, world.citizen.pk}


def _queries(client) -> int:
    with test_utils.CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_the_citizens(world, login, django_assert_num_queries):
    def more(n):
        for i in range(n):
            citizen = make_citizen(world.caseworker, first_name=f"C{i}", last_name=f"N{n}")
            _due(world, citizen, TODAY - dt.timedelta(days=i + 1))
            _review(world, citizen, TODAY + dt.timedelta(days=i))
            _meeting(world, citizen, TODAY)
            _provider_score(world, citizen, ago=dt.timedelta(hours=1))

    client = login(world.caseworker)
    more(2)
    few = _queries(client)
    more(12)
    with django_assert_num_queries(few):
        client.get("/")
    assert few == 19


def test_provider_staff_see_their_referrals_overdue_first(world, login):
    wheel = _wheel()
    programme = make_programme(world.vaekst, name="KVIK Vækst")
    made = {}
    for name, started, every in [
        ("Soon", 5, 14),  # due in 9 days
        ("Late", 30, 14),  # due 16 days ago
        ("Later", 40, 14),  # due 26 days ago
        ("Never", 10, None),  # no cadence
    ]:
        citizen = make_citizen(world.caseworker, first_name=name, last_name="Referred")
        referral_services.referral_create(
            actor=world.caseworker,
            citizen=citizen,
            provider=world.vaekst,
            programme=programme,
            start_date=TODAY - dt.timedelta(days=started),
            instrument=wheel,
            interval_days=every,
            starting_scores={"health_for_work": 4},
        )
        made[name] = citizen

    response = login(world.provider_staff).get("/")

    rows = response.context["worklist"].referrals.rows
    order = [r.citizen_id for r in rows if r.programme_id == programme.pk]
    assert order == [made[n].pk for n in ("Later", "Late", "Soon", "Never")]
    assert response.context["worklist"].overdue == 2
    page = response.content.decode()
    assert f'href="/programmes/{programme.pk}/"' in page
    assert "Johannes" not in page
    # Trivsel's staff have nobody referred.
    other = login(world.other_provider_staff).get("/")
    assert other.context["worklist"].referrals.count == 0
    assert "No citizen is referred" in other.content.decode()


def test_managers_land_on_headline_figures_with_small_cells_hidden(world, login):
    """Three enrolments of three citizens: "<5", never the count."""
    programme = make_programme(world.nord, name="Nords forløb")
    for citizen in (world.citizen, world.teammates_citizen, world.ended_citizen):
        programme_services.enrolment_create(
            actor=world.caseworker,
            citizen=citizen,
            programme=programme,
            start_date=TODAY - dt.timedelta(days=10),
        )
    response = login(world.manager).get("/")

    assert response.status_code == 200
    headlines = response.context["headlines"]
    assert headlines.active_enrolments == HIDDEN
    page = response.content.decode()
    assert "/reports/monitoring/" in page and "/reports/progression/" in page
    assert "/reports/quality/" in page
    assert "Karen" not in page and "Blixen" not in page


def test_managers_see_the_count_of_five_citizens_or_more(world, login):
    programme = make_programme(world.nord, name="Nords forløb")
    for n in range(6):
        citizen = make_citizen(world.caseworker, first_name=f"E{n}", last_name="Enrolled")
        programme_services.enrolment_create(
            actor=world.caseworker,
            citizen=citizen,
            programme=programme,
            start_date=TODAY - dt.timedelta(days=10),
        )

    headlines = login(world.manager).get("/").context["headlines"]

    assert headlines.active_enrolments == 6


def test_administrators_keep_the_front_page(world, login):
    response = login(world.administrator).get("/")

    assert response.status_code == 200
    assert "core/home.html" in [t.name for t in response.templates]
    assert 'data-testid="overview-menu"' not in response.content.decode()


def test_the_overview_is_the_first_menu_item_for_the_roles_that_have_it(world, login):
    for user in (world.caseworker, world.provider_staff, world.manager, world.job_consultant):
        page = login(user).get("/citizens/" if user != world.manager else "/reports/")
        html = page.content.decode()
        menu = html[html.index('class="mainmenu"') :]
        assert menu.index('data-testid="overview-menu"') < menu.index("</li>"), user


def test_the_caseload_is_still_at_citizens(world, login):
    assert login(world.caseworker).get("/citizens/").status_code == 200
