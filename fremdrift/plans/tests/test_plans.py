import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fremdrift.assessments.services import AnswerInput, assessment_record
from fremdrift.citizens import selectors as citizen_selectors
from fremdrift.codelists.models import Code
from fremdrift.instruments.models import Instrument
from fremdrift.plans import selectors, services
from fremdrift.plans.models import Activity, Goal, GoalEvent


def code(code_list, value, parent=None):
    codes = Code.objects.filter(code_list=code_list, code=value)
    if parent:
        codes = codes.filter(parent__code=parent)
    return codes.first()


@pytest.fixture
def plan(world):
    return services.plan_get_or_create(actor=world.caseworker, citizen=world.citizen)


@pytest.fixture
def end_goal(world, plan):
    return services.goal_create(
        actor=world.caseworker,
        plan=plan,
        text="Jeg vil have et job i et køkken",
        is_end_goal=True,
        category=code("end_goal_category", "job"),
    )


def sub_goal(world, plan, end_goal, text="Møde til tiden tre dage om ugen", **extra):
    return services.goal_create(
        actor=world.caseworker,
        plan=plan,
        text=text,
        parent=end_goal,
        supported_by="mentor",
        **extra,
    )


def test_every_change_makes_exactly_one_event_and_replay_equals_the_goal(world, plan, end_goal):
    goal = sub_goal(world, plan, end_goal)
    assert goal.events.count() == 1
    steps = [
        {"reason": "new_information", "target_date": dt.date(2026, 6, 1)},
        {"reason": "relapse", "status": "not_achieved", "note": "Indlagt i to uger"},
        {
            "reason": "situation_changed",
            "status": "active",
            "text": "Møde til tiden to dage om ugen",
        },
        {"reason": "achieved", "status": "achieved"},
    ]
    for number, step in enumerate(steps, start=2):
        goal = services.goal_change(
            actor=world.colleague, goal=goal, expected_version=goal.version, **step
        )
        assert goal.events.count() == number
        assert goal.events.latest("id").reason == step["reason"]
    state = selectors.replay(goal.events.order_by("at", "id"))
    assert state["text"] == goal.text == "Møde til tiden to dage om ugen"
    assert state["status"] == goal.status == "achieved"
    assert state["target_date"] == str(goal.target_date)
    assert state["supported_by"] == goal.supported_by
    assert state["category"] == goal.category_id


def test_a_status_change_needs_a_reason_and_nothing_is_saved_without(world, plan, end_goal):
    goal = sub_goal(world, plan, end_goal)
    with pytest.raises(ValidationError) as error:
        services.goal_change(
            actor=world.caseworker, goal=goal, expected_version=1, reason="", status="achieved"
        )
    assert "reason" in error.value.message_dict
    goal.refresh_from_db()
    assert goal.status == "active" and goal.events.count() == 1 and goal.version == 1


def test_a_change_that_changes_nothing_is_refused(world, plan, end_goal):
    with pytest.raises(ValidationError):
        services.goal_change(
            actor=world.caseworker,
            goal=end_goal,
            expected_version=1,
            reason="other",
            text=end_goal.text,
        )


