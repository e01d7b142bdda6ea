"""The API's writes: assessments, plans, goals, activities and their hours, meetings, mentors,
enrolments and exits, referrals and their ends. Each is a thin call to the same service as the
page, under the page's rule: out of scope 404, in scope but not allowed 403, and nothing
changes; updates carry the version in `If-Match` (stale 412, missing 428); bad codes and values
are a 400 naming the field, with nothing saved; a retried assessment with the same
`Idempotency-Key` is one."""

import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from fremdrift.api import services as api_services
from fremdrift.api.tests.test_resources import OWNER, make_case
from fremdrift.assessments.models import Assessment
from fremdrift.audit.models import ChangeRecord
from fremdrift.citizens.tests.test_access import CITIZENS, MAY_CHANGE, ROLES, VISIBLE
from fremdrift.plans.models import Activity, Goal, HoursChange, Meeting, Mentor, Plan
from fremdrift.programmes import services as programme_services
from fremdrift.programmes.models import Enrolment, Programme
from fremdrift.referrals import services as referral_services
from fremdrift.referrals.models import FocusItem, Referral
from fremdrift.testing import make_programme

API = "/api/v1"
TODAY = dt.date.today()
DAY = TODAY - dt.timedelta(days=10)


@pytest.fixture
def bearer(world):
    def _bearer(user, **extra):
        _token, key = api_services.api_token_issue(
            actor=world.administrator, user=user, name="Fagsystem", **extra
        )
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    return _bearer


@pytest.fixture
def cases(world):
    """A whole case for every citizen of the world (plan, goals, activity, meeting, mentor,
    assessment) and an active enrolment of each in Vækst's programme; a second programme of
    Vækst to enrol them in."""
    world.cases = {name: make_case(world, name) for name in CITIZENS}
    programme = make_programme(world.vaekst, name="Forløb Vækst")
    world.new_programme = make_programme(world.vaekst, name="Nyt forløb")
    # A programme the referral page no longer offers.
    world.closed_programme = make_programme(world.vaekst, name="Lukket forløb")
    Programme.objects.filter(pk=world.closed_programme.pk).update(is_active=False)
    world.enrolments = {
        name: programme_services.enrolment_create(
            actor=getattr(world, OWNER[name]),
            citizen=getattr(world, name),
            programme=programme,
            start_date=DAY,
        )
        for name in CITIZENS
    }
    return world.cases


def send(client, method: str, url: str, body: dict, headers: dict, **extra):
    call = getattr(client, method.lower())
    return call(url, json.dumps(body), content_type="application/json", **headers, **extra)


def if_match(version) -> dict:
    return {"HTTP_IF_MATCH": f'"{version}"'}


def changes_of(citizen) -> int:
    return ChangeRecord.objects.filter(citizen_id=citizen.pk).count()


# The write endpoints, each with: how to call it for a citizen, what it must change, its
# success code, and who may write (besides being in scope).


@dataclass
class Endpoint:
    name: str
    request: Callable  # (world, citizen name) -> (method, url, body)
    state: Callable  # (world, citizen name) -> what the write changes
    success: int
    may_write: Callable[[str], bool]
    visible: Callable[[str, str], bool] = lambda role, name: name in VISIBLE[role]
    version: Callable | None = None  # (world, citizen name) -> the current version

    def call(self, client, headers: dict, world, name: str, **extra):
        """The request for the citizen's object, with the current version in If-Match unless
        `extra` says otherwise."""
        method, url, body = self.request(world, name)
        if self.version is not None and "HTTP_IF_MATCH" not in extra:
            extra["HTTP_IF_MATCH"] = f'"{self.version(world, name)}"'
        extra = {k: v for k, v in extra.items() if v is not None}
        return send(client, method, url, body, headers, **extra)


def plan_writer(role: str) -> bool:
    """The plan page's rule (`may_record`): caseworkers, and provider staff who see the
    citizen."""
    return role in MAY_CHANGE or role == "provider_staff"


def assessment_visible(role: str, name: str) -> bool:
    """The assessment pages are not shared with provider staff."""
    return role != "provider_staff" and name in VISIBLE[role]


def enrolment_visible(role: str, name: str) -> bool:
    """Provider staff see the enrolments in their own programmes of the citizens they see
    (all enrolments here are in Vækst's programmes)."""
    return name in VISIBLE[role]


def _citizen(w, name):
    return getattr(w, name)


def _referral(w, name) -> Referral:
    """The citizen's active referral to Vækst: the world's own for `citizen`, the `referred`
    fixture's for the others."""
    return w.referral if name == "citizen" else w.referrals[name]


def referral_visible(role: str, name: str) -> bool:
    """With the `referred` fixture every citizen is actively referred to Vækst, so its staff
    see them all (and may not end a referral)."""
    return name in VISIBLE[role] or role == "provider_staff"


def referral_body(w, name, **extra) -> dict:
    return {
        "citizen_id": _citizen(w, name).pk,
        "programme_id": w.new_programme.pk,
        "instrument": "adult_wheel",
        "start_date": str(DAY),
        "interval_days": 14,
        "starting_scores": [
            {"item": "health_for_work", "value": 3},
            {"item": "attendance_stability", "value": 4},
        ],
    } | extra


