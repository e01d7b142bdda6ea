"""The read resources of the API beyond citizens: assessments, the plan (plans, goals, goal
events, activities, meetings, mentors), programmes, enrolments and referrals. Each follows the
case through `citizens_in_scope` (404 out of scope, never listed), writes the access log,
pages as citizens do, and reads in a number of queries that does not grow with the data."""

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fremdrift.assessments.models import Assessment
from fremdrift.assessments.services import AnswerInput, assessment_record
from fremdrift.audit.models import AccessLogEntry, AccessLogSubject
from fremdrift.citizens import selectors as citizen_selectors
from fremdrift.citizens.tests.test_access import CITIZENS, ROLES, VISIBLE
from fremdrift.codelists.models import Code
from fremdrift.instruments.models import Instrument
from fremdrift.plans import services as plan_services
from fremdrift.plans.models import Activity, Goal, GoalEvent, Meeting, Mentor, Plan
from fremdrift.programmes import services as programme_services
from fremdrift.programmes.models import Enrolment, Programme
from fremdrift.referrals import services as referral_services
from fremdrift.referrals.models import Referral
from fremdrift.testing import make_programme

API = "/api/v1"


def code(code_list, value, parent=None):
    codes = Code.objects.filter(code_list=code_list, code=value)
    if parent:
        codes = codes.filter(parent__code=parent)
    return codes.get()


# Who records each citizen's case: their responsible caseworker.
OWNER = {
    "citizen": "caseworker",
    "teammates_citizen": "colleague",
    "ended_citizen": "caseworker",
    "foreign_citizen": "outsider",
}


@dataclass
class Made:
    """One object made for the matrix: whose it is, and whether a provider that sees the
    citizen sees it too (assessments are never shared; referrals and enrolments only the
    provider's own)."""

    citizen: str
    obj: object
    shared_with_provider: bool = True


def make_case(world, name: str, *, day: dt.date | None = None) -> SimpleNamespace:
    """A plan with an end goal and a sub-goal (three events), an activity with a change of
    hours, a meeting with a participant, a mentor, who does what, another plan (a § 141
    action plan with priority) and an assessment, for one citizen."""
    actor = getattr(world, OWNER[name])
    citizen = getattr(world, name)
    day = day or dt.date.today() - dt.timedelta(days=10)
    plan = plan_services.plan_get_or_create(actor=actor, citizen=citizen)
    end_goal = plan_services.goal_create(
        actor=actor,
        plan=plan,
        text="Jeg vil have et job i et køkken",
        is_end_goal=True,
        category=code("end_goal_category", "job"),
    )
    sub_goal = plan_services.goal_create(
        actor=actor, plan=plan, text="Møde til tiden", parent=end_goal, supported_by="mentor"
    )
    sub_goal = plan_services.goal_change(
        actor=actor,
        goal=sub_goal,
        expected_version=sub_goal.version,
        reason="new_information",
        target_date=day + dt.timedelta(days=60),
    )
    activity = plan_services.activity_create(
        actor=actor,
        plan=plan,
        goals=[sub_goal],
        sector=code("activity_sector", "employment"),
        kind=code("activity_type", "wage_subsidy", "employment"),
        purpose="Løntilskud i Netto",
        start_date=day,
        weekly_hours="15",
    )
    plan_services.activity_hours_change(
        actor=actor, activity=activity, from_date=day + dt.timedelta(days=5), weekly_hours="20"
    )
    meeting = plan_services.meeting_record(
        actor=actor,
        plan=plan,
        kind=code("meeting_kind", "start_meeting"),
        date=day,
        citizen_attended=True,
        notes="INTERN: bekymret for søvnen",
        notes_internal=True,
        participants=[{"role": code("participant_role", "employment_caseworker"), "user": actor}],
    )
    mentor = plan_services.mentor_assign(
        actor=actor,
        plan=plan,
        kind=code("mentor_kind", "social"),
        name="Lone Mentor",
        start_date=day,
        tasks=[code("mentor_task", "goal_setting")],
    )
    plan_role = plan_services.plan_role_assign(
        actor=actor,
        plan=plan,
        role=code("participant_role", "doctor"),
        name="Dr. Hansen",
        task="Vurderer skånehensyn før praktikken",
    )
    statutory_plan = plan_services.statutory_plan_add(
        actor=actor,
        plan=plan,
        kind="action_plan_141",
        made_on=day,
        has_priority=True,
    )
    assessment = assessment_record(
        actor=actor,
        citizen=citizen,
        version=Instrument.objects.get(code="adult_wheel").versions.get(status="published"),
        date=day,
        respondent="joint",
        status="completed",
        answers={"health_for_work": AnswerInput(value=6)},
    )
    return SimpleNamespace(
        plan=plan,
        goals=[end_goal, sub_goal],
        events=list(GoalEvent.objects.filter(goal__plan=plan).order_by("id")),
        activity=activity,
        meeting=meeting,
        mentor=mentor,
        plan_role=plan_role,
        statutory_plan=statutory_plan,
        assessment=assessment,
    )


