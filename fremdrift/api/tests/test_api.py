"""The API: tokens, the same scoping and access log as the pages, versions on updates, and
clear 4xx answers."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from fremdrift.accounts.models import User
from fremdrift.api import services
from fremdrift.api.models import ApiToken
from fremdrift.audit.models import AccessLogEntry
from fremdrift.citizens.models import Citizen
from fremdrift.citizens.tests.test_access import CITIZENS, ROLES, VISIBLE
from fremdrift.testing import make_cpr

API = "/api/v1"


def test_the_schema_and_docs_are_served(client):
    schema = client.get(f"{API}/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert f"{API}/citizens" in paths and f"{API}/citizens/{{citizen_id}}" in paths
    assert client.get(f"{API}/docs").status_code == 200


@pytest.mark.parametrize("header", ["", "Bearer nonsense", "Bearer "])
def test_without_a_valid_token_the_answer_is_401(world, client, header):
    response = client.get(f"{API}/citizens", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_expired_and_revoked_tokens_stop_working(world, client, bearer):
    headers = bearer(world.caseworker)
    assert client.get(f"{API}/citizens", **headers).status_code == 200
    token = ApiToken.objects.get()
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(f"{API}/citizens", **headers).status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    services.api_token_revoke(actor=world.administrator, token=token)
    assert client.get(f"{API}/citizens", **headers).status_code == 401


def test_the_key_is_kept_only_as_a_hash(world, bearer):
    headers = bearer(world.caseworker)
    key = headers["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    token = ApiToken.objects.get()
    assert key not in (token.key_hash, token.prefix) and token.key_hash == services.key_hash(key)


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_follows_the_access_matrix(world, client, bearer, role):
    headers = bearer(getattr(world, role))
    listed = client.get(f"{API}/citizens", **headers).json()
    ids = {item["id"] for item in listed["items"]}
    assert ids == {getattr(world, name).pk for name in VISIBLE[role]}
    for name in CITIZENS:
        citizen = getattr(world, name)
        response = client.get(f"{API}/citizens/{citizen.pk}", **headers)
        assert response.status_code == (200 if name in VISIBLE[role] else 404), name
        if response.status_code == 200:
            assert response["ETag"] == f'"{citizen.version}"'
            body = json.dumps(response.json())
            assert citizen.masked_cpr in body and "cpr_encrypted" not in body


def test_reads_are_in_the_access_log(world, client, bearer, integration_client):
    headers = bearer(world.caseworker)
    client.get(f"{API}/citizens", **headers)
    client.get(f"{API}/citizens/{world.citizen.pk}", **headers)
    fagsystem = integration_client(world.caseworker)
    entries = AccessLogEntry.objects.filter(user=fagsystem).order_by("id")
    assert [e.action for e in entries] == ["list", "view"]
    assert entries[1].citizen_id == world.citizen.pk


def test_updated_since_keeps_another_system_in_step(world, client, bearer):
    headers = bearer(world.caseworker)
    later = timezone.now() + dt.timedelta(seconds=1)
    Citizen.objects.filter(pk=world.citizen.pk).update(updated_at=later)
    response = client.get(f"{API}/citizens", {"updated_since": later.isoformat()}, **headers)
    assert [item["id"] for item in response.json()["items"]] == [world.citizen.pk]


def change(citizen, **extra):
    body = {
        "first_name": "Karen",
        "last_name": "Dinesen",
        "target_group": citizen.target_group.code,
        "responsible_caseworker_id": citizen.responsible_caseworker_id,
    } | extra
    return json.dumps(body)


def test_updates_carry_the_version_and_a_stale_one_changes_nothing(world, client, bearer):
    headers = bearer(world.caseworker)
    url = f"{API}/citizens/{world.citizen.pk}"
    put = client.put(
        url, change(world.citizen), content_type="application/json", **headers, HTTP_IF_MATCH='"1"'
    )
    assert put.status_code == 200 and put["ETag"] == '"2"'
    stale = client.put(
        url,
        change(world.citizen, last_name="Blixen"),
        content_type="application/json",
        **headers,
        HTTP_IF_MATCH='"1"',
    )
    assert stale.status_code == 412
    missing = client.put(url, change(world.citizen), content_type="application/json", **headers)
    assert missing.status_code == 428
    world.citizen.refresh_from_db()
    assert (world.citizen.last_name, world.citizen.version) == ("Dinesen", 2)


def test_bad_bodies_get_a_4xx_that_names_the_field(world, client, bearer):
    headers = bearer(world.caseworker)
    url = f"{API}/citizens/{world.citizen.pk}"
    bad_code = client.put(
        url,
        change(world.citizen, target_group="nope"),
        content_type="application/json",
        **headers,
        HTTP_IF_MATCH='"1"',
    )
    assert bad_code.status_code == 400 and bad_code.json()["detail"][0]["field"] == "target_group"
    wrong_shape = client.put(
        url,
        json.dumps({"first_name": 3}),
        content_type="application/json",
        **headers,
        HTTP_IF_MATCH='"1"',
    )
    assert wrong_shape.status_code == 422 and "last_name" in wrong_shape.content.decode()
    world.citizen.refresh_from_db()
    assert world.citizen.version == 1


def test_a_nul_character_in_a_citizen_is_a_422_and_changes_nothing(world, client, bearer):
    """PostgreSQL refuses NUL in text; the answer must be a clear 422, not a server error."""
    headers = bearer(world.caseworker)
    url = f"{API}/citizens/{world.citizen.pk}"
    put = client.put(
        url,
        change(world.citizen, first_name="Ka\x00ren"),
        content_type="application/json",
        **headers,
        HTTP_IF_MATCH='"1"',
    )
    assert put.status_code == 422, put.content
    count = Citizen.objects.count()
    body = {
        "first_name": "To\x00ve",
        "last_name": "Kjarval",
        "cpr": make_cpr(dt.date(1988, 5, 2)),
        "target_group": world.citizen.target_group.code,
        "responsible_caseworker_id": world.caseworker.pk,
    }
    post = client.post(
        f"{API}/citizens", json.dumps(body), content_type="application/json", **headers
    )
    assert post.status_code == 422, post.content
    assert Citizen.objects.count() == count
    before = world.citizen.first_name
    world.citizen.refresh_from_db()
    assert (world.citizen.first_name, world.citizen.version) == (before, 1)


@pytest.mark.parametrize("version", ["\u00b2", "9" * 5000])
def test_an_if_match_that_is_no_version_is_a_412_and_changes_nothing(
    world, client, bearer, version
):
    """A non-ASCII digit or a number too long for int() is not a version: 412, not a 500."""
    response = client.put(
        f"{API}/citizens/{world.citizen.pk}",
        change(world.citizen, last_name="Blixen"),
        content_type="application/json",
        **bearer(world.caseworker),
        HTTP_IF_MATCH=f'"{version}"',
    )
    assert response.status_code == 412, response.content
    last_name = world.citizen.last_name
    world.citizen.refresh_from_db()
    assert (world.citizen.last_name, world.citizen.version) == (last_name, 1)


def test_a_citizen_is_created_with_the_cpr_number_in_the_body(world, client, bearer):
    headers = bearer(world.caseworker)
    body = {
        "first_name": "Tove",
        "last_name": "Kjarval",
        "cpr": make_cpr(dt.date(1988, 5, 2)),
        "target_group": world.citizen.target_group.code,
        "responsible_caseworker_id": world.caseworker.pk,
    }
    created = client.post(
        f"{API}/citizens", json.dumps(body), content_type="application/json", **headers
    )
    assert created.status_code == 201 and created.json()["birth_date"] == "1988-05-02"
    invalid = client.post(
        f"{API}/citizens",
        json.dumps(body | {"cpr": "3213011234"}),
        content_type="application/json",
        **headers,
    )
    assert invalid.status_code == 400 and invalid.json()["detail"][0]["field"] == "cpr"
    consultant = bearer(world.job_consultant)
    refused = client.post(
        f"{API}/citizens", json.dumps(body), content_type="application/json", **consultant
    )
    assert refused.status_code == 403


def test_code_lists_and_instruments(world, client, bearer):
    headers = bearer(world.manager)
    lists = client.get(f"{API}/codelists", **headers).json()
    assert "exit_reason" in lists
    exits = client.get(f"{API}/codelists/exit_reason", **headers).json()["codes"]
    assert {"code": "job", "parent": "self_support"}.items() <= next(
        c for c in exits if c["code"] == "job"
    ).items()
    assert client.get(f"{API}/codelists/nope", **headers).status_code == 404
    wheel = client.get(f"{API}/instruments/adult_wheel", **headers).json()
    assert wheel["versions"][0]["items"][0]["code"] == "health_for_work"


@pytest.mark.parametrize("role", ["caseworker", "manager", "administrator"])
def test_it_checks_ownership(world, login, role, integration_client):
    """Only administrators create integration clients and issue and revoke their tokens."""
    client = login(getattr(world, role))
    page = client.get(reverse("api:client-create"))
    assert page.status_code == (200 if role == "administrator" else 404)
    created = client.post(
        reverse("api:client-create"),
        {"name": "Fagsystem", "organisation": world.nord.pk, "role": "caseworker"},
    )
    assert created.status_code == (302 if role == "administrator" else 404)
    fagsystem = User.objects.filter(kind=User.Kind.SYSTEM).first()
    assert (fagsystem is not None) == (role == "administrator")
    target = fagsystem or integration_client(world.caseworker)
    assert client.get(reverse("api:client", args=[target.pk])).status_code == (
        200 if role == "administrator" else 404
    )
    issued = client.post(
        reverse("api:token-issue", args=[target.pk]), {"name": "Sag", "days": "30"}
    )
    assert ApiToken.objects.filter(name="Sag").exists() == (role == "administrator")
    if role == "administrator":
        assert 'data-testid="new-key"' in issued.content.decode()
        key_text = issued.content.decode().split("<code>fr_")[1].split("</code>")[0]
        assert services.key_hash("fr_" + key_text) == ApiToken.objects.get(name="Sag").key_hash
        # The key is shown once: the page afterwards does not show it.
        again = client.get(reverse("api:client", args=[target.pk])).content.decode()
        assert key_text not in again and "fr_" + key_text[:8] in again
    else:
        token, _key = services.api_token_issue(
            actor=world.administrator, user=target, name="Fagets"
        )
        revoked = client.post(reverse("api:revoke", args=[target.pk, token.pk]))
        assert revoked.status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None


@pytest.mark.parametrize(
    "moment", ["1199-04-07T09:54:19.887-16:37", "0001-01-01T00:00:00+05:00", "2026-01-01T00:00:00"]
)
def test_any_iso_moment_in_updated_since_is_answered_without_a_server_error(
    world, client, bearer, moment
):
    response = client.get(f"{API}/citizens", {"updated_since": moment}, **bearer(world.caseworker))
    assert response.status_code in (200, 400)


def test_an_id_beyond_the_database_integer_is_a_422(world, client, bearer):
    response = client.get(f"{API}/citizens/99999999999999999999", **bearer(world.caseworker))
    assert response.status_code == 422
