"""Referrals and enrolment exits written through the API: what a write returns is the new
representation, as a read answers it. (Moved from `api/tests/test_writes.py`, whose matrices
cover every write endpoint.)"""

import datetime as dt

from fremdrift.api.tests.writes import (
    API,
    BY_NAME,
    DAY,
    TODAY,
    everything,
    fields_of,
    if_match,
    referral_body,
    send,
)
from fremdrift.assessments.models import Assessment
from fremdrift.programmes.models import Enrolment


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