ENDPOINTS = [
    Endpoint(
        "POST /assessments",
        lambda w, n: (
            "POST",
            f"{API}/assessments",
            {
                "citizen_id": _citizen(w, n).pk,
                "instrument": "adult_wheel",
                "date": str(TODAY),
                "respondent": "joint",
                "answers": [
                    {"item": "health_for_work", "value": 7},
                    {"item": "everyday_energy", "value": 4, "comment": "svært om morgenen"},
                ],
            },
        ),
        lambda w, n: Assessment.objects.filter(citizen=_citizen(w, n)).count(),
        201,
        lambda role: role in MAY_CHANGE,
        assessment_visible,
    ),
    Endpoint(
        "PUT /assessments/{id}",
        lambda w, n: (
            "PUT",
            f"{API}/assessments/{w.cases[n].assessment.pk}",
            {
                "date": str(DAY),
                "respondent": "joint",
                "answers": [{"item": "health_for_work", "value": 8}],
            },
        ),
        lambda w, n: Assessment.objects.get(pk=w.cases[n].assessment.pk).revision,
        200,
        lambda role: role in MAY_CHANGE,
        assessment_visible,
        version=lambda w, n: Assessment.objects.get(pk=w.cases[n].assessment.pk).revision,
    ),
    Endpoint(
        "PUT /plans/{id}",
        lambda w, n: (
            "PUT",
            f"{API}/plans/{w.cases[n].plan.pk}",
            {"own_effort": "Jeg cykler til praktikken", "citizen_comments": "Glad for planen"},
        ),
        lambda w, n: Plan.objects.get(pk=w.cases[n].plan.pk).version,
        200,
        plan_writer,
        version=lambda w, n: Plan.objects.get(pk=w.cases[n].plan.pk).version,
    ),
    Endpoint(
        "POST /goals",
        lambda w, n: (
            "POST",
            f"{API}/goals",
            {
                "citizen_id": _citizen(w, n).pk,
                "text": "Jeg vil cykle til arbejde",
                "category": "job",
            },
        ),
        lambda w, n: Goal.objects.filter(plan__citizen=_citizen(w, n)).count(),
        201,
        plan_writer,
    ),
    Endpoint(
        "PUT /goals/{id}",
        lambda w, n: (
            "PUT",
            f"{API}/goals/{w.cases[n].goals[1].pk}",
            {"reason": "situation_changed", "text": "Møde til tiden hver dag"},
        ),
        lambda w, n: Goal.objects.get(pk=w.cases[n].goals[1].pk).version,
        200,
        plan_writer,
        version=lambda w, n: Goal.objects.get(pk=w.cases[n].goals[1].pk).version,
    ),
    Endpoint(
        "POST /activities",
        lambda w, n: (
            "POST",
            f"{API}/activities",
            {
                "citizen_id": _citizen(w, n).pk,
                "sector": "employment",
                "kind": "wage_subsidy",
                "purpose": "Løntilskud i Føtex",
                "goal_ids": [w.cases[n].goals[0].pk],
                "start_date": str(DAY),
                "weekly_hours": 12.5,
            },
        ),
        lambda w, n: Activity.objects.filter(plan__citizen=_citizen(w, n)).count(),
        201,
        plan_writer,
    ),
    Endpoint(
        "PUT /activities/{id}",
        lambda w, n: (
            "PUT",
            f"{API}/activities/{w.cases[n].activity.pk}",
            {"result": "succeeded", "next_step": "Ordinært job", "end_date": str(TODAY)},
        ),
        lambda w, n: Activity.objects.get(pk=w.cases[n].activity.pk).version,
        200,
        plan_writer,
        version=lambda w, n: Activity.objects.get(pk=w.cases[n].activity.pk).version,
    ),
    Endpoint(
        "POST /activities/{id}/hours",
        lambda w, n: (
            "POST",
            f"{API}/activities/{w.cases[n].activity.pk}/hours",
            {"from_date": str(DAY + dt.timedelta(days=7)), "weekly_hours": 25},
        ),
        lambda w, n: HoursChange.objects.filter(activity=w.cases[n].activity).count(),
        201,
        plan_writer,
    ),
    Endpoint(
        "POST /meetings",
        lambda w, n: (
            "POST",
            f"{API}/meetings",
            {
                "citizen_id": _citizen(w, n).pk,
                "kind": "follow_up",
                "date": str(TODAY),
                "notes": "Godt møde",
                "participants": [
                    {"role": "employment_caseworker", "user_id": getattr(w, OWNER[n]).pk},
                    {"role": "doctor", "name": "Dr. Hansen"},
                ],
            },
        ),
        lambda w, n: Meeting.objects.filter(plan__citizen=_citizen(w, n)).count(),
        201,
        plan_writer,
    ),
    Endpoint(
        "POST /mentors",
        lambda w, n: (
            "POST",
            f"{API}/mentors",
            {
                "citizen_id": _citizen(w, n).pk,
                "kind": "volunteer",
                "name": "Bent Frivillig",
                "start_date": str(TODAY),
                "tasks": ["guidance_support", "cv_applications"],
            },
        ),
        lambda w, n: Mentor.objects.filter(plan__citizen=_citizen(w, n)).count(),
        201,
        plan_writer,
    ),
    Endpoint(
        "POST /enrolments",
        lambda w, n: (
            "POST",
            f"{API}/enrolments",
            {
                "citizen_id": _citizen(w, n).pk,
                "programme_id": w.new_programme.pk,
                "start_date": str(DAY),
            },
        ),
        lambda w, n: Enrolment.objects.filter(citizen=_citizen(w, n)).count(),
        201,
        lambda role: role in MAY_CHANGE,
    ),
    Endpoint(
        "POST /enrolments/{id}/exit",
        lambda w, n: (
            "POST",
            f"{API}/enrolments/{w.enrolments[n].pk}/exit",
            {"end_date": str(TODAY), "exit_reason": "job", "note": "Fik job i Netto"},
        ),
        lambda w, n: Enrolment.objects.get(pk=w.enrolments[n].pk).version,
        200,
        # The citizen's caseworkers, and the staff of the programme's organisation (Vækst).
        lambda role: role in MAY_CHANGE or role == "provider_staff",
        enrolment_visible,
        version=lambda w, n: Enrolment.objects.get(pk=w.enrolments[n].pk).version,
    ),
    Endpoint(
        "POST /referrals",
        lambda w, n: ("POST", f"{API}/referrals", referral_body(w, n)),
        lambda w, n: Referral.objects.filter(citizen=_citizen(w, n)).count(),
        201,
        # As on the referral page: the citizen's caseworkers.
        lambda role: role in MAY_CHANGE,
    ),
]
# Ending a referral needs one for every citizen (the `referred` fixture), which changes what
# provider staff see; it has its own matrix below.
REFERRAL_END = Endpoint(
    "POST /referrals/{id}/end",
    lambda w, n: ("POST", f"{API}/referrals/{_referral(w, n).pk}/end", {"end_date": str(TODAY)}),
    lambda w, n: Referral.objects.get(pk=_referral(w, n).pk).version,
    200,
    lambda role: role in MAY_CHANGE,
    referral_visible,
    version=lambda w, n: Referral.objects.get(pk=_referral(w, n).pk).version,
)
BY_NAME = {e.name: e for e in [*ENDPOINTS, REFERRAL_END]}


