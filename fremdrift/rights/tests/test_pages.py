"""The administrators' retention page: the rule, "Klar til sletning" with a confirmation before
anything is erased, legal holds; every other persona gets 404."""

import datetime as dt

import pytest
from django.utils import timezone

from fremdrift.audit.models import AccessLogEntry
from fremdrift.citizens.models import Citizen
from fremdrift.rights import services
from fremdrift.rights.models import ErasureApproval, LegalHold, RetentionRule
from fremdrift.rights.tests.test_erasure import SIX_YEARS_ON, whole_case

PERSONAS = [
    "caseworker",
    "colleague",
    "job_consultant",
    "manager",
    "outsider",
    "provider_staff",
    "other_provider_staff",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_checks_ownership(world, login, persona):
    page = login(getattr(world, persona))
    citizen = world.ended_citizen.pk
    assert page.get("/retention/").status_code == 404
    assert page.post("/retention/rule/", {"months_after_close": "12"}).status_code == 404
    assert (
        page.post("/retention/erase/", {"citizens": [citizen], "confirm": "on"}).status_code == 404
    )
    assert page.post(f"/retention/{citizen}/hold/", {"reason": "x"}).status_code == 404
    assert not LegalHold.objects.exists() and not RetentionRule.objects.exists()


def test_another_organisations_administrator_cannot_hold_or_erase(world, login):
    whole_case(world)
    services.erasure_candidates_refresh(today=SIX_YEARS_ON)
    syd_admin = world.syd.members.create(username="syd-admin", role="administrator")
    page = login(syd_admin)
    assert "Herman" not in page.get("/retention/").content.decode()
    citizen = world.ended_citizen.pk
    assert page.post(f"/retention/{citizen}/hold/", {"reason": "x"}).status_code == 404
    erased = page.post("/retention/erase/", {"citizens": [citizen], "confirm": "on"})
    assert erased.status_code == 400
    assert Citizen.objects.filter(pk=citizen).exists()


def long_closed(world) -> Citizen:
    """Tove, registered seven years ago and nothing recorded since: due for erasure today."""
    Citizen.objects.filter(pk=world.teammates_citizen.pk).update(
        created_at=timezone.now() - dt.timedelta(days=7 * 366)
    )
    services.erasure_candidates_refresh()
    return world.teammates_citizen


def test_an_administrator_confirms_and_erases_from_the_list(world, login):
    citizen = long_closed(world)
    admin = login(world.administrator)
    page = admin.get("/retention/")
    text = page.content.decode()
    assert page.status_code == 200 and "Klar til sletning" in text and "Tove" in text
    listed = AccessLogEntry.objects.filter(user=world.administrator).latest("pk")
    assert citizen.pk in set(listed.subjects.values_list("citizen_id", flat=True))

    nothing = admin.post("/retention/erase/", {})
    assert nothing.status_code == 400 and 'id="id_citizens-error"' in nothing.content.decode()
    ask = admin.post("/retention/erase/", {"citizens": [citizen.pk]})
    assert ask.status_code == 200 and "Slet endeligt" in ask.content.decode()
    assert Citizen.objects.filter(pk=citizen.pk).exists()  # not before the confirmation
    done = admin.post("/retention/erase/", {"citizens": [citizen.pk], "confirm": "on"})
    assert done.status_code == 302
    assert not Citizen.objects.filter(pk=citizen.pk).exists()
    after = admin.get("/retention/").content.decode()
    assert "Tove" not in after and "1 borgers oplysninger er slettet" in after
    approval = ErasureApproval.objects.get()
    assert approval.erased == 1 and approval.approved_by == world.administrator


def test_a_hold_from_the_page_and_a_rule_with_a_clear_message(world, login):
    citizen = whole_case(world)
    services.erasure_candidates_refresh(today=SIX_YEARS_ON)
    admin = login(world.administrator)
    assert admin.post(f"/retention/{citizen.pk}/hold/", {"reason": ""}).status_code == 302
    assert not LegalHold.objects.filter(lifted_at__isnull=True).exists()
    held = admin.post(f"/retention/{citizen.pk}/hold/", {"reason": "Klage"}, follow=True)
    assert "Klage" in held.content.decode()
    assert LegalHold.objects.filter(citizen=citizen, lifted_at__isnull=True).exists()
    admin.post(f"/retention/{citizen.pk}/hold/lift/")
    assert not LegalHold.objects.filter(citizen=citizen, lifted_at__isnull=True).exists()

    bad = admin.post("/retention/rule/", {"months_after_close": "3"})
    assert bad.status_code == 400
    assert 'id="id_months_after_close-error"' in bad.content.decode()
    assert not RetentionRule.objects.exists()
    assert admin.post("/retention/rule/", {"months_after_close": "36"}).status_code == 302
    assert RetentionRule.objects.get().months_after_close == 36