def test_a_sub_goal_hangs_under_an_end_goal_of_its_plan_or_stands_alone(world, plan, end_goal):
    other_plan = services.plan_get_or_create(actor=world.caseworker, citizen=world.ended_citizen)
    with pytest.raises(ValidationError):
        services.goal_create(actor=world.caseworker, plan=other_plan, text="x", parent=end_goal)
    sub = sub_goal(world, plan, end_goal)
    with pytest.raises(ValidationError):  # a sub-goal cannot hold sub-goals
        services.goal_create(actor=world.caseworker, plan=plan, text="x", parent=sub)
    with pytest.raises(ValidationError) as error:  # nor an end goal hang under one
        services.goal_create(
            actor=world.caseworker,
            plan=plan,
            text="x",
            parent=end_goal,
            is_end_goal=True,
            category=code("end_goal_category", "job"),
        )
    assert "parent" in error.value.message_dict
    assert Goal.objects.count() == 2
    # A plan may hold steps before it has an end goal: no parent, no category needed.
    alone = services.goal_create(actor=world.caseworker, plan=plan, text="Møde op hver mandag")
    assert (alone.is_end_goal, alone.parent_id, alone.category_id) == (False, None, None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.filter(pk=sub.pk).update(is_end_goal=True)  # the database holds the rule


def test_goal_attainment_scaling_levels_and_follow_up(world, plan, end_goal):
    levels = {
        "-2": "Kommer ikke",
        "-1": "1 dag om ugen",
        "0": "2 dage",
        "1": "3 dage",
        "2": "4 dage",
    }
    with pytest.raises(ValidationError):
        sub_goal(world, plan, end_goal, gas_levels={"0": "2 dage"}, gas_baseline=-1)
    goal = sub_goal(world, plan, end_goal, gas_levels=levels, gas_baseline=-1)
    goal = services.goal_change(
        actor=world.caseworker, goal=goal, expected_version=1, reason="follow_up", gas_level=1
    )
    assert goal.events.latest("id").changes == {"gas_level": 1}
    assert selectors.replay(goal.events.all())["gas_level"] == 1
    with pytest.raises(ValidationError):
        services.goal_change(
            actor=world.caseworker, goal=goal, expected_version=2, reason="follow_up", gas_level=3
        )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_date": dt.date(2026, 1, 1)}, "end_date"),
        ({"weekly_hours": "49"}, "weekly_hours"),
        ({"weekly_hours": "-1"}, "weekly_hours"),
        ({"weekly_hours": "mange"}, "weekly_hours"),
        ({"kind": "addiction_treatment"}, "kind"),  # a health type in the employment sector
        ({"purpose": " "}, "purpose"),
    ],
)
def test_bad_activities_name_the_field_and_save_nothing(world, plan, overrides, field):
    data = {
        "sector": code("activity_sector", "employment"),
        "kind": code("activity_type", "internship_single", "employment"),
        "purpose": "Afprøve køkkenarbejde",
        "start_date": dt.date(2026, 2, 1),
        "weekly_hours": "12",
    }
    if "kind" in overrides:
        overrides = {"kind": code("activity_type", overrides["kind"], "health")}
    data.update(overrides)
    with pytest.raises(ValidationError) as error:
        services.activity_create(actor=world.caseworker, plan=plan, **data)
    assert field in error.value.message_dict
    assert not Activity.objects.exists()


def test_stale_goal_form_is_refused_and_shows_the_new_version(world, login, plan, end_goal):
    url = reverse("plans:goal_change", args=[world.citizen.pk, end_goal.pk])
    prefix = f"goal{end_goal.pk}"
    form = {f"{prefix}-version": "1", f"{prefix}-status": "active", f"{prefix}-reason": "other"}
    first = login(world.colleague).post(url, {**form, f"{prefix}-text": "Job i et storkøkken"})
    assert first.status_code == 302
    second = login(world.caseworker).post(url, {**form, f"{prefix}-text": "Job på et hotel"})
    assert second.status_code == 409
    html = second.content.decode()
    assert 'data-testid="stale-warning"' in html and "Job i et storkøkken" in html
    end_goal.refresh_from_db()
    assert end_goal.text == "Job i et storkøkken" and end_goal.events.count() == 2


def make_history(world, plan, end_goal, years=5):
    """Five years of a citizen's life: goals, activities, meetings, mentors, assessments."""
    version = Instrument.objects.get(code="adult_wheel").versions.get(status="published")
    start = dt.date.today() - dt.timedelta(days=365 * years)
    meeting_kind = code("meeting_kind", "follow_up")
    role = code("participant_role", "doctor")
    for month in range(0, 12 * years, 2):
        day = start + dt.timedelta(days=30 * month)
        assessment_record(
            actor=world.caseworker,
            citizen=world.citizen,
            version=version,
            date=day,
            respondent="joint",
            status="completed",
            answers={"health_for_work": AnswerInput(value=1 + month % 10)},
        )
        services.meeting_record(
            actor=world.caseworker,
            plan=plan,
            kind=meeting_kind,
            date=day,
            citizen_attended=month % 3 > 0,
            participants=[{"role": role}],
        )
        goal = sub_goal(world, plan, end_goal, text=f"Delmål {month}")
        services.goal_change(
            actor=world.caseworker,
            goal=goal,
            expected_version=1,
            reason="achieved",
            status="achieved",
        )
        services.activity_create(
            actor=world.caseworker,
            plan=plan,
            sector=code("activity_sector", "health"),
            kind=code("activity_type", "physiotherapy", "health"),
            purpose=f"Træning {month}",
            start_date=day,
            end_date=day + dt.timedelta(days=20),
            result="partly",
            next_step="Fortsæt",
        )
    services.mentor_assign(
        actor=world.caseworker,
        plan=plan,
        kind=code("mentor_kind", "social"),
        name="Lone Mentor",
        start_date=start,
    )