@pytest.fixture
def referred(world, cases):
    """Besides the world's active referral of `citizen`, one of every other citizen to Vækst
    (by their own caseworker)."""
    world.referrals = {
        name: referral_services.referral_create(
            actor=getattr(world, OWNER[name]),
            citizen=getattr(world, name),
            provider=world.vaekst,
            start_date=DAY,
        )
        for name in CITIZENS
        if name != "citizen"
    }
    return world.referrals


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_every_write_follows_the_access_matrix(
    world, cases, client, bearer, endpoint: Endpoint, role
):
    _follows_the_access_matrix(world, client, bearer, endpoint, role)


@pytest.mark.parametrize("role", ROLES)
def test_ending_a_referral_follows_the_access_matrix(world, referred, client, bearer, role):
    _follows_the_access_matrix(world, client, bearer, REFERRAL_END, role)


def _follows_the_access_matrix(world, client, bearer, endpoint: Endpoint, role):
    headers = bearer(getattr(world, role))
    for name in CITIZENS:
        citizen = getattr(world, name)
        before, changes_before = endpoint.state(world, name), changes_of(citizen)
        response = endpoint.call(client, headers, world, name)
        if not endpoint.visible(role, name):
            expected = 404
        elif not endpoint.may_write(role):
            expected = 403
        else:
            expected = endpoint.success
        assert response.status_code == expected, (name, response.content)
        if expected == endpoint.success:
            assert endpoint.state(world, name) == before + 1, name
            assert changes_of(citizen) > changes_before
            body = response.json()
            assert body["citizen_id"] == citizen.pk
            # The assessment's version is the instrument's; its own is the revision.
            own = body.get("revision", body.get("version"))
            if own is not None:
                assert response["ETag"] == f'"{own}"'
        else:
            assert endpoint.state(world, name) == before, name
            assert changes_of(citizen) == changes_before, name
            if expected == 404:
                assert citizen.last_name not in response.content.decode()


# What a write returns is the new representation, as a read answers it.


def test_an_assessment_is_recorded_with_its_answers_and_read_back(world, cases, client, bearer):
    headers = bearer(world.caseworker)
    created = BY_NAME["POST /assessments"].call(client, headers, world, "citizen")
    assert created.status_code == 201
    body = created.json()
    read = client.get(f"{API}/assessments/{body['id']}", **headers)
    assert read.json() == body and read["ETag"] == created["ETag"] == '"1"'
    answers = {a["item"]: a for a in body["answers"]}
    assert answers["health_for_work"]["value"] == 7
    assert answers["everyday_energy"]["comment"] == "svært om morgenen"
    assert body["instrument"] == "adult_wheel" and body["recorded_by_id"] == world.caseworker.pk


def test_an_assessment_names_its_version_by_number_or_id(world, cases, client, bearer):
    headers = bearer(world.caseworker)
    version = world.cases["citizen"].assessment.version
    for named in (
        {"instrument": "adult_wheel", "version": version.number},
        {"version_id": version.pk},
    ):
        response = send(
            client,
            "POST",
            f"{API}/assessments",
            {
                "citizen_id": world.citizen.pk,
                "date": str(TODAY),
                "respondent": "citizen",
                "answers": [{"item": "health_for_work", "value": 3}],
            }
            | named,
            headers,
        )
        assert response.status_code == 201, response.content
        assert response.json()["version"] == version.number


def test_a_correction_replaces_the_answers_and_counts_the_revision(world, cases, client, bearer):
    headers = bearer(world.caseworker)
    assessment = world.cases["citizen"].assessment
    response = BY_NAME["PUT /assessments/{id}"].call(client, headers, world, "citizen")
    assert response.status_code == 200 and response["ETag"] == '"2"'
    assert [(a["item"], a["value"]) for a in response.json()["answers"]] == [
        ("health_for_work", 8.0)
    ]
    assessment.refresh_from_db()
    assert assessment.revision == 2 and assessment.answers.get().value == 8


def test_a_goal_change_is_one_event_with_its_reason(world, cases, client, bearer):
    headers = bearer(world.provider_staff)
    goal = world.cases["citizen"].goals[1]
    events = goal.events.count()
    response = BY_NAME["PUT /goals/{id}"].call(client, headers, world, "citizen")
    assert response.status_code == 200, response.content
    assert response.json()["text"] == "Møde til tiden hver dag"
    assert goal.events.count() == events + 1
    event = goal.events.order_by("id").last()
    assert event.reason == "situation_changed" and event.actor == world.provider_staff


def test_a_sub_goal_hangs_under_an_end_goal_of_the_same_plan(world, cases, client, bearer):
    headers = bearer(world.caseworker)
    end_goal = world.cases["citizen"].goals[0]
    body = {"citizen_id": world.citizen.pk, "text": "Stå op kl. 7", "parent_id": end_goal.pk}
    response = send(client, "POST", f"{API}/goals", body, headers)
    assert response.status_code == 201 and response.json()["parent_id"] == end_goal.pk
    # An end goal of another plan is refused, and nothing is saved.
    other = world.cases["teammates_citizen"].goals[0]
    count = Goal.objects.count()
    refused = send(client, "POST", f"{API}/goals", body | {"parent_id": other.pk}, headers)
    assert refused.status_code == 400 and fields_of(refused) == ["parent_id"]
    assert Goal.objects.count() == count