@pytest.fixture
def cases(world):
    """Every citizen of the world with a whole case; programmes of every organisation;
    enrolments in Vækst's programme; referrals to Vækst (only `citizen`'s are active)."""
    made = {name: make_case(world, name) for name in CITIZENS}
    world.programmes = {
        org: make_programme(getattr(world, org), name=f"Forløb {org}")
        for org in ("nord", "syd", "vaekst", "trivsel")
    }
    vaekst = world.programmes["vaekst"]
    start = dt.date.today() - dt.timedelta(days=20)
    # A referral to Vækst's programme with focus items: it enrols `citizen` in it.
    world.programme_referral = referral_services.referral_create(
        actor=world.caseworker,
        citizen=world.citizen,
        programme=vaekst,
        instrument=Instrument.objects.get(code="adult_wheel"),
        start_date=start,
        interval_days=14,
        starting_scores={"health_for_work": "4", "everyday_energy": "3"},
    )
    enrolments = [
        Made("citizen", Enrolment.objects.get(citizen=world.citizen, programme=vaekst)),
        # The authority's own programme: provider staff of Vækst must not see this one.
        Made(
            "citizen",
            programme_services.enrolment_create(
                actor=world.caseworker,
                citizen=world.citizen,
                programme=world.programmes["nord"],
                start_date=start,
            ),
            shared_with_provider=False,
        ),
    ]
    for name in ("teammates_citizen", "ended_citizen", "foreign_citizen"):
        enrolments.append(
            Made(
                name,
                programme_services.enrolment_create(
                    actor=getattr(world, OWNER[name]),
                    citizen=getattr(world, name),
                    programme=vaekst,
                    start_date=start,
                ),
            )
        )
    # Ended referrals: Vækst's staff must not read `citizen`'s ended one to Trivsel.
    for name, provider in (
        ("teammates_citizen", world.vaekst),
        ("foreign_citizen", world.vaekst),
        ("citizen", world.trivsel),
    ):
        ended = referral_services.referral_create(
            actor=getattr(world, OWNER[name]),
            citizen=getattr(world, name),
            provider=provider,
            start_date=start,
        )
        referral_services.referral_end(actor=getattr(world, OWNER[name]), referral=ended)
    # Provider staff read only their organisation's active referrals.
    referrals = [
        Made(_name_of(world, r.citizen_id), r, r.status == Referral.Status.ACTIVE)
        for r in Referral.objects.all()
    ]
    world.made = {
        "assessments": [Made(n, c.assessment, shared_with_provider=False) for n, c in made.items()]
        + [
            Made(
                "citizen",
                world.programme_referral.starting_assessment,
                shared_with_provider=False,
            )
        ],
        "plans": [Made(n, c.plan) for n, c in made.items()],
        "goals": [Made(n, g) for n, c in made.items() for g in c.goals],
        "goal-events": [Made(n, e) for n, c in made.items() for e in c.events],
        "activities": [Made(n, c.activity) for n, c in made.items()],
        "meetings": [Made(n, c.meeting) for n, c in made.items()],
        "mentors": [Made(n, c.mentor) for n, c in made.items()],
        "enrolments": enrolments,
        "referrals": referrals,
    }
    world.cases = made
    return world


def _name_of(world, citizen_id: int) -> str:
    return next(n for n in CITIZENS if getattr(world, n).pk == citizen_id)


RESOURCES = [
    "assessments",
    "plans",
    "goals",
    "goal-events",
    "activities",
    "meetings",
    "mentors",
    "enrolments",
    "referrals",
]


def sees(role: str, entry: Made) -> bool:
    if entry.citizen not in VISIBLE[role]:
        return False
    return role != "provider_staff" or entry.shared_with_provider