def test_the_timeline_query_count_does_not_grow_with_history(world, login, plan, end_goal):
    client = login(world.caseworker)
    url = reverse("plans:timeline", args=[world.citizen.pk])
    make_history(world, plan, end_goal, years=1)
    with CaptureQueriesContext(connection) as short:
        response = client.get(url)
    assert response.status_code == 200
    make_history(world, plan, end_goal, years=5)
    with CaptureQueriesContext(connection) as long:
        response = client.get(url)
    assert len(long) == len(short)
    page = response.content.decode()
    assert page.count('data-kind="assessment"') == 36
    assert page.count('data-kind="activity"') == 36
    # Newest first, and filters narrow it down.
    kinds = client.get(url, {"type": "meeting"}).content.decode()
    assert 'data-kind="meeting"' in kinds and 'data-kind="activity"' not in kinds
    social = client.get(url, {"sector": "social"}).content.decode()
    assert 'data-kind="activity"' not in social
    health = client.get(url, {"sector": "health"}).content.decode()
    assert health.count('data-kind="activity"') == 36


def test_the_plan_page_query_count_does_not_grow(world, login, plan, end_goal):
    client = login(world.caseworker)
    url = reverse("plans:plan", args=[world.citizen.pk])
    make_history(world, plan, end_goal, years=1)
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    make_history(world, plan, end_goal, years=2)
    with CaptureQueriesContext(connection) as long:
        client.get(url)
    assert len(long) == len(short)


def test_the_citizen_report_has_no_cpr_number_and_no_internal_notes(world, login, plan, end_goal):
    services.meeting_record(
        actor=world.caseworker,
        plan=plan,
        kind=code("meeting_kind", "start_meeting"),
        date=dt.date.today(),
        citizen_attended=True,
        notes="INTERN: mistanke om misbrug",
        notes_internal=True,
    )
    sub_goal(world, plan, end_goal)
    html = (
        login(world.caseworker)
        .get(reverse("plans:report", args=[world.citizen.pk]))
        .content.decode()
    )
    cpr = citizen_selectors.citizen_cpr(world.citizen)
    assert cpr.digits not in html and cpr.formatted not in html and cpr.masked not in html
    assert "INTERN" not in html
    assert "Jeg vil have et job i et køkken" in html and "Møde til tiden" in html


ROLES = [
    "caseworker",
    "colleague",
    "outsider",
    "provider_staff",
    "other_provider_staff",
    "job_consultant",
    "manager",
    "administrator",
]
SEES = {"caseworker", "colleague", "provider_staff", "job_consultant"}
CHANGES = {"caseworker", "colleague", "provider_staff"}
COMPANY_PART = {"plans:activity_create", "plans:meeting_create"}


@pytest.mark.parametrize("role", ROLES)
def test_plan_timeline_and_report_follow_the_access_matrix(world, login, role, plan, end_goal):
    client = login(getattr(world, role))
    c = world.citizen.pk
    for name in ("plans:plan", "plans:timeline", "plans:report"):
        # A manager reads the red thread only in a case review, by its review number
        # (test_case_review.py), never by id, and nothing else of the case.
        sees = role in SEES
        assert client.get(reverse(name, args=[c])).status_code == (200 if sees else 404), name
    expected = 302 if role in CHANGES else 403 if role in SEES else 404
    goal = client.post(
        reverse("plans:goal_create", args=[c]), {"text": "Delmål", "parent": end_goal.pk}
    )
    assert goal.status_code == expected
    assert Goal.objects.filter(text="Delmål").exists() == (role in CHANGES)
    # A job consultant records the plan's company part (company-oriented activities and
    # meetings about the job goal), nothing else of it.
    company_part = CHANGES | {"job_consultant"}
    for name in (
        "plans:activity_create",
        "plans:meeting_create",
        "plans:mentor_create",
        "plans:update",
    ):
        may = role in (company_part if name in COMPANY_PART else CHANGES)
        response = client.post(reverse(name, args=[c]), {})
        assert response.status_code in ((400,) if may else (expected,)), name
    # Another citizen's goal is never reachable through this citizen's plan.
    other = services.plan_get_or_create(actor=world.outsider, citizen=world.foreign_citizen)
    foreign_goal = services.goal_create(
        actor=world.outsider,
        plan=other,
        text="x",
        is_end_goal=True,
        category=code("end_goal_category", "job"),
    )
    response = client.post(reverse("plans:goal_change", args=[c, foreign_goal.pk]), {})
    assert response.status_code in (404, 403)
    assert GoalEvent.objects.filter(goal=foreign_goal).count() == 1


