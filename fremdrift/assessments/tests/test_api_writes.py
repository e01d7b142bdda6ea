"""Assessments written through the API: what a write returns is the new representation, as a
read answers it; a retried assessment with the same `Idempotency-Key` is one. (Moved from
`api/tests/test_writes.py`, whose matrices cover every write endpoint.)"""

import uuid

from fremdrift.api.tests.writes import API, BY_NAME, TODAY, everything, fields_of, send
from fremdrift.assessments.models import Assessment


def test_an_assessment_is_recorded_with_its_answers_and_read_back(
    world, cases, client, bearer, integration_client
):
    headers = bearer(world.caseworker)
    created = BY_NAME["POST /assessments"].call(client, headers, world, "citizen")
    assert created.status_code == 201
    body = created.json()
    read = client.get(f"{API}/assessments/{body['id']}", **headers)
    assert read.json() == body and read["ETag"] == created["ETag"] == '"1"'
    answers = {a["item"]: a for a in body["answers"]}
    assert answers["health_for_work"]["value"] == 7
    assert answers["everyday_energy"]["comment"] == "svært om morgenen"
    assert body["instrument"] == "adult_wheel"
    assert body["recorded_by_id"] == integration_client(world.caseworker).pk


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