def all_items(client, url, headers, **params) -> list[dict]:
    items, page = [], 1
    while True:
        body = client.get(url, {**params, "page": page}, **headers).json()
        items += body["items"]
        if body["page"] >= body["pages"]:
            return items
        page += 1


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("role", ROLES)
def test_every_resource_follows_the_access_matrix(cases, client, bearer, role, resource):
    world = cases
    headers = bearer(getattr(world, role))
    made = world.made[resource]
    listed = client.get(f"{API}/{resource}", **headers)
    assert listed.status_code == 200
    ids = {item["id"] for item in listed.json()["items"]}
    assert ids == {m.obj.pk for m in made if sees(role, m)}
    for entry in made:
        response = client.get(f"{API}/{resource}/{entry.obj.pk}", **headers)
        assert response.status_code == (200 if sees(role, entry) else 404), (entry.citizen, role)
        if response.status_code == 200:
            assert response.json()["id"] == entry.obj.pk
            assert response.json()["citizen_id"] == getattr(world, entry.citizen).pk


@pytest.mark.parametrize("role", ROLES)
def test_the_events_of_a_goal_follow_the_access_matrix(cases, client, bearer, role):
    world = cases
    headers = bearer(getattr(world, role))
    for name in CITIZENS:
        for goal in world.cases[name].goals:
            response = client.get(f"{API}/goals/{goal.pk}/events", **headers)
            assert response.status_code == (200 if name in VISIBLE[role] else 404), name
            if response.status_code == 200:
                events = [e["id"] for e in response.json()["items"]]
                assert events == list(goal.events.order_by("id").values_list("pk", flat=True))
            by_filter = client.get(f"{API}/goal-events", {"goal_id": goal.pk}, **headers)
            assert bool(by_filter.json()["items"]) == (name in VISIBLE[role])


# The programme pages' rule: staff of the owning organisation, in a role that works with cases.
PROGRAMME_OF = {
    "caseworker": "nord",
    "colleague": "nord",
    "outsider": "syd",
    "provider_staff": "vaekst",
    "other_provider_staff": "trivsel",
    "job_consultant": "nord",
    "manager": "nord",
    "administrator": None,
    "shared_caseworker": None,  # Socialforvaltningen runs no programme
}


@pytest.mark.parametrize("role", ROLES)
def test_programmes_are_read_by_the_staff_of_their_organisation(cases, client, bearer, role):
    world = cases
    headers = bearer(getattr(world, role))
    own = PROGRAMME_OF[role]
    listed = client.get(f"{API}/programmes", **headers).json()
    expected = {world.programmes[own].pk} if own else set()
    assert {p["id"] for p in listed["items"]} == expected
    for org, programme in world.programmes.items():
        response = client.get(f"{API}/programmes/{programme.pk}", **headers)
        assert response.status_code == (200 if org == own else 404), org
        if org == own:
            body = response.json()
            assert body["instruments"] == [{"instrument": "adult_wheel", "interval_days": 14}]
            assert body["milestones"] and body["milestones"][0]["rule"]
            assert not AccessLogEntry.objects.filter(path__contains="/programmes").exists()


def test_what_each_resource_shows(cases, client, bearer):
    world = cases
    headers = bearer(world.caseworker)
    case = world.cases["citizen"]
    goal = client.get(f"{API}/goals/{case.goals[1].pk}", **headers).json()
    assert goal["parent_id"] == case.goals[0].pk and goal["is_end_goal"] is False
    assert goal["status"] == "active" and goal["version"] == 2
    assert goal["target_date"] == str(case.goals[1].target_date)
    end_goal = client.get(f"{API}/goals/{case.goals[0].pk}", **headers).json()
    assert end_goal["category"] == "job" and end_goal["parent_id"] is None
    activity = client.get(f"{API}/activities/{case.activity.pk}", **headers).json()
    assert activity["sector"] == "employment" and activity["kind"] == "wage_subsidy"
    assert activity["weekly_hours"] == 15 and activity["goal_ids"] == [case.goals[1].pk]
    assert [h["weekly_hours"] for h in activity["hours_changes"]] == [20]
    meeting = client.get(f"{API}/meetings/{case.meeting.pk}", **headers).json()
    [participant] = meeting["participants"]
    assert participant["role"] == "employment_caseworker"
    assert participant["user_id"] == world.caseworker.pk
    assert meeting["notes"] == "INTERN: bekymret for søvnen"
    mentor = client.get(f"{API}/mentors/{case.mentor.pk}", **headers).json()
    assert mentor["kind"] == "social" and mentor["tasks"] == ["goal_setting"]
    assessment = client.get(f"{API}/assessments/{case.assessment.pk}", **headers).json()
    assert assessment["instrument"] == "adult_wheel"
    assert {"item": "health_for_work", "value": 6.0}.items() <= assessment["answers"][0].items()
    referral = client.get(f"{API}/referrals/{world.programme_referral.pk}", **headers).json()
    assert [(f["item_code"], f["starting_score"]) for f in referral["focus_items"]] == [
        ("health_for_work", 4.0),
        ("everyday_energy", 3.0),
    ]
    plan = client.get(f"{API}/plans/{case.plan.pk}", **headers).json()
    assert plan["citizen_id"] == world.citizen.pk