def test_hours_and_activity_changes_show_in_the_activity(world, cases, client, bearer):
    headers = bearer(world.caseworker)
    activity = world.cases["citizen"].activity
    hours = BY_NAME["POST /activities/{id}/hours"].call(client, headers, world, "citizen")
    assert hours.status_code == 201
    assert {"from_date": str(DAY + dt.timedelta(days=7)), "weekly_hours": 25.0} in hours.json()[
        "hours_changes"
    ]
    changed = BY_NAME["PUT /activities/{id}"].call(client, headers, world, "citizen")
    assert changed.status_code == 200
    assert changed.json()["result"] == "succeeded" and changed.json()["purpose"] == (
        activity.purpose
    )
    # With a stale If-Match, a change of hours is refused too.
    stale = send(
        client,
        "POST",
        f"{API}/activities/{activity.pk}/hours",
        {"from_date": str(TODAY), "weekly_hours": 30},
        headers,
        **if_match(activity.version),
    )
    assert stale.status_code == 412
    assert HoursChange.objects.filter(activity=activity, weekly_hours=30).count() == 0


def test_a_meeting_keeps_its_participants_and_a_mentor_her_tasks(world, cases, client, bearer):
    headers = bearer(world.caseworker)
    meeting = BY_NAME["POST /meetings"].call(client, headers, world, "citizen").json()
    assert [(p["role"], p["user_id"]) for p in meeting["participants"]] == [
        ("employment_caseworker", world.caseworker.pk),
        ("doctor", None),
    ]
    assert meeting["notes"] == "Godt møde"
    mentor = BY_NAME["POST /mentors"].call(client, headers, world, "citizen").json()
    assert mentor["tasks"] == ["cv_applications", "guidance_support"]


def test_an_exit_ends_the_enrolment_with_its_reason(world, cases, client, bearer):
    headers = bearer(world.provider_staff)
    response = BY_NAME["POST /enrolments/{id}/exit"].call(client, headers, world, "citizen")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["exit_reason"], body["exit_reason_parent"]) == (
        "ended",
        "job",
        "self_support",
    )
    assert response["ETag"] == f'"{body["version"]}"'
    # An ended enrolment cannot end again.
    again = BY_NAME["POST /enrolments/{id}/exit"].call(client, headers, world, "citizen")
    assert again.status_code == 400 and fields_of(again) == ["enrolment"]


def test_a_plan_change_keeps_what_is_left_out_and_sends_its_version(world, cases, client, bearer):
    headers = bearer(world.provider_staff)
    plan = world.cases["citizen"].plan
    read = client.get(f"{API}/plans/{plan.pk}", **headers)
    assert read["ETag"] == f'"{plan.version}"'
    body = {"own_effort": "  Jeg møder op hver dag  "}
    changed = send(
        client, "PUT", f"{API}/plans/{plan.pk}", body, headers, HTTP_IF_MATCH=read["ETag"]
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["own_effort"] == "Jeg møder op hver dag"
    assert changed.json()["citizen_comments"] == plan.citizen_comments
    assert (
        changed["ETag"]
        == f'"{plan.version + 1}"'
        == client.get(f"{API}/plans/{plan.pk}", **headers)["ETag"]
    )
    # The same text again changes nothing, and the version stays.
    again = send(
        client, "PUT", f"{API}/plans/{plan.pk}", body, headers, **if_match(plan.version + 1)
    )
    assert again.status_code == 200 and again["ETag"] == changed["ETag"]


def test_a_referral_holds_its_focus_items_and_enrols_the_citizen(world, cases, client, bearer):
    headers = bearer(world.caseworker)
    body = referral_body(world, "teammates_citizen")
    del body["interval_days"]
    response = send(client, "POST", f"{API}/referrals", body, headers)
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["provider_id"], created["programme_id"], created["instrument"]) == (
        world.vaekst.pk,
        world.new_programme.pk,
        "adult_wheel",
    )
    # Left out, the cadence is the programme's, as the page proposes.
    assert created["interval_days"] == 14 and created["status"] == "active"
    assert [(f["item_code"], f["starting_score"]) for f in created["focus_items"]] == [
        ("health_for_work", 3.0),
        ("attendance_stability", 4.0),
    ]
    assert response["ETag"] == '"1"'
    starting = Assessment.objects.get(pk=created["starting_assessment_id"])
    assert starting.respondent == "caseworker" and starting.citizen == world.teammates_citizen
    assert Enrolment.objects.filter(
        citizen=world.teammates_citizen, programme=world.new_programme, status="active"
    ).exists()
    read = client.get(f"{API}/referrals/{created['id']}", **headers)
    assert read.json() == created and read["ETag"] == response["ETag"]


def test_a_focus_item_must_be_a_scaled_item(world, cases, client, bearer):
    """The page offers only the instrument's scaled items as focus items; the observations'
    yes/no items are refused."""
    from fremdrift.instruments.models import Instrument
    from fremdrift.programmes.services import programme_create

    programme = programme_create(
        actor=None,
        organisation=world.vaekst,
        name="Observationsforløb",
        start_date=DAY,
        instruments=[(Instrument.objects.get(code="observation"), 30)],
    )
    headers = bearer(world.caseworker)
    before = everything()
    body = referral_body(
        world,
        "citizen",
        programme_id=programme.pk,
        instrument="observation",
        starting_scores=[{"item": "took_part_planned", "value": 1}],
    )
    response = send(client, "POST", f"{API}/referrals", body, headers)
    assert response.status_code == 400 and fields_of(response) == ["starting_scores"]
    assert everything() == before


def test_the_provider_sees_the_citizen_while_the_referral_is_active(world, cases, client, bearer):
    caseworker, provider = bearer(world.caseworker), bearer(world.provider_staff)
    citizen_url = f"{API}/citizens/{world.teammates_citizen.pk}"
    assert client.get(citizen_url, **provider).status_code == 404
    created = send(
        client, "POST", f"{API}/referrals", referral_body(world, "teammates_citizen"), caseworker
    )
    assert created.status_code == 201, created.content
    referral_url = f"{API}/referrals/{created.json()['id']}"
    assert client.get(citizen_url, **provider).status_code == 200
    assert client.get(referral_url, **provider).status_code == 200
    # The provider may not end it (403), and then the caseworker ends it without a body.
    no_body = {"content_type": "application/json"}
    assert (
        client.post(referral_url + "/end", **no_body, **provider, **if_match(1)).status_code == 403
    )
    ended = client.post(referral_url + "/end", **no_body, **caseworker, **if_match(1))
    assert ended.status_code == 200, ended.content
    body = ended.json()
    assert (body["status"], body["end_date"], body["version"]) == ("ended", str(TODAY), 2)
    assert ended["ETag"] == '"2"'
    assert client.get(citizen_url, **provider).status_code == 404
    assert client.get(referral_url, **provider).status_code == 404
    # An ended referral cannot end again.
    again = client.post(referral_url + "/end", **no_body, **caseworker, **if_match(2))
    assert again.status_code == 400 and fields_of(again) == ["referral"]


