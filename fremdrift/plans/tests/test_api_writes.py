"""The plan written through the API (plans, goals, activities and their hours, meetings,
mentors): what a write returns is the new representation, as a read answers it. (Moved from
`api/tests/test_writes.py`, whose matrices cover every write endpoint.)"""

import datetime as dt

from fremdrift.api.tests.writes import API, BY_NAME, DAY, TODAY, fields_of, if_match, send
from fremdrift.plans.models import Goal, HoursChange, Plan


def test_a_goal_change_is_one_event_with_its_reason(
    world, cases, client, bearer, integration_client
):
    headers = bearer(world.provider_staff)
    goal = world.cases["citizen"].goals[1]
    events = goal.events.count()
    response = BY_NAME["PUT /goals/{id}"].call(client, headers, world, "citizen")
    assert response.status_code == 200, response.content
    assert response.json()["text"] == "Møde til tiden hver dag"
    assert goal.events.count() == events + 1
    event = goal.events.order_by("id").last()
    assert event.reason == "situation_changed"
    assert event.actor == integration_client(world.provider_staff)


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


def test_writes_are_in_the_access_log(world, cases, client, bearer, integration_client):
    from fremdrift.audit.models import AccessLogEntry

    headers = bearer(world.caseworker)
    BY_NAME["POST /goals"].call(client, headers, world, "citizen")
    BY_NAME["PUT /goals/{id}"].call(client, headers, world, "citizen")
    fagsystem = integration_client(world.caseworker)
    entries = AccessLogEntry.objects.filter(user=fagsystem).order_by("id")
    assert [(e.action, e.citizen_id) for e in entries] == [
        ("create", world.citizen.pk),
        ("edit", world.citizen.pk),
    ]