def test_provider_staff_read_the_shared_plan_but_not_the_meeting_notes(cases, client, bearer):
    world = cases
    headers = bearer(world.provider_staff)
    meeting = world.cases["citizen"].meeting
    detail = client.get(f"{API}/meetings/{meeting.pk}", **headers).json()
    assert detail["notes"] is None and detail["participants"]
    listed = client.get(f"{API}/meetings", **headers).content.decode()
    assert "INTERN" not in listed
    assert client.get(f"{API}/assessments", **headers).json()["count"] == 0


def test_no_cpr_number_in_any_answer(cases, client, bearer):
    world = cases
    headers = bearer(world.caseworker)
    numbers = []
    for name in CITIZENS:
        cpr = citizen_selectors.citizen_cpr(getattr(world, name))
        numbers += [cpr.digits, cpr.formatted]
    for resource in [*RESOURCES, "programmes"]:
        body = client.get(f"{API}/{resource}", **headers).content.decode()
        assert "cpr" not in body.lower(), resource
        assert not any(number in body for number in numbers), resource
        for entry in world.made.get(resource, [])[:2]:
            detail = client.get(f"{API}/{resource}/{entry.obj.pk}", **headers).content.decode()
            assert not any(number in detail for number in numbers) and "cpr" not in detail


@pytest.mark.parametrize("resource", RESOURCES)
def test_reads_are_in_the_access_log(cases, client, bearer, integration_client, resource):
    world = cases
    headers = bearer(world.caseworker)
    made = [m for m in world.made[resource] if sees("caseworker", m)]
    client.get(f"{API}/{resource}", **headers)
    client.get(f"{API}/{resource}/{made[0].obj.pk}", **headers)
    client_user = integration_client(world.caseworker)
    entries = list(AccessLogEntry.objects.filter(user=client_user).order_by("id"))
    assert [e.action for e in entries] == ["list", "view"]
    assert entries[0].path == f"{API}/{resource}"
    subjects = set(
        AccessLogSubject.objects.filter(entry=entries[0]).values_list("citizen_id", flat=True)
    )
    assert subjects == {getattr(world, m.citizen).pk for m in made}
    assert entries[1].citizen_id == getattr(world, made[0].citizen).pk


def test_a_list_without_items_writes_no_access_log(cases, client, bearer, integration_client):
    world = cases
    response = client.get(f"{API}/goals", **bearer(world.manager))
    assert response.json()["count"] == 0
    assert not AccessLogEntry.objects.filter(user=integration_client(world.manager)).exists()


# Each list with a change time, and how a test moves one object's change time into the future.
TIMESTAMPS = {
    "assessments": (Assessment, "updated_at", lambda case: case.assessment),
    "plans": (Plan, "revised_at", lambda case: case.plan),
    "goals": (Goal, "updated_at", lambda case: case.goals[1]),
    "goal-events": (GoalEvent, "at", lambda case: case.events[-1]),
    "activities": (Activity, "updated_at", lambda case: case.activity),
    "meetings": (Meeting, "updated_at", lambda case: case.meeting),
    "mentors": (Mentor, "updated_at", lambda case: case.mentor),
    "referrals": (Referral, "updated_at", None),
    "enrolments": (Enrolment, "updated_at", None),
    "programmes": (Programme, "updated_at", None),
}