def test_a_withdrawn_referral_ends_on_the_day_given(world, client, bearer):
    response = send(
        client,
        "POST",
        f"{API}/referrals/{world.referral.pk}/end",
        {"end_date": str(TODAY - dt.timedelta(days=1)), "withdrawn": True},
        bearer(world.caseworker),
        **if_match(world.referral.version),
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["end_date"]) == (
        "withdrawn",
        str(TODAY - dt.timedelta(days=1)),
    )
    assert (
        client.get(f"{API}/citizens/{world.citizen.pk}", **bearer(world.provider_staff)).status_code
        == 404
    )


def test_new_writes_are_in_the_access_log(world, cases, client, bearer):
    from fremdrift.audit.models import AccessLogEntry

    headers = bearer(world.caseworker)
    BY_NAME["PUT /plans/{id}"].call(client, headers, world, "citizen")
    created = BY_NAME["POST /referrals"].call(client, headers, world, "teammates_citizen")
    BY_NAME["POST /referrals/{id}/end"].call(client, headers, world, "citizen")
    assert created.status_code == 201
    entries = AccessLogEntry.objects.filter(user=world.caseworker).order_by("id")
    assert [(e.action, e.citizen_id, e.path) for e in entries] == [
        ("edit", world.citizen.pk, f"{API}/plans/{world.cases['citizen'].plan.pk}"),
        ("create", world.teammates_citizen.pk, f"{API}/referrals"),
        ("edit", world.citizen.pk, f"{API}/referrals/{world.referral.pk}/end"),
    ]


# Versions: a stale If-Match answers 412 and changes nothing; a missing one 428.

VERSIONED = {
    "PUT /assessments/{id}": lambda w: Assessment.objects.get(pk=w.cases["citizen"].assessment.pk),
    "PUT /goals/{id}": lambda w: Goal.objects.get(pk=w.cases["citizen"].goals[1].pk),
    "PUT /activities/{id}": lambda w: Activity.objects.get(pk=w.cases["citizen"].activity.pk),
    "POST /enrolments/{id}/exit": lambda w: Enrolment.objects.get(pk=w.enrolments["citizen"].pk),
    "PUT /plans/{id}": lambda w: Plan.objects.get(pk=w.cases["citizen"].plan.pk),
    "POST /referrals/{id}/end": lambda w: Referral.objects.get(pk=w.referral.pk),
}


def _state(obj) -> dict:
    return {k: v for k, v in vars(obj).items() if not k.startswith("_")}


@pytest.mark.parametrize("name", VERSIONED)
@pytest.mark.parametrize(
    ("if_match_header", "status"),
    [('"999"', 412), ('"0"', 412), ("nonsense", 412), ("²", 412), ("9" * 5000, 412), (None, 428)],
)
def test_a_stale_or_missing_version_changes_nothing(
    world, cases, client, bearer, name, if_match_header, status
):
    before = _state(VERSIONED[name](world))
    changes_before = changes_of(world.citizen)
    response = BY_NAME[name].call(
        client,
        bearer(world.caseworker),
        world,
        "citizen",
        HTTP_IF_MATCH=if_match_header,
    )
    assert response.status_code == status, response.content
    assert _state(VERSIONED[name](world)) == before
    assert changes_of(world.citizen) == changes_before


# Bad input: an unknown code or a value out of range is a 400 that names the field, and
# nothing is saved.


def fields_of(response) -> list[str]:
    return [problem["field"] for problem in response.json()["detail"]]


