"""The company register in the REST API: companies made, changed and retired through the
services, only the client's own organisation's register (another's is 404), contact persons'
reads in the access log, open positions, and a placement at a retired company refused through
the activity API."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fremdrift.audit.models import AccessLogEntry, ChangeRecord
from fremdrift.companies import services
from fremdrift.companies.models import Company, CompanyContact, Vacancy
from fremdrift.plans.models import Activity

API = "/api/v1"
GOOD_CVR = "12345674"
BAD_CVR = "12345675"  # the check digit does not match
VALID = [GOOD_CVR, "10000009", "10000017", "10000025"]
TODAY = dt.date.today()


def post(client, url, body, headers, **extra):
    return client.post(
        f"{API}{url}", json.dumps(body), content_type="application/json", **headers, **extra
    )


def put(client, url, body, headers, **extra):
    return client.put(
        f"{API}{url}", json.dumps(body), content_type="application/json", **headers, **extra
    )


def fields_of(response) -> list[str]:
    return [problem["field"] for problem in response.json()["detail"]]


def company(world, name="Bageriet", cvr=GOOD_CVR, organisation=None, actor=None):
    return services.company_create(
        actor=actor or world.caseworker,
        organisation=organisation or world.nord,
        name=name,
        cvr=cvr,
    )


def test_the_cvr_numbers_of_these_tests_are_what_they_claim():
    assert all(services.cvr_errors(cvr) == {} for cvr in VALID)
    assert services.cvr_errors(BAD_CVR)


def test_a_company_is_made_and_read_back(world, client, bearer):
    headers = bearer(world.job_consultant)
    response = post(
        client,
        "/companies",
        {"name": "Bageriet", "cvr": "1234 5674", "size_band": "10-49", "sector": "trade"},
        headers,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["cvr"] == GOOD_CVR and body["is_active"] and body["active_placements"] == 0
    assert response["ETag"] == '"1"'
    made = Company.objects.get()
    assert made.organisation == world.nord
    assert ChangeRecord.objects.filter(model__icontains="company", object_id=made.pk).exists()
    read = client.get(f"{API}/companies/{made.pk}", **headers)
    assert read.status_code == 200 and read.json()["name"] == "Bageriet"
    assert read["ETag"] == '"1"'


def test_a_bad_cvr_number_is_a_400_naming_cvr_and_nothing_is_saved(world, client, bearer):
    headers = bearer(world.caseworker)
    changes = ChangeRecord.objects.count()
    response = post(client, "/companies", {"name": "Bageriet", "cvr": BAD_CVR}, headers)
    assert response.status_code == 400
    assert fields_of(response) == ["cvr"]
    assert not Company.objects.exists()
    assert ChangeRecord.objects.count() == changes
    # A CVR number the register has already is named too.
    company(world)
    again = post(client, "/companies", {"name": "Bageriet 2", "cvr": GOOD_CVR}, headers)
    assert again.status_code == 400 and fields_of(again) == ["cvr"]
    assert Company.objects.count() == 1
    # An unknown size band or line of business is named by its field.
    wrong = post(
        client,
        "/companies",
        {"name": "Smeden", "cvr": "10000009", "size_band": "huge", "sector": "space"},
        headers,
    )
    assert wrong.status_code == 400 and set(fields_of(wrong)) == {"size_band", "sector"}
    assert Company.objects.count() == 1


def test_the_list_holds_only_the_own_organisations_register(world, client, bearer):
    own = company(world)
    company(world, name="Smeden", cvr="10000009", organisation=world.syd, actor=world.outsider)
    response = client.get(f"{API}/companies", **bearer(world.caseworker))
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["items"]] == [own.pk]
    syd = client.get(f"{API}/companies", **bearer(world.outsider)).json()["items"]
    assert [c["name"] for c in syd] == ["Smeden"]


def test_another_organisations_company_is_a_404_and_unchanged(world, client, bearer):
    theirs = company(world, name="Smeden", organisation=world.syd, actor=world.outsider)
    contact = services.company_contact_add(actor=world.outsider, company=theirs, name="Sonja")
    vacancy = services.vacancy_add(
        actor=world.outsider, company=theirs, title="Smed", from_date=TODAY
    )
    headers = bearer(world.caseworker)
    base = f"/companies/{theirs.pk}"
    version = {"HTTP_IF_MATCH": '"1"'}
    for url in (
        base,
        f"{base}/contacts",
        f"{base}/contacts/{contact.pk}",
        f"{base}/vacancies",
        f"{base}/vacancies/{vacancy.pk}",
    ):
        response = client.get(f"{API}{url}", **headers)
        assert response.status_code == 404, url
        assert (
            "Smeden" not in response.content.decode() and "Sonja" not in response.content.decode()
        )
    assert put(client, base, {"name": "Mit firma"}, headers, **version).status_code == 404
    assert post(client, f"{base}/retire", {}, headers, **version).status_code == 404
    assert post(client, f"{base}/contacts", {"name": "X"}, headers).status_code == 404
    assert (
        put(client, f"{base}/contacts/{contact.pk}", {"name": "X"}, headers, **version).status_code
        == 404
    )
    assert (
        post(
            client, f"{base}/vacancies", {"title": "X", "from_date": str(TODAY)}, headers
        ).status_code
        == 404
    )
    assert (
        post(client, f"{base}/vacancies/{vacancy.pk}/close", {}, headers, **version).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.name == "Smeden" and theirs.is_active and theirs.version == 1
    assert CompanyContact.objects.get().name == "Sonja"
    assert Vacancy.objects.count() == 1 and Vacancy.objects.get().is_open


@pytest.mark.parametrize("role", ["provider_staff", "manager", "administrator"])
def test_a_role_without_the_register_gets_404(world, client, bearer, role):
    own = company(world)
    headers = bearer(getattr(world, role))
    assert client.get(f"{API}/companies", **headers).status_code == 404
    assert client.get(f"{API}/companies/{own.pk}", **headers).status_code == 404
    response = post(client, "/companies", {"name": "Smeden", "cvr": "10000009"}, headers)
    assert response.status_code == 404
    assert Company.objects.count() == 1


def test_a_company_is_changed_with_its_version(world, client, bearer):
    made = company(world)
    headers = bearer(world.job_consultant)
    url = f"/companies/{made.pk}"
    assert put(client, url, {"address": "Torvet 1"}, headers).status_code == 428
    stale = put(client, url, {"address": "Torvet 1"}, headers, HTTP_IF_MATCH='"7"')
    assert stale.status_code == 412
    changed = put(client, url, {"address": "Torvet 1"}, headers, HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200, changed.content
    body = changed.json()
    # A field left out stays as it is.
    assert (body["name"], body["cvr"], body["address"]) == ("Bageriet", GOOD_CVR, "Torvet 1")
    assert changed["ETag"] == '"2"'
    bad = put(client, url, {"cvr": BAD_CVR}, headers, HTTP_IF_MATCH='"2"')
    assert bad.status_code == 400 and fields_of(bad) == ["cvr"]
    made.refresh_from_db()
    assert made.cvr == GOOD_CVR and made.version == 2


def test_contact_persons_are_read_in_the_access_log(world, client, bearer, integration_client):
    made = company(world)
    headers = bearer(world.job_consultant)
    created = post(
        client,
        f"/companies/{made.pk}/contacts",
        {"name": "Bodil Bager", "role": "Mester", "email": "bodil@bageriet.dk"},
        headers,
    )
    assert created.status_code == 201, created.content
    contact_id = created.json()["id"]
    listed = client.get(f"{API}/companies/{made.pk}/contacts", **headers)
    assert [c["name"] for c in listed.json()["items"]] == ["Bodil Bager"]
    one = client.get(f"{API}/companies/{made.pk}/contacts/{contact_id}", **headers)
    assert one.status_code == 200 and one["ETag"] == '"1"'
    changed = put(
        client,
        f"/companies/{made.pk}/contacts/{contact_id}",
        {"phone": "12345678"},
        headers,
        HTTP_IF_MATCH='"1"',
    )
    assert changed.status_code == 200 and changed.json()["phone"] == "12345678"
    assert changed.json()["name"] == "Bodil Bager"
    fagsystem = integration_client(world.job_consultant)
    entries = AccessLogEntry.objects.filter(user=fagsystem).order_by("id")
    assert [(e.action, e.path) for e in entries] == [
        ("create", f"{API}/companies/{made.pk}/contacts"),
        ("list", f"{API}/companies/{made.pk}/contacts"),
        ("view", f"{API}/companies/{made.pk}/contacts/{contact_id}"),
        ("edit", f"{API}/companies/{made.pk}/contacts/{contact_id}"),
    ]
    # The company's own facts and its positions name no person and are not logged.
    client.get(f"{API}/companies/{made.pk}", **headers)
    client.get(f"{API}/companies/{made.pk}/vacancies", **headers)
    assert AccessLogEntry.objects.filter(user=fagsystem).count() == 4
    bad = post(client, f"/companies/{made.pk}/contacts", {"name": " ", "email": "nej"}, headers)
    assert bad.status_code == 400 and set(fields_of(bad)) == {"name", "email"}
    assert CompanyContact.objects.count() == 1


def test_an_open_position_is_added_and_closed(world, client, bearer):
    made = company(world)
    headers = bearer(world.job_consultant)
    url = f"/companies/{made.pk}/vacancies"
    created = post(
        client, url, {"title": "Bager", "from_date": str(TODAY), "weekly_hours": 37}, headers
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["weekly_hours"] == 37 and body["is_open"] and body["company_id"] == made.pk
    bad = post(
        client, url, {"title": "Bager", "from_date": str(TODAY), "weekly_hours": 60}, headers
    )
    assert bad.status_code == 400 and fields_of(bad) == ["weekly_hours"]
    close = f"{url}/{body['id']}/close"
    assert post(client, close, {}, headers).status_code == 428
    closed = post(client, close, {}, headers, HTTP_IF_MATCH='"1"')
    assert closed.status_code == 200 and not closed.json()["is_open"]
    again = post(client, close, {}, headers, HTTP_IF_MATCH='"2"')
    assert again.status_code == 400 and fields_of(again) == ["is_open"]
    assert [v["is_open"] for v in client.get(f"{API}{url}", **headers).json()["items"]] == [False]
    assert client.get(f"{API}{url}?is_open=true", **headers).json()["count"] == 0
    assert Vacancy.objects.count() == 1


def test_a_retired_company_takes_no_position_and_no_new_placement(world, client, bearer):
    made = company(world)
    headers = bearer(world.caseworker)
    retire = f"/companies/{made.pk}/retire"
    assert post(client, retire, {}, headers).status_code == 428
    retired = post(client, retire, {}, headers, HTTP_IF_MATCH='"1"')
    assert retired.status_code == 200 and retired.json()["is_active"] is False
    again = post(client, retire, {}, headers, HTTP_IF_MATCH='"2"')
    assert again.status_code == 400 and fields_of(again) == ["is_active"]
    position = post(
        client,
        f"/companies/{made.pk}/vacancies",
        {"title": "Bager", "from_date": str(TODAY)},
        headers,
    )
    assert position.status_code == 400 and fields_of(position) == ["company"]
    listed = client.get(f"{API}/companies?is_active=false", **headers).json()["items"]
    assert [c["id"] for c in listed] == [made.pk]

    placement = {
        "citizen_id": world.citizen.pk,
        "sector": "employment",
        "kind": "internship_single",
        "purpose": "Praktik i bageriet",
        "start_date": str(TODAY),
        "company_id": made.pk,
    }
    consultant = bearer(world.job_consultant)
    changes = ChangeRecord.objects.count()
    refused = post(client, "/activities", placement, consultant)
    assert refused.status_code == 400, refused.content
    assert fields_of(refused) == ["company_id"]
    assert not Activity.objects.exists()
    assert ChangeRecord.objects.count() == changes


def test_a_placement_names_its_company_and_mentor_through_the_activity_api(world, client, bearer):
    made = company(world)
    mentor = services.company_contact_add(actor=world.caseworker, company=made, name="Bodil")
    other = company(world, name="Smeden", cvr="10000009")
    someone_else = services.company_contact_add(actor=world.caseworker, company=other, name="Sv")
    headers = bearer(world.job_consultant)
    placement = {
        "citizen_id": world.citizen.pk,
        "sector": "employment",
        "kind": "internship_single",
        "purpose": "Praktik i bageriet",
        "start_date": str(TODAY),
        "company_id": made.pk,
        "mentor_contact_id": someone_else.pk,
    }
    wrong = post(client, "/activities", placement, headers)
    assert wrong.status_code == 400 and fields_of(wrong) == ["mentor_contact_id"]
    created = post(client, "/activities", placement | {"mentor_contact_id": mentor.pk}, headers)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["company_id"], body["mentor_contact_id"], body["company_mentor"]) == (
        made.pk,
        mentor.pk,
        True,
    )
    read = client.get(f"{API}/companies/{made.pk}", **headers).json()
    assert read["active_placements"] == 1


def test_a_scoped_client_reads_but_does_not_write_the_register(world, client, bearer):
    made = company(world)
    reader = bearer(world.caseworker, scopes=["companies:read"])
    assert client.get(f"{API}/companies/{made.pk}", **reader).status_code == 200
    refused = post(client, "/companies", {"name": "Smeden", "cvr": "10000009"}, reader)
    assert refused.status_code == 403 and "companies:write" in refused.json()["detail"]
    other = bearer(world.caseworker, scopes=["plans:write"])
    assert client.get(f"{API}/companies", **other).status_code == 403
    assert Company.objects.count() == 1


def _queries(client, url, headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(queries)


def test_the_lists_do_not_grow_their_queries_with_the_register(world, client, bearer):
    made = company(world)
    services.company_contact_add(actor=world.caseworker, company=made, name="Bodil")
    services.vacancy_add(actor=world.caseworker, company=made, title="Bager", from_date=TODAY)
    headers = bearer(world.caseworker)
    urls = [
        f"{API}/companies",
        f"{API}/companies/{made.pk}/contacts",
        f"{API}/companies/{made.pk}/vacancies",
    ]
    for url in urls:
        _queries(client, url, headers)  # anything cached per process is read once
    before = [_queries(client, url, headers) for url in urls]
    for number, cvr in enumerate(VALID[1:]):
        company(world, name=f"Firma {number}", cvr=cvr)
        services.company_contact_add(actor=world.caseworker, company=made, name=f"K {number}")
        services.vacancy_add(actor=world.caseworker, company=made, title="Job", from_date=TODAY)
    assert [_queries(client, url, headers) for url in urls] == before
    assert client.get(urls[0], **headers).json()["count"] == 4