@pytest.mark.parametrize("resource", list(TIMESTAMPS))
def test_updated_since_keeps_another_system_in_step(cases, client, bearer, resource):
    world = cases
    headers = bearer(world.caseworker)
    model, field, pick = TIMESTAMPS[resource]
    if pick is not None:
        target = pick(world.cases["teammates_citizen"])
    elif resource == "referrals":
        target = Referral.objects.filter(citizen=world.teammates_citizen).first()
    elif resource == "enrolments":
        target = Enrolment.objects.filter(citizen=world.teammates_citizen).first()
    else:
        target = world.programmes["nord"]
    later = timezone.now() + dt.timedelta(seconds=5)
    model.objects.filter(pk=target.pk).update(**{field: later})
    everything = client.get(f"{API}/{resource}", **headers).json()
    assert everything["count"] > 1 or resource == "programmes"
    since = client.get(f"{API}/{resource}", {"updated_since": later.isoformat()}, **headers)
    assert [item["id"] for item in since.json()["items"]] == [target.pk]
    none_yet = client.get(
        f"{API}/{resource}",
        {"updated_since": (later + dt.timedelta(seconds=1)).isoformat()},
        **headers,
    )
    assert none_yet.json()["items"] == []


def _since(client, resource, moment, headers) -> list[dict]:
    return client.get(f"{API}/{resource}", {"updated_since": moment.isoformat()}, **headers).json()[
        "items"
    ]


def test_meetings_and_mentors_since_a_moment_are_those_written_at_or_after_it(
    cases, client, bearer
):
    """Meetings and mentors written before the moment are left out; one recorded, assigned
    or ended by an exit after it is listed, oldest change first, with its `updated_at`."""
    world = cases
    headers = bearer(world.caseworker)
    earlier = timezone.now() - dt.timedelta(hours=1)
    Meeting.objects.update(updated_at=earlier)
    Mentor.objects.update(updated_at=earlier)
    moment = timezone.now()
    assert _since(client, "meetings", moment, headers) == []
    assert _since(client, "mentors", moment, headers) == []
    case = world.cases["teammates_citizen"]
    meeting = plan_services.meeting_record(
        actor=world.colleague,
        plan=case.plan,
        kind=code("meeting_kind", "start_meeting"),
        date=dt.date.today(),
        citizen_attended=True,
    )
    mentor = plan_services.mentor_assign(
        actor=world.colleague,
        plan=world.cases["citizen"].plan,
        kind=code("mentor_kind", "social"),
        name="Ny Mentor",
        start_date=dt.date.today(),
    )
    plan_services.plan_close(actor=world.colleague, plan=case.plan, on=dt.date.today())
    meetings = _since(client, "meetings", moment, headers)
    assert [m["id"] for m in meetings] == [meeting.pk]
    assert dt.datetime.fromisoformat(meetings[0]["updated_at"]) >= moment
    mentors = _since(client, "mentors", moment, headers)
    # The new mentor, then the one the exit ended (changed after it), and no other.
    assert [m["id"] for m in mentors] == [mentor.pk, case.mentor.pk]
    assert mentors[1]["end_date"] == str(dt.date.today())
    assert all(dt.datetime.fromisoformat(m["updated_at"]) >= moment for m in mentors)
    # Without `updated_since` the lists hold them all, oldest change first.
    everything = client.get(f"{API}/mentors", **headers).json()["items"]
    assert [m["id"] for m in everything][-2:] == [mentor.pk, case.mentor.pk]
    assert len(everything) == 4


def test_ending_a_mentor_at_an_exit_moves_it_into_a_later_window(cases, client, bearer):
    """`plan_close` ends the running mentors; another system that asks for the changes
    since before the exit sees the mentor again, now ended."""
    world = cases
    headers = bearer(world.caseworker)
    case = world.cases["teammates_citizen"]
    Mentor.objects.update(updated_at=timezone.now() - dt.timedelta(hours=1))
    before = Mentor.objects.get(pk=case.mentor.pk).updated_at
    window = timezone.now()
    assert _since(client, "mentors", window, headers) == []
    assert plan_services.plan_close(actor=world.colleague, plan=case.plan, on=dt.date.today())
    [ended] = _since(client, "mentors", window, headers)
    assert ended["id"] == case.mentor.pk and ended["end_date"] == str(dt.date.today())
    assert dt.datetime.fromisoformat(ended["updated_at"]) > before
    assert _since(client, "mentors", timezone.now() + dt.timedelta(seconds=1), headers) == []