def _bad_cases():
    def base(w, **extra):
        return {"citizen_id": w.citizen.pk} | extra

    return [
        (
            "goal category",
            "POST",
            lambda w: f"{API}/goals",
            lambda w: base(w, text="Mål", category="no_such_category"),
            "category",
        ),
        (
            "end goal without category",
            "POST",
            lambda w: f"{API}/goals",
            lambda w: base(w, text="Mål"),
            "category",
        ),
        (
            "goal reason",
            "PUT",
            lambda w: f"{API}/goals/{w.cases['citizen'].goals[1].pk}",
            lambda w: {"reason": "because", "text": "Nyt"},
            "reason",
        ),
        (
            "goal status",
            "PUT",
            lambda w: f"{API}/goals/{w.cases['citizen'].goals[1].pk}",
            lambda w: {"reason": "other", "status": "finished"},
            "status",
        ),
        (
            "goal category change",
            "PUT",
            lambda w: f"{API}/goals/{w.cases['citizen'].goals[0].pk}",
            lambda w: {"reason": "other", "category": "nope"},
            "category",
        ),
        (
            "goal meeting",
            "PUT",
            lambda w: f"{API}/goals/{w.cases['citizen'].goals[1].pk}",
            lambda w: {
                "reason": "other",
                "text": "Nyt",
                "meeting_id": w.cases["teammates_citizen"].meeting.pk,
            },
            "meeting_id",
        ),
        (
            "activity sector",
            "POST",
            lambda w: f"{API}/activities",
            lambda w: base(
                w, sector="space", kind="wage_subsidy", purpose="x", start_date=str(DAY)
            ),
            "sector",
        ),
        (
            "activity kind under another sector",
            "POST",
            lambda w: f"{API}/activities",
            lambda w: base(
                w, sector="social", kind="wage_subsidy", purpose="x", start_date=str(DAY)
            ),
            "kind",
        ),
        (
            "activity hours",
            "POST",
            lambda w: f"{API}/activities",
            lambda w: base(
                w,
                sector="employment",
                kind="wage_subsidy",
                purpose="x",
                start_date=str(DAY),
                weekly_hours=60,
            ),
            "weekly_hours",
        ),
        (
            "activity goals",
            "POST",
            lambda w: f"{API}/activities",
            lambda w: base(
                w,
                sector="employment",
                kind="wage_subsidy",
                purpose="x",
                start_date=str(DAY),
                goal_ids=[w.cases["teammates_citizen"].goals[0].pk],
            ),
            "goal_ids",
        ),
        (
            "activity change kind",
            "PUT",
            lambda w: f"{API}/activities/{w.cases['citizen'].activity.pk}",
            lambda w: {"kind": "cti"},
            "kind",
        ),
        (
            "activity ends before it starts",
            "PUT",
            lambda w: f"{API}/activities/{w.cases['citizen'].activity.pk}",
            lambda w: {"end_date": str(DAY - dt.timedelta(days=1))},
            "end_date",
        ),
        (
            "hours out of range",
            "POST",
            lambda w: f"{API}/activities/{w.cases['citizen'].activity.pk}/hours",
            lambda w: {"from_date": str(TODAY), "weekly_hours": 49},
            "weekly_hours",
        ),
        (
            "hours before the start",
            "POST",
            lambda w: f"{API}/activities/{w.cases['citizen'].activity.pk}/hours",
            lambda w: {"from_date": str(DAY - dt.timedelta(days=1)), "weekly_hours": 10},
            "from_date",
        ),
        (
            "meeting kind",
            "POST",
            lambda w: f"{API}/meetings",
            lambda w: base(w, kind="party", date=str(TODAY)),
            "kind",
        ),
        (
            "meeting participant role",
            "POST",
            lambda w: f"{API}/meetings",
            lambda w: base(
                w,
                kind="follow_up",
                date=str(TODAY),
                participants=[{"role": "doctor"}, {"role": "wizard"}],
            ),
            "participant_2",
        ),
        (
            "meeting participant user",
            "POST",
            lambda w: f"{API}/meetings",
            lambda w: base(
                w,
                kind="follow_up",
                date=str(TODAY),
                participants=[{"role": "doctor", "user_id": w.outsider.pk}],
            ),
            "participant_1",
        ),
        (
            "meeting in the future",
            "POST",
            lambda w: f"{API}/meetings",
            lambda w: base(w, kind="follow_up", date=str(TODAY + dt.timedelta(days=1))),
            "date",
        ),
        (
            "meeting assessment of another citizen",
            "POST",
            lambda w: f"{API}/meetings",
            lambda w: base(
                w,
                kind="follow_up",
                date=str(TODAY),
                assessment_id=w.cases["teammates_citizen"].assessment.pk,
            ),
            "assessment_id",
        ),
        (
            "mentor kind",
            "POST",
            lambda w: f"{API}/mentors",
            lambda w: base(w, kind="guru", name="X", start_date=str(TODAY)),
            "kind",
        ),
        (
            "mentor task",
            "POST",
            lambda w: f"{API}/mentors",
            lambda w: base(
                w, kind="social", name="X", start_date=str(TODAY), tasks=["goal_setting", "magic"]
            ),
            "tasks",
        ),
        (
            "mentor user",
            "POST",
            lambda w: f"{API}/mentors",
            lambda w: base(w, kind="social", user_id=w.manager.pk, start_date=str(TODAY)),
            "user_id",
        ),
        (
            "mentor without a name",
            "POST",
            lambda w: f"{API}/mentors",
            lambda w: base(w, kind="social", start_date=str(TODAY)),
            "name",
        ),
        (
            "assessment instrument",
            "POST",
            lambda w: f"{API}/assessments",
            lambda w: base(w, instrument="no_such", date=str(TODAY), respondent="joint"),
            "instrument",
        ),
        (
            "assessment version",
            "POST",
            lambda w: f"{API}/assessments",
            lambda w: base(
                w, instrument="adult_wheel", version=99, date=str(TODAY), respondent="joint"
            ),
            "version",
        ),
        (
            "assessment version id",
            "POST",
            lambda w: f"{API}/assessments",
            lambda w: base(w, version_id=2_000_000_000, date=str(TODAY), respondent="joint"),
            "version_id",
        ),
        (
            "assessment value out of the scale",
            "POST",
            lambda w: f"{API}/assessments",
            lambda w: base(
                w,
                instrument="adult_wheel",
                date=str(TODAY),
                respondent="joint",
                answers=[{"item": "health_for_work", "value": 11}],
            ),
            "item_health_for_work",
        ),
        (
            "assessment two answers to one item",
            "POST",
            lambda w: f"{API}/assessments",
            lambda w: base(
                w,
                instrument="adult_wheel",
                date=str(TODAY),
                respondent="joint",
                answers=[{"item": "health_for_work", "value": 3, "dont_know": True}],
            ),
            "item_health_for_work",
        ),
        (
            "assessment item twice",
            "POST",
            lambda w: f"{API}/assessments",
            lambda w: base(
                w,
                instrument="adult_wheel",
                date=str(TODAY),
                respondent="joint",
                answers=[
                    {"item": "health_for_work", "value": 3},
                    {"item": "health_for_work", "value": 4},
                ],
            ),
            "answers",
        ),
        (
            "assessment unknown item",
            "POST",
            lambda w: f"{API}/assessments",
            lambda w: base(
                w,
                instrument="adult_wheel",
                date=str(TODAY),
                respondent="joint",
                answers=[{"item": "no_such_item", "value": 3}],
            ),
            "answers",
        ),
        (
            "assessment respondent",
            "POST",
            lambda w: f"{API}/assessments",
            lambda w: base(
                w,
                instrument="adult_wheel",
                date=str(TODAY),
                respondent="neighbour",
                answers=[{"item": "health_for_work", "value": 3}],
            ),
            "respondent",
        ),
        (
            "assessment status",
            "POST",
            lambda w: f"{API}/assessments",
            lambda w: base(
                w,
                instrument="adult_wheel",
                date=str(TODAY),
                respondent="joint",
                status="finished",
                answers=[{"item": "health_for_work", "value": 3}],
            ),
            "status",
        ),
        (
            "assessment in the future",
            "POST",
            lambda w: f"{API}/assessments",
            lambda w: base(
                w,
                instrument="adult_wheel",
                respondent="joint",
                date=str(TODAY + dt.timedelta(days=1)),
                answers=[{"item": "health_for_work", "value": 3}],
            ),
            "date",
        ),
        (
            "correction value",
            "PUT",
            lambda w: f"{API}/assessments/{w.cases['citizen'].assessment.pk}",
            lambda w: {
                "date": str(DAY),
                "respondent": "joint",
                "answers": [{"item": "health_for_work", "value": -1}],
            },
            "item_health_for_work",
        ),
        (
            "correction to draft",
            "PUT",
            lambda w: f"{API}/assessments/{w.cases['citizen'].assessment.pk}",
            lambda w: {
                "date": str(DAY),
                "respondent": "joint",
                "status": "draft",
                "answers": [{"item": "health_for_work", "value": 3}],
            },
            "status",
        ),
        (
            "enrolment programme",
            "POST",
            lambda w: f"{API}/enrolments",
            lambda w: base(w, programme_id=2_000_000_000, start_date=str(DAY)),
            "programme_id",
        ),
        (
            "enrolment twice",
            "POST",
            lambda w: f"{API}/enrolments",
            lambda w: base(
                w, programme_id=w.enrolments["citizen"].programme_id, start_date=str(DAY)
            ),
            "programme",
        ),
        (
            "enrolment responsible",
            "POST",
            lambda w: f"{API}/enrolments",
            lambda w: base(
                w,
                programme_id=w.new_programme.pk,
                start_date=str(DAY),
                responsible_id=w.outsider.pk,
            ),
            "responsible_id",
        ),
        (
            "exit reason",
            "POST",
            lambda w: f"{API}/enrolments/{w.enrolments['citizen'].pk}/exit",
            lambda w: {"end_date": str(TODAY), "exit_reason": "lottery"},
            "exit_reason",
        ),
        (
            "exit in the future",
            "POST",
            lambda w: f"{API}/enrolments/{w.enrolments['citizen'].pk}/exit",
            lambda w: {"end_date": str(TODAY + dt.timedelta(days=3)), "exit_reason": "job"},
            "end_date",
        ),
        (
            "referral unknown programme",
            "POST",
            lambda w: f"{API}/referrals",
            lambda w: referral_body(w, "citizen", programme_id=2_000_000_000),
            "programme_id",
        ),
        (
            "referral programme not offered",
            "POST",
            lambda w: f"{API}/referrals",
            lambda w: referral_body(w, "citizen", programme_id=w.closed_programme.pk),
            "programme_id",
        ),
        (
            "referral instrument",
            "POST",
            lambda w: f"{API}/referrals",
            lambda w: referral_body(w, "citizen", instrument="no_such"),
            "instrument",
        ),
        (
            "referral unknown item",
            "POST",
            lambda w: f"{API}/referrals",
            lambda w: referral_body(
                w, "citizen", starting_scores=[{"item": "no_such_item", "value": 3}]
            ),
            "starting_scores",
        ),
        (
            "referral without focus items",
            "POST",
            lambda w: f"{API}/referrals",
            lambda w: referral_body(w, "citizen", starting_scores=[]),
            "starting_scores",
        ),
        (
            "referral item twice",
            "POST",
            lambda w: f"{API}/referrals",
            lambda w: referral_body(
                w,
                "citizen",
                starting_scores=[
                    {"item": "health_for_work", "value": 3},
                    {"item": "health_for_work", "value": 4},
                ],
            ),
            "starting_scores",
        ),
        (
            "referral starting score outside the scale",
            "POST",
            lambda w: f"{API}/referrals",
            lambda w: referral_body(
                w, "citizen", starting_scores=[{"item": "health_for_work", "value": 11}]
            ),
            "item_health_for_work",
        ),
        (
            "referral ends before it starts",
            "POST",
            lambda w: f"{API}/referrals",
            lambda w: referral_body(w, "citizen", end_date=str(DAY - dt.timedelta(days=1))),
            "end_date",
        ),
        (
            "referral cadence",
            "POST",
            lambda w: f"{API}/referrals",
            lambda w: referral_body(w, "citizen", interval_days=400),
            "interval_days",
        ),
        (
            "referral end before its start",
            "POST",
            lambda w: f"{API}/referrals/{w.referral.pk}/end",
            lambda w: {"end_date": str(w.referral.start_date - dt.timedelta(days=1))},
            "end_date",
        ),
    ]


