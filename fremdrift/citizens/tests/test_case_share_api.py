"""Case shares in the REST API (issue 25, §3): made, listed and ended by the home
organisation's caseworkers through the citizens services; a share with the own organisation or
a provider is a 400 naming the field; the other authority's caseworker may not share or end
(403); once ended, the other authority's client gets 404 on the citizen at once; and nothing of
the home organisation's internal meeting notes reaches it through the API."""

import datetime as dt
import json

import pytest

from fremdrift.accounts.models import Role
from fremdrift.audit.models import AccessLogEntry, ChangeRecord
from fremdrift.citizens.models import CaseShare
from fremdrift.citizens.services import case_share_create
from fremdrift.codelists.models import Code
from fremdrift.plans import services as plan_services
from fremdrift.testing import make_organisation, make_user

API = "/api/v1"
TODAY = dt.date.today()
SECRET = "INTERNT-HJEMME-NOTAT"


def post(client, url, body, headers, **extra):
    return client.post(
        f"{API}{url}", json.dumps(body), content_type="application/json", **headers, **extra
    )


def fields_of(response) -> list[str]:
    return [problem["field"] for problem in response.json()["detail"]]


@pytest.fixture
def social(world):
    """Socialforvaltningen, an authority with a caseworker; no share yet."""
    world.social = make_organisation("Socialforvaltningen")
    world.social_worker = make_user("socialworker", world.social, Role.CASEWORKER)
    return world


def share_body(world, **extra) -> dict:
    return {
        "shared_with_id": world.social.pk,
        "purpose": "Koordineret indsats om bolig og beskæftigelse",
        "start_date": str(TODAY - dt.timedelta(days=1)),
    } | extra


def test_a_home_caseworker_shares_lists_and_ends_a_case(social, client, bearer):
    w = social
    home = bearer(w.caseworker)
    other = bearer(w.social_worker)
    citizen_url = f"{API}/citizens/{w.citizen.pk}"
    assert client.get(citizen_url, **other).status_code == 404

    created = post(client, f"/citizens/{w.citizen.pk}/shares", share_body(w), home)
    assert created.status_code == 201, created.content
    share = created.json()
    assert share["shared_with_id"] == w.social.pk and share["is_active"]
    assert share["home_organisation_id"] == w.nord.pk and share["end_date"] is None
    assert created["ETag"] == '"1"'
    made = CaseShare.objects.get()
    assert made.created_by.organisation == w.nord
    assert ChangeRecord.objects.filter(citizen_id=w.citizen.pk, object_id=made.pk).exists()

    # The other authority sees the citizen at once, and its own share.
    assert client.get(citizen_url, **other).status_code == 200
    theirs = client.get(f"{citizen_url}/shares", **other)
    assert theirs.status_code == 200 and [s["id"] for s in theirs.json()["items"]] == [made.pk]
    listed = client.get(f"{citizen_url}/shares", **home).json()
    assert listed["count"] == 1 and listed["items"][0]["purpose"].startswith("Koordineret")

    end = f"/citizens/{w.citizen.pk}/shares/{made.pk}/end"
    assert post(client, end, {}, home).status_code == 428
    assert post(client, end, {}, home, HTTP_IF_MATCH='"5"').status_code == 412
    assert CaseShare.objects.get().ended_at is None
    ended = post(client, end, {}, home, HTTP_IF_MATCH='"1"')
    assert ended.status_code == 200, ended.content
    assert ended.json()["is_active"] is False and ended.json()["end_date"] == str(TODAY)
    assert ended["ETag"] == '"2"'
    # At once: the other authority's client no longer reaches the citizen, nor its shares.
    assert client.get(citizen_url, **other).status_code == 404
    assert client.get(f"{citizen_url}/shares", **other).status_code == 404
    assert w.citizen.last_name not in client.get(f"{API}/citizens", **other).content.decode()
    again = post(client, end, {}, home, HTTP_IF_MATCH='"2"')
    assert again.status_code == 400 and fields_of(again) == ["ended_at"]


def test_the_share_reads_and_writes_are_in_the_access_log(
    social, client, bearer, integration_client
):
    w = social
    home = bearer(w.caseworker)
    created = post(client, f"/citizens/{w.citizen.pk}/shares", share_body(w), home)
    client.get(f"{API}/citizens/{w.citizen.pk}/shares", **home)
    post(
        client,
        f"/citizens/{w.citizen.pk}/shares/{created.json()['id']}/end",
        {},
        home,
        HTTP_IF_MATCH='"1"',
    )
    entries = AccessLogEntry.objects.filter(user=integration_client(w.caseworker)).order_by("id")
    assert [(e.action, e.citizen_id) for e in entries] == [
        ("create", w.citizen.pk),
        ("view", w.citizen.pk),
        ("edit", w.citizen.pk),
    ]


