"""Positions of the company register suggested to a citizen, in the REST API: made through
`plans.services.vacancy_suggest` under the rule of the plan's company part (who changes the
plan, and the job consultants of the citizen's organisation), refused naming `vacancy_id`
for a position that cannot be suggested, listed through the scope with the access log, and
its outcome recorded with the version in `If-Match`."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fremdrift.audit.models import AccessLogEntry, ChangeRecord
from fremdrift.companies import services as companies
from fremdrift.plans.models import Plan, VacancySuggestion

API = "/api/v1"
TODAY = dt.date.today()


def post(client, url, body, headers, **extra):
    return client.post(
        f"{API}{url}", json.dumps(body), content_type="application/json", **headers, **extra
    )


def fields_of(response) -> list[str]:
    return [problem["field"] for problem in response.json()["detail"]]


@pytest.fixture
def register(world):
    """Nord's bakery with two open positions, and Syd's smithy with one."""
    bakery = companies.company_create(
        actor=world.caseworker, organisation=world.nord, name="Bageriet", cvr="12345674"
    )
    world.baker = companies.vacancy_add(
        actor=world.caseworker, company=bakery, title="Bager", from_date=TODAY
    )
    world.shop = companies.vacancy_add(
        actor=world.caseworker, company=bakery, title="Butiksassistent", from_date=TODAY
    )
    smithy = companies.company_create(
        actor=world.outsider, organisation=world.syd, name="Smeden", cvr="10000009"
    )
    world.smith = companies.vacancy_add(
        actor=world.outsider, company=smithy, title="Smed", from_date=TODAY
    )
    world.bakery = bakery
    return world


def test_a_job_consultant_suggests_a_position_and_records_the_outcome(
    register, client, bearer, integration_client
):
    w = register
    headers = bearer(w.job_consultant)
    assert not Plan.objects.filter(citizen=w.citizen).exists()
    created = post(
        client,
        "/vacancy-suggestions",
        {"citizen_id": w.citizen.pk, "vacancy_id": w.baker.pk},
        headers,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["citizen_id"], body["vacancy_id"], body["company_id"]) == (
        w.citizen.pk,
        w.baker.pk,
        w.bakery.pk,
    )
    assert (body["title"], body["company_name"], body["outcome"]) == (
        "Bager",
        "Bageriet",
        "suggested",
    )
    assert body["suggested_on"] == str(TODAY) and created["ETag"] == '"1"'
    suggestion = VacancySuggestion.objects.get()
    assert suggestion.suggested_by == integration_client(w.job_consultant)
    assert suggestion.plan.citizen == w.citizen  # the plan is made on the first write

    url = f"/vacancy-suggestions/{suggestion.pk}/outcome"
    assert post(client, url, {"outcome": "applied"}, headers).status_code == 428
    stale = post(client, url, {"outcome": "applied"}, headers, HTTP_IF_MATCH='"3"')
    assert stale.status_code == 412
    bad = post(client, url, {"outcome": "maybe"}, headers, HTTP_IF_MATCH='"1"')
    assert bad.status_code == 400 and fields_of(bad) == ["outcome"]
    assert VacancySuggestion.objects.get().outcome == "suggested"
    done = post(client, url, {"outcome": "hired"}, headers, HTTP_IF_MATCH='"1"')
    assert done.status_code == 200 and done.json()["outcome"] == "hired"
    assert done["ETag"] == '"2"'
    assert (
        ChangeRecord.objects.filter(object_id=suggestion.pk, model__icontains="suggestion").count()
        == 2
    )

    read = client.get(f"{API}/vacancy-suggestions/{suggestion.pk}", **headers)
    assert read.status_code == 200 and read["ETag"] == '"2"'
    listed = client.get(f"{API}/vacancy-suggestions?citizen_id={w.citizen.pk}", **headers)
    assert [s["id"] for s in listed.json()["items"]] == [suggestion.pk]
    entries = AccessLogEntry.objects.filter(user=integration_client(w.job_consultant))
    assert [(e.action, e.citizen_id) for e in entries.order_by("id")] == [
        ("create", w.citizen.pk),
        ("edit", w.citizen.pk),
        ("view", w.citizen.pk),
        ("list", None),
    ]
    assert entries.order_by("id").last().subjects.get().citizen_id == w.citizen.pk


@pytest.mark.parametrize(
    "case", ["another_register", "filled", "retired", "twice", "unknown", "future"]
)
def test_a_position_that_cannot_be_suggested_is_refused_naming_the_field(
    register, client, bearer, case
):
    w = register
    headers = bearer(w.caseworker)
    vacancy, field, extra = w.baker.pk, "vacancy_id", {}
    if case == "another_register":
        vacancy = w.smith.pk
    elif case == "filled":
        companies.vacancy_close(actor=w.caseworker, vacancy=w.baker)
    elif case == "retired":
        companies.company_retire(actor=w.caseworker, company=w.bakery, expected_version=None)
    elif case == "twice":
        first = post(
            client,
            "/vacancy-suggestions",
            {"citizen_id": w.citizen.pk, "vacancy_id": vacancy},
            headers,
        )
        assert first.status_code == 201
    elif case == "unknown":
        vacancy = 999_999
    elif case == "future":
        field, extra = "suggested_on", {"suggested_on": str(TODAY + dt.timedelta(days=3))}
    before = VacancySuggestion.objects.count(), ChangeRecord.objects.count()
    response = post(
        client,
        "/vacancy-suggestions",
        {"citizen_id": w.citizen.pk, "vacancy_id": vacancy} | extra,
        headers,
    )
    assert response.status_code == 400, response.content
    assert fields_of(response) == [field]
    assert (VacancySuggestion.objects.count(), ChangeRecord.objects.count()) == before


def test_the_suggestions_follow_the_case(register, client, bearer):
    w = register
    made = post(
        client,
        "/vacancy-suggestions",
        {"citizen_id": w.citizen.pk, "vacancy_id": w.baker.pk},
        bearer(w.caseworker),
    ).json()
    body = {"citizen_id": w.citizen.pk, "vacancy_id": w.shop.pk}
    outcome = f"/vacancy-suggestions/{made['id']}/outcome"
    # A caseworker of another authority does not see the citizen: 404, never listed.
    outsider = bearer(w.outsider)
    assert client.get(f"{API}/vacancy-suggestions/{made['id']}", **outsider).status_code == 404
    assert client.get(f"{API}/vacancy-suggestions", **outsider).json()["count"] == 0
    assert post(client, "/vacancy-suggestions", body, outsider).status_code == 404
    assert (
        post(client, outcome, {"outcome": "applied"}, outsider, HTTP_IF_MATCH='"1"').status_code
        == 404
    )
    # A manager sees no individual citizen: 404.
    manager = bearer(w.manager)
    assert post(client, "/vacancy-suggestions", body, manager).status_code == 404
    assert client.get(f"{API}/vacancy-suggestions", **manager).json()["count"] == 0
    # The provider the citizen is referred to sees the plan, and may change it, as on the page.
    provider = bearer(w.provider_staff)
    assert client.get(f"{API}/vacancy-suggestions/{made['id']}", **provider).status_code == 200
    # A scoped client without the resource: 403 with the scope named.
    scoped = bearer(w.caseworker, scopes=["plans:write"])
    refused = client.get(f"{API}/vacancy-suggestions", **scoped)
    assert refused.status_code == 403 and "vacancy-suggestions:read" in refused.json()["detail"]
    assert VacancySuggestion.objects.count() == 1
    assert VacancySuggestion.objects.get().outcome == "suggested"


def test_the_list_does_not_grow_its_queries_with_the_suggestions(register, client, bearer):
    w = register
    headers = bearer(w.caseworker)
    url = f"{API}/vacancy-suggestions"
    post(
        client,
        "/vacancy-suggestions",
        {"citizen_id": w.citizen.pk, "vacancy_id": w.baker.pk},
        headers,
    )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, **headers)
        assert response.status_code == 200
        return len(captured)

    queries()  # anything cached per process is read once
    before = queries()
    for citizen in (w.teammates_citizen, w.ended_citizen):
        for vacancy in (w.baker, w.shop):
            made = post(
                client,
                "/vacancy-suggestions",
                {"citizen_id": citizen.pk, "vacancy_id": vacancy.pk},
                headers,
            )
            assert made.status_code == 201
    assert queries() == before
    assert client.get(url, **headers).json()["count"] == 5
