"""Organisations on the project's own pages (issue 16, issue 26), not in the Django admin:
administrators list them, create providers and projects and change them; every change is a
change record; bad input names the field and saves nothing."""

import pytest
from django.urls import reverse

from fremdrift.accounts.models import Organisation
from fremdrift.audit.models import ChangeRecord


def test_an_administrator_lists_creates_and_changes_a_provider(world, login):
    client = login(world.administrator)
    listing = client.get(reverse("signin:organisations"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Vækst" in html and "Jobcenter Syd" in html
    assert reverse("signin:organisation_edit", args=[world.vaekst.pk]) in html
    assert reverse("signin:organisation_edit", args=[world.syd.pk]) not in html  # not ours
    created = client.post(
        reverse("signin:organisation_create"),
        {"name": "Ny Vej ApS", "kind": "provider", "is_active": "on"},
    )
    assert created.status_code == 302
    new = Organisation.objects.get(name="Ny Vej ApS")
    assert new.kind == "provider" and new.is_active
    assert ChangeRecord.objects.filter(
        model="accounts.Organisation", object_id=str(new.pk), kind="create"
    ).exists()
    changed = client.post(
        reverse("signin:organisation_edit", args=[new.pk]),
        {"name": "Ny Vej ApS", "kind": "project"},
    )
    assert changed.status_code == 302
    new.refresh_from_db()
    assert new.kind == "project" and not new.is_active
    record = ChangeRecord.objects.filter(model="accounts.Organisation", kind="update").latest("id")
    assert record.after == {"kind": "project", "is_active": False}


def test_bad_input_names_the_field_keeps_the_values_and_saves_nothing(world, login):
    client = login(world.administrator)
    response = client.post(
        reverse("signin:organisation_create"),
        {"name": "vækst", "kind": "provider", "is_active": "on"},
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name"}
    assert 'value="vækst"' in response.content.decode()
    authority = client.post(
        reverse("signin:organisation_create"), {"name": "Jobcenter Vest", "kind": "authority"}
    )
    assert authority.status_code == 400 and "kind" in authority.context["form"].errors
    own = client.post(
        reverse("signin:organisation_edit", args=[world.nord.pk]),
        {"name": "Jobcenter Nord", "kind": "authority"},
    )
    assert own.status_code == 400 and "is_active" in own.context["form"].errors
    other = client.post(
        reverse("signin:organisation_edit", args=[world.syd.pk]),
        {"name": "Jobcenter Sydvest", "kind": "authority", "is_active": "on"},
    )
    assert other.status_code == 400
    assert not Organisation.objects.filter(name__in=["Jobcenter Vest", "Jobcenter Sydvest"])
    assert not ChangeRecord.objects.filter(model="accounts.Organisation").exists()


def test_the_own_organisation_may_be_renamed(world, login):
    client = login(world.administrator)
    response = client.post(
        reverse("signin:organisation_edit", args=[world.nord.pk]),
        {"name": "Jobcenter Nordby", "kind": "authority", "is_active": "on"},
    )
    assert response.status_code == 302
    world.nord.refresh_from_db()
    assert world.nord.name == "Jobcenter Nordby"


@pytest.mark.parametrize("role", ["caseworker", "manager", "provider_staff"])
def test_only_administrators_reach_the_organisations(world, login, role):
    client = login(getattr(world, role))
    assert client.get(reverse("signin:organisations")).status_code == 404
    response = client.post(reverse("signin:organisation_create"), {"name": "X", "kind": "provider"})
    assert response.status_code == 404
    assert not Organisation.objects.filter(name="X").exists()