@pytest.mark.parametrize(
    ("target", "field"),
    [("nord", "shared_with_id"), ("vaekst", "shared_with_id"), (None, "shared_with_id")],
)
def test_a_share_with_the_own_organisation_or_a_provider_is_refused(
    social, client, bearer, target, field
):
    w = social
    shared_with_id = getattr(w, target).pk if target else 999_999
    headers = bearer(w.caseworker)
    changes = ChangeRecord.objects.count()
    response = post(
        client,
        f"/citizens/{w.citizen.pk}/shares",
        share_body(w, shared_with_id=shared_with_id),
        headers,
    )
    assert response.status_code == 400, response.content
    assert fields_of(response) == [field]
    assert not CaseShare.objects.exists()
    assert ChangeRecord.objects.count() == changes


def test_bad_periods_and_overlaps_are_named(social, client, bearer):
    w = social
    home = bearer(w.caseworker)
    url = f"/citizens/{w.citizen.pk}/shares"
    backwards = post(client, url, share_body(w, end_date=str(TODAY - dt.timedelta(days=5))), home)
    assert backwards.status_code == 400 and fields_of(backwards) == ["end_date"]
    blank = post(client, url, share_body(w, purpose="  "), home)
    assert blank.status_code == 400 and fields_of(blank) == ["purpose"]
    assert post(client, url, share_body(w), home).status_code == 201
    overlap = post(client, url, share_body(w), home)
    assert overlap.status_code == 400 and fields_of(overlap) == ["start_date"]
    assert CaseShare.objects.count() == 1


def test_only_the_home_caseworkers_share_and_end(social, client, bearer):
    w = social
    share = case_share_create(
        actor=w.caseworker,
        citizen=w.citizen,
        shared_with=w.social,
        purpose="Bolig",
        start_date=TODAY,
    )
    url = f"/citizens/{w.citizen.pk}/shares"
    end = f"{url}/{share.pk}/end"
    body = share_body(w, shared_with_id=w.syd.pk)
    # The other authority's caseworker sees the citizen but may not share or end: 403.
    other = bearer(w.social_worker)
    assert post(client, url, body, other).status_code == 403
    assert post(client, end, {}, other, HTTP_IF_MATCH='"1"').status_code == 403
    # A job consultant of the home organisation sees the citizen but shares nothing: 403.
    consultant = bearer(w.job_consultant)
    assert post(client, url, body, consultant).status_code == 403
    assert client.get(f"{API}{url}", **consultant).json()["count"] == 0
    # A caseworker of a third authority does not see the citizen: 404.
    outsider = bearer(w.outsider)
    assert post(client, url, body, outsider).status_code == 404
    assert post(client, end, {}, outsider, HTTP_IF_MATCH='"1"').status_code == 404
    assert client.get(f"{API}{url}", **outsider).status_code == 404
    # Provider staff who see the citizen by a referral may not share either.
    assert post(client, url, body, bearer(w.provider_staff)).status_code == 403
    # Another citizen's share is not found under this citizen.
    wrong = f"/citizens/{w.teammates_citizen.pk}/shares/{share.pk}/end"
    assert post(client, wrong, {}, bearer(w.caseworker), HTTP_IF_MATCH='"1"').status_code == 404
    assert CaseShare.objects.count() == 1
    assert CaseShare.objects.get().ended_at is None


def test_the_other_authority_reads_no_internal_note_through_the_api(social, client, bearer):
    w = social
    case_share_create(
        actor=w.caseworker,
        citizen=w.citizen,
        shared_with=w.social,
        purpose="Bolig",
        start_date=TODAY,
    )
    plan = plan_services.plan_get_or_create(actor=w.caseworker, citizen=w.citizen)
    kind = Code.objects.filter(code_list="meeting_kind", code="start_meeting").first()
    internal = plan_services.meeting_record(
        actor=w.caseworker,
        plan=plan,
        kind=kind,
        date=TODAY,
        citizen_attended=True,
        notes=SECRET,
        notes_internal=True,
    )
    other = bearer(w.social_worker)
    for url in (
        f"/meetings/{internal.pk}",
        "/meetings",
        f"/meetings?citizen_id={w.citizen.pk}",
        f"/plans?citizen_id={w.citizen.pk}",
        f"/plans/{plan.pk}",
        f"/fhir/CarePlan?patient={w.citizen.pk}",
        f"/citizens/{w.citizen.pk}/shares",
    ):
        response = client.get(f"{API}{url}", **other)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url
    detail = client.get(f"{API}/meetings/{internal.pk}", **other).json()
    assert detail["notes"] is None and detail["notes_internal"] is True
    # The home caseworker reads it.
    home = client.get(f"{API}/meetings/{internal.pk}", **bearer(w.caseworker)).json()
    assert home["notes"] == SECRET