BAD = _bad_cases()


def everything() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Assessment,
            ChangeRecord,
            Plan,
            Goal,
            Activity,
            HoursChange,
            Meeting,
            Mentor,
            Enrolment,
            Referral,
            FocusItem,
        )
    } | {
        "versions": sorted(
            [*Goal.objects.values_list("version", flat=True)]
            + [*Activity.objects.values_list("version", flat=True)]
            + [*Enrolment.objects.values_list("version", flat=True)]
            + [*Assessment.objects.values_list("revision", flat=True)]
            + [*Plan.objects.values_list("version", flat=True)]
            + [*Referral.objects.values_list("version", flat=True)]
        )
    }


@pytest.mark.parametrize(("label", "method", "url", "body", "field"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_saved(
    world, cases, client, bearer, label, method, url, body, field
):
    headers = bearer(world.caseworker)
    target = url(world)
    version = {}
    if method == "PUT" or target.endswith(("/exit", "/end")):
        current = client.get(target.removesuffix("/exit").removesuffix("/end"), **headers)
        version = {"HTTP_IF_MATCH": current["ETag"]}
    before = everything()
    response = send(client, method, target, body(world), headers, **version)
    assert response.status_code == 400, response.content
    assert field in fields_of(response), response.json()
    assert everything() == before


def test_a_refused_first_write_leaves_no_empty_plan(world, client, bearer):
    headers = bearer(world.caseworker)
    assert not Plan.objects.filter(citizen=world.citizen).exists()
    body = {"citizen_id": world.citizen.pk, "text": "Mål", "category": "no_such"}
    assert send(client, "POST", f"{API}/goals", body, headers).status_code == 400
    body = {"citizen_id": world.citizen.pk, "text": "Mål", "parent_id": 1}
    assert send(client, "POST", f"{API}/goals", body, headers).status_code == 400
    assert not Plan.objects.filter(citizen=world.citizen).exists()
    body = {"citizen_id": world.citizen.pk, "text": "Mål", "category": "job"}
    assert send(client, "POST", f"{API}/goals", body, headers).status_code == 201
    assert Plan.objects.filter(citizen=world.citizen).count() == 1


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/goals", '{"citizen_id": 1}'),
        (
            "/activities",
            '{"citizen_id": 1, "sector": "employment", "kind": "wage_subsidy", '
            '"purpose": "x", "start_date": "2024-01-01", "weekly_hours": NaN}',
        ),
        (
            "/assessments",
            '{"citizen_id": 1, "instrument": "adult_wheel", "date": "2024-13-01", '
            '"respondent": "joint"}',
        ),
        (
            "/meetings",
            '{"citizen_id": 1, "kind": "follow_up", "date": "2024-01-01", '
            '"participants": "everyone"}',
        ),
        ("/mentors", "[]"),
        ("/enrolments", "not json"),
    ],
)
def test_a_body_of_the_wrong_shape_is_a_422(world, client, bearer, url, body):
    headers = bearer(world.caseworker)
    before = everything()
    response = client.post(f"{API}{url}", body, content_type="application/json", **headers)
    assert response.status_code in (400, 422), response.content
    assert everything() == before