def test_an_activity_is_followed_up_with_its_result_and_new_hours(world, login, plan):
    activity = services.activity_create(
        actor=world.caseworker,
        plan=plan,
        sector=code("activity_sector", "employment"),
        kind=code("activity_type", "wage_subsidy", "employment"),
        purpose="Løntilskud i Netto",
        start_date=dt.date(2026, 2, 1),
        weekly_hours="15",
        company_mentor=True,
    )
    client = login(world.caseworker)
    url = reverse("plans:activity_follow_up", args=[world.citizen.pk, activity.pk])
    assert 'name="activity' in client.get(url).content.decode()
    prefix = f"activity{activity.pk}"
    bad = client.post(
        url,
        {
            f"{prefix}-version": "1",
            f"{prefix}-hours": "60",
            f"{prefix}-hours_from": "2026-04-01",
            f"{prefix}-result": "partly",
        },
    )
    assert bad.status_code == 400 and "hours" in bad.context["follow_up_forms"][activity.pk].errors
    activity.refresh_from_db()
    assert activity.result == "" and activity.version == 1  # nothing half-saved
    ok = client.post(
        url,
        {
            f"{prefix}-version": "1",
            f"{prefix}-hours": "22,5",
            f"{prefix}-hours_from": "2026-04-01",
            f"{prefix}-result": "succeeded",
            f"{prefix}-next_step": "Ordinære timer",
        },
    )
    assert ok.status_code == 302
    activity.refresh_from_db()
    assert (activity.result, activity.next_step) == ("succeeded", "Ordinære timer")
    assert [str(h.weekly_hours) for h in activity.hours_changes.all()] == ["22.5"]
    assert str(activity.weekly_hours) == "15.0"
    stale = client.post(url, {f"{prefix}-version": "1", f"{prefix}-result": "failed"})
    assert stale.status_code == 409


def test_a_meeting_holds_an_assessment_and_the_plan_changes_made_in_it(
    world, login, plan, end_goal
):
    version = Instrument.objects.get(code="adult_wheel").versions.get(status="published")
    assessment = assessment_record(
        actor=world.caseworker,
        citizen=world.citizen,
        version=version,
        date=dt.date.today(),
        respondent="joint",
        status="completed",
        answers={"health_for_work": AnswerInput(value=4)},
    )
    client = login(world.caseworker)
    response = client.post(
        reverse("plans:meeting_create", args=[world.citizen.pk]),
        {
            "kind": code("meeting_kind", "follow_up").pk,
            "date": dt.date.today().isoformat(),
            "citizen_attended": "on",
            "assessment": assessment.pk,
            "participant_roles": [code("participant_role", "doctor").pk],
        },
    )
    assert response.status_code == 302
    meeting = plan.meetings.get()
    assert meeting.assessment == assessment
    assert {p.role.code for p in meeting.participants.all()} == {"doctor", "employment_caseworker"}
    prefix = f"goal{end_goal.pk}"
    changed = client.post(
        reverse("plans:goal_change", args=[world.citizen.pk, end_goal.pk]),
        {
            f"{prefix}-version": "1",
            f"{prefix}-text": "Job i et storkøkken",
            f"{prefix}-status": "active",
            f"{prefix}-reason": "new_information",
            f"{prefix}-meeting": meeting.pk,
        },
    )
    assert changed.status_code == 302
    assert end_goal.events.latest("id").meeting == meeting
    page = client.get(reverse("plans:plan", args=[world.citizen.pk])).content.decode()
    assert "1 ændring i planen" in page
    other_plan = services.plan_get_or_create(actor=world.caseworker, citizen=world.ended_citizen)
    foreign_meeting = services.meeting_record(
        actor=world.caseworker,
        plan=other_plan,
        kind=code("meeting_kind", "follow_up"),
        date=dt.date.today(),
        citizen_attended=True,
    )
    with pytest.raises(ValidationError):
        services.goal_change(
            actor=world.caseworker,
            goal=end_goal,
            expected_version=2,
            reason="other",
            text="x",
            meeting=foreign_meeting,
        )
    foreign_assessment = assessment_record(
        actor=world.caseworker,
        citizen=world.ended_citizen,
        version=version,
        date=dt.date.today(),
        respondent="joint",
        status="completed",
        answers={"health_for_work": AnswerInput(value=4)},
    )
    with pytest.raises(ValidationError):
        services.meeting_record(
            actor=world.caseworker,
            plan=plan,
            kind=code("meeting_kind", "follow_up"),
            date=dt.date.today(),
            citizen_attended=True,
            assessment=foreign_assessment,
        )