def test_lists_page_100_at_a_time_ordered_by_change(cases, client, bearer):
    world = cases
    headers = bearer(world.caseworker)
    case = world.cases["citizen"]
    for number in range(100):
        plan_services.goal_create(
            actor=world.caseworker, plan=case.plan, text=f"Delmål {number}", parent=case.goals[0]
        )
    visible = Goal.objects.filter(
        plan__citizen__in=[world.citizen, world.teammates_citizen, world.ended_citizen]
    )
    first = client.get(f"{API}/goals", **headers).json()
    assert (first["count"], first["page"], first["pages"], len(first["items"])) == (
        visible.count(),
        1,
        2,
        100,
    )
    second = client.get(f"{API}/goals", {"page": 2}, **headers).json()
    assert second["page"] == 2 and len(second["items"]) == visible.count() - 100
    ids = [g["id"] for g in first["items"] + second["items"]]
    assert sorted(ids) == sorted(visible.values_list("pk", flat=True))
    expected = list(visible.order_by("updated_at", "id").values_list("pk", flat=True))
    assert ids == expected
    # A page beyond the last gives the last, as for citizens.
    assert client.get(f"{API}/goals", {"page": 9}, **headers).json()["page"] == 2


def test_citizen_id_narrows_a_list(cases, client, bearer):
    world = cases
    headers = bearer(world.caseworker)
    for resource in [
        "assessments",
        "plans",
        "goals",
        "goal-events",
        "activities",
        "meetings",
        "mentors",
        "enrolments",
        "referrals",
    ]:
        items = client.get(
            f"{API}/{resource}", {"citizen_id": world.teammates_citizen.pk}, **headers
        ).json()["items"]
        assert items and {i["citizen_id"] for i in items} == {world.teammates_citizen.pk}, resource
        foreign = client.get(
            f"{API}/{resource}", {"citizen_id": world.foreign_citizen.pk}, **headers
        )
        assert foreign.json()["items"] == [], resource


@pytest.mark.parametrize("resource", [*RESOURCES, "programmes"])
def test_ids_are_bounded_and_unknown_ones_are_404(world, client, bearer, resource):
    headers = bearer(world.caseworker)
    assert client.get(f"{API}/{resource}/99999999999999999999", **headers).status_code == 422
    assert client.get(f"{API}/{resource}/0", **headers).status_code == 422
    assert client.get(f"{API}/{resource}/2147483647", **headers).status_code == 404


def test_without_a_token_the_resources_answer_401(world, client):
    for resource in [*RESOURCES, "programmes"]:
        assert client.get(f"{API}/{resource}").status_code == 401


def _more_cases(world, times: int) -> None:
    """More of everything: whole cases, programmes, enrolments and referrals."""
    for number in range(times):
        for name in ("citizen", "teammates_citizen"):
            make_case(world, name)
        programme = make_programme(world.vaekst, name=f"Mere {number}")
        make_programme(world.nord, name=f"Mere {number}")
        for name in ("citizen", "teammates_citizen"):
            owner = getattr(world, OWNER[name])
            programme_services.enrolment_create(
                actor=owner,
                citizen=getattr(world, name),
                programme=programme,
                start_date=dt.date.today(),
            )
            referral_services.referral_create(
                actor=owner,
                citizen=getattr(world, name),
                provider=world.vaekst,
                start_date=dt.date.today(),
            )


def _queries(client, url, headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(queries)


# The token, the count, the page, the participants, and the access log (savepoint, entry,
# subjects, release).
PINNED = 8


def test_the_meeting_list_reads_in_a_fixed_number_of_queries(
    cases, client, bearer, django_assert_num_queries
):
    """The same number of queries for 3 meetings as for 9 (the token's last use is written by
    the first request only)."""
    world = cases
    headers = bearer(world.caseworker)
    url = f"{API}/meetings"
    _queries(client, url, headers)  # anything cached per process is read once
    with django_assert_num_queries(PINNED):
        assert len(client.get(url, **headers).json()["items"]) == 3
    _more_cases(world, 3)
    with django_assert_num_queries(PINNED):
        assert len(client.get(url, **headers).json()["items"]) == 9


@pytest.mark.parametrize("resource", [*RESOURCES, "programmes"])
def test_no_list_grows_its_queries_with_the_data(cases, client, bearer, resource):
    world = cases
    headers = bearer(world.caseworker)
    url = f"{API}/{resource}"
    _queries(client, url, headers)  # anything cached per process is read once
    before = _queries(client, url, headers)
    _more_cases(world, 2)
    assert _queries(client, url, headers) == before


def test_the_schema_lists_every_resource(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    for resource in [*RESOURCES, "programmes"]:
        assert f"{API}/{resource}" in paths
    assert f"{API}/goals/{{goal_id}}/events" in paths
