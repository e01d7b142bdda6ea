"""The API's writes across apps: every write endpoint follows the access matrix (out of scope
404, in scope but not allowed 403, and nothing changes); updates carry the version in
`If-Match` (stale 412, missing 428); bad codes and values are a 400 naming the field, with
nothing saved; a body of the wrong shape is a 422. What each app's writes return is tested in
that app (`<app>/tests/test_api_writes.py`); the endpoints and fixtures are in `writes.py`."""

import datetime as dt

import pytest

from fremdrift.api.tests.writes import (
    API,
    BY_NAME,
    DAY,
    ENDPOINTS,
    REFERRAL_END,
    TODAY,
    Endpoint,
    changes_of,
    everything,
    fields_of,
    referral_body,
    send,
)
from fremdrift.assessments.models import Assessment
from fremdrift.citizens.tests.test_access import CITIZENS, ROLES
from fremdrift.plans.models import Activity, Goal, Plan
from fremdrift.programmes.models import Enrolment
from fremdrift.referrals.models import Referral


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


def test_new_writes_are_in_the_access_log(world, cases, client, bearer, integration_client):
    from fremdrift.audit.models import AccessLogEntry

    headers = bearer(world.caseworker)
    BY_NAME["PUT /plans/{id}"].call(client, headers, world, "citizen")
    created = BY_NAME["POST /referrals"].call(client, headers, world, "teammates_citizen")
    BY_NAME["POST /referrals/{id}/end"].call(client, headers, world, "citizen")
    assert created.status_code == 201
    client_user = integration_client(world.caseworker)
    entries = AccessLogEntry.objects.filter(user=client_user).order_by("id")
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