def test_a_mentor_is_a_user_or_a_named_person_with_tasks(world, login, plan):
    client = login(world.caseworker)
    url = reverse("plans:mentor_create", args=[world.citizen.pk])
    base = {
        "kind": code("mentor_kind", "coordinator").pk,
        "start_date": "2026-03-01",
        "tasks": [code("mentor_task", "goal_setting").pk],
    }
    nobody = client.post(url, base)
    assert nobody.status_code == 400 and "name" in nobody.context["mentor_form"].errors
    assert client.post(url, {**base, "user": world.colleague.pk}).status_code == 302
    assert (
        client.post(url, {**base, "name": "Lone Frivillig", "end_date": "2026-02-01"}).status_code
        == 400
    )  # ends before start
    assert client.post(url, {**base, "user": world.outsider.pk}).status_code == 400  # not ours
    [mentor] = plan.mentors.all()
    assert mentor.user == world.colleague and mentor.name == "Colleague Testsen"
    assert [t.code for t in mentor.tasks.all()] == ["goal_setting"]


def test_the_report_draws_the_sub_goals_as_steps_towards_the_end_goal(world, login, plan, end_goal):
    reached = sub_goal(world, plan, end_goal, text="Stå op klokken syv")
    sub_goal(world, plan, end_goal, text="Møde til tiden")
    dropped = sub_goal(world, plan, end_goal, text="Tage kørekort")
    for goal, status in ((reached, "achieved"), (dropped, "dropped")):
        services.goal_change(
            actor=world.caseworker,
            goal=goal,
            expected_version=goal.version,
            status=status,
            reason="achieved" if status == "achieved" else "situation_changed",
        )
    html = login(world.caseworker).get(reverse("plans:report", args=[world.citizen.pk]))
    html = html.content.decode()
    start = html.index('data-testid="goal-road"')
    road = html[start : html.index("</ol>", start)]
    steps = road.split('class="road-step')[1:]
    assert [("road-done" in s, "Stå op" in s, "Møde til" in s) for s in steps[:2]] == [
        (True, True, False),
        (False, False, True),
    ]
    assert "Tage kørekort" not in road
    assert "road-goal" in steps[-1] and "Jeg vil have et job" in steps[-1]


def test_the_day_the_plan_was_made_is_kept_on_the_page_and_in_the_api(
    world, login, plan, client, bearer
):
    page = login(world.caseworker)
    made = page.post(
        reverse("plans:update", args=[world.citizen.pk]),
        {"own_effort": "", "citizen_comments": "", "made_on": "2026-01-12", "version": 1},
    )
    assert made.status_code == 302
    plan.refresh_from_db()
    assert plan.made_on == dt.date(2026, 1, 12)
    shown = page.get(reverse("plans:plan", args=[world.citizen.pk])).content.decode()
    assert 'data-testid="plan-made-on"' in shown and "12.01.2026" in shown
    future = page.post(
        reverse("plans:update", args=[world.citizen.pk]),
        {
            "own_effort": "Ny indsats",
            "citizen_comments": "",
            "made_on": (dt.date.today() + dt.timedelta(days=1)).isoformat(),
            "version": plan.version,
        },
    )
    assert 'id="id_made_on-error"' in future.content.decode()
    plan.refresh_from_db()
    assert (plan.made_on, plan.own_effort) == (dt.date(2026, 1, 12), "")
    api = client.get(f"/api/v1/plans/{plan.pk}", **bearer(world.caseworker))
    assert api.json()["made_on"] == "2026-01-12"
