"""Roles as DOMAIN.md describes them: the full CPR number only for the caseworkers of the
citizen's home organisation, with a purpose from a list; internal meeting notes never for job
consultants, managers or provider staff, on pages or through the API."""

import pytest
from django.urls import reverse

from fremdrift.api.tests.writes import cases as cases  # noqa: F401 (a fixture)
from fremdrift.audit.models import AccessLogEntry
from fremdrift.citizens import selectors

INTERNAL = "INTERN: bekymret for søvnen"  # the internal note of every case's meeting


def test_revealing_the_cpr_number_needs_a_purpose_from_the_list(world, login):
    client = login(world.caseworker)
    url = reverse("citizens:show_cpr", args=[world.citizen.pk])
    full = selectors.citizen_cpr(world.citizen).formatted
    for data, field in [
        ({}, "purpose"),
        ({"purpose": "whim"}, "purpose"),
        ({"purpose": "other"}, "note"),
    ]:
        refused = client.post(url, data)
        assert refused.status_code == 400
        page = refused.content.decode()
        assert full not in page and f'id="id_{field}"' in page and "form-error" in page
    assert not AccessLogEntry.objects.filter(action="show_cpr").exists()
    shown = client.post(url, {"purpose": "contact_authority"})
    assert shown.status_code == 200 and full in shown.content.decode()
    entry = AccessLogEntry.objects.get(action="show_cpr")
    assert entry.purpose == "Kontakt med en anden myndighed"


@pytest.mark.parametrize("role", ["job_consultant", "provider_staff"])
def test_who_sees_the_citizen_but_is_no_caseworker_gets_no_cpr_form(world, login, role):
    url = reverse("citizens:detail", args=[world.citizen.pk])
    assert "Vis hele CPR-nummeret" in login(world.caseworker).get(url).content.decode()
    client = login(getattr(world, role))
    page = client.get(url).content.decode()
    assert "Vis hele CPR-nummeret" not in page
    refused = client.post(
        reverse("citizens:show_cpr", args=[world.citizen.pk]), {"purpose": "identity"}
    )
    assert refused.status_code == 403
    assert selectors.citizen_cpr(world.citizen).formatted not in refused.content.decode()


NOTES = {
    "caseworker": True,
    "colleague": True,
    "job_consultant": False,
    "provider_staff": False,
}


@pytest.mark.parametrize(("role", "reads"), NOTES.items())
def test_internal_meeting_notes_only_for_the_home_organisations_caseworkers(
    world, cases, login, bearer, role, reads
):
    user = getattr(world, role)
    meeting = cases["citizen"].meeting
    client = login(user)
    if role != "provider_staff":  # provider staff see the plan, not its meetings' notes
        page = client.get(reverse("plans:plan", args=[world.citizen.pk])).content.decode()
        assert (INTERNAL in page) == reads
    one = client.get(f"/api/v1/meetings/{meeting.pk}", **bearer(user))
    assert one.status_code == 200
    assert (one.json()["notes"] == INTERNAL) == reads
    listed = client.get(f"/api/v1/meetings?citizen_id={world.citizen.pk}", **bearer(user))
    notes = [item["notes"] for item in listed.json()["items"]]
    assert (INTERNAL in notes) == reads


def test_notes_shared_with_the_citizen_are_read_by_the_job_consultant(world, cases, login):
    meeting = cases["citizen"].meeting
    meeting.notes_internal = False
    meeting.save()
    page = login(world.job_consultant).get(reverse("plans:plan", args=[world.citizen.pk]))
    assert INTERNAL in page.content.decode()