# Idempotency: a retried POST with the same key records one assessment.


def test_a_retried_assessment_with_the_same_key_is_recorded_once(world, cases, client, bearer):
    headers = bearer(world.caseworker)
    key = str(uuid.uuid4())
    first = BY_NAME["POST /assessments"].call(
        client, headers | {"HTTP_IDEMPOTENCY_KEY": key}, world, "citizen"
    )
    count = Assessment.objects.filter(citizen=world.citizen).count()
    again = BY_NAME["POST /assessments"].call(
        client, headers | {"HTTP_IDEMPOTENCY_KEY": key}, world, "citizen"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Assessment.objects.filter(citizen=world.citizen).count() == count
    assert Assessment.objects.get(pk=first.json()["id"]).creation_token == uuid.UUID(key)
    # Without a key, a second POST records a second assessment.
    assert BY_NAME["POST /assessments"].call(client, headers, world, "citizen").status_code == 201
    assert Assessment.objects.filter(citizen=world.citizen).count() == count + 1


def test_an_idempotency_key_used_for_another_citizen_is_refused(world, cases, client, bearer):
    key = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    caseworker, outsider = bearer(world.caseworker), bearer(world.outsider)
    endpoint = BY_NAME["POST /assessments"]
    assert endpoint.call(client, caseworker | key, world, "citizen").status_code == 201
    before = everything()
    # The same key for another citizen, or by a caseworker of another authority, never
    # answers the first assessment.
    other = endpoint.call(client, caseworker | key, world, "teammates_citizen")
    assert other.status_code == 400 and fields_of(other) == ["Idempotency-Key"]
    foreign = endpoint.call(client, outsider | key, world, "foreign_citizen")
    assert foreign.status_code == 400 and "Blixen" not in foreign.content.decode()
    assert everything() == before


def test_an_idempotency_key_must_be_a_uuid(world, cases, client, bearer):
    headers = bearer(world.caseworker) | {"HTTP_IDEMPOTENCY_KEY": "retry-1"}
    before = everything()
    assert BY_NAME["POST /assessments"].call(client, headers, world, "citizen").status_code == 422
    assert everything() == before


def test_writes_are_in_the_access_log(world, cases, client, bearer):
    from fremdrift.audit.models import AccessLogEntry

    headers = bearer(world.caseworker)
    BY_NAME["POST /goals"].call(client, headers, world, "citizen")
    BY_NAME["PUT /goals/{id}"].call(client, headers, world, "citizen")
    entries = AccessLogEntry.objects.filter(user=world.caseworker).order_by("id")
    assert [(e.action, e.citizen_id) for e in entries] == [
        ("create", world.citizen.pk),
        ("edit", world.citizen.pk),
    ]


def test_the_write_operations_are_in_the_schema(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    wanted = {
        ("post", "/assessments"),
        ("put", "/assessments/{assessment_id}"),
        ("post", "/goals"),
        ("put", "/goals/{goal_id}"),
        ("post", "/activities"),
        ("put", "/activities/{activity_id}"),
        ("post", "/activities/{activity_id}/hours"),
        ("post", "/meetings"),
        ("post", "/mentors"),
        ("post", "/enrolments"),
        ("post", "/enrolments/{enrolment_id}/exit"),
        ("put", "/plans/{plan_id}"),
        ("post", "/referrals"),
        ("post", "/referrals/{referral_id}/end"),
    }
    for method, path in wanted:
        assert method in paths[f"{API}{path}"], (method, path)


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/goals", "category"),
        ("/meetings", "kind"),
        ("/mentors", "kind"),
        ("/assessments", "instrument"),
    ],
)
def test_a_nul_character_is_a_4xx_and_never_a_server_error(world, client, bearer, url, field):
    """PostgreSQL refuses NUL in text; the answer must still be a clear 4xx."""
    headers = bearer(world.caseworker)
    body = {
        "citizen_id": world.citizen.pk,
        "text": "Mål\x00",
        "date": str(TODAY),
        "start_date": str(TODAY),
        "respondent": "joint",
        "name": "A\x00B",
        field: "job\x00",
    }
    if url == "/meetings":
        body["kind"] = "follow_up\x00"
    before = everything()
    response = send(client, "POST", f"{API}{url}", body, headers)
    assert 400 <= response.status_code < 500, response.content
    assert everything() == before
