"""Bad input gets a clear message next to the field, and nothing is half-saved."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from fremdrift.audit.models import ChangeRecord
from fremdrift.citizens import selectors
from fremdrift.citizens.models import Citizen
from fremdrift.testing import make_cpr, signed_in, target_group


def create_data(world, **overrides):
    data = {
        "first_name": "Inger",
        "last_name": "Christensen",
        "cpr": make_cpr(),
        "target_group": target_group().pk,
        "responsible_caseworker": world.caseworker.pk,
        "creation_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_a_caseworker_registers_a_citizen(world, login):
    client = login(world.caseworker)
    data = create_data(world)
    response = client.post(reverse("citizens:create"), data)
    citizen = Citizen.objects.get(last_name="Christensen")
    assert response.status_code == 302
    assert response["Location"] == reverse("citizens:detail", args=[citizen.pk])
    assert data["cpr"][6:] not in response["Location"]
    assert citizen.home_organisation == world.nord
    assert selectors.citizen_cpr(citizen).digits == data["cpr"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cpr": "3201901234"}, "cpr"),
        ({"cpr": "12345"}, "cpr"),
        ({"cpr": ""}, "cpr"),
        ({"first_name": "x" * 101}, "first_name"),
        ({"last_name": ""}, "last_name"),
        ({"first_name": "   "}, "first_name"),
        ({"target_group": ""}, "target_group"),
        ({"target_group": "999999"}, "target_group"),
        ({"responsible_caseworker": "abc"}, "responsible_caseworker"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(world, login, overrides, field):
    client = login(world.caseworker)
    citizens, records = Citizen.objects.count(), ChangeRecord.objects.count()
    response = client.post(reverse("citizens:create"), create_data(world, **overrides))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html
    assert 'aria-invalid="true"' in html
    assert Citizen.objects.count() == citizens
    assert ChangeRecord.objects.count() == records


def test_a_caseworker_of_another_organisation_cannot_be_made_responsible(world, login):
    client = login(world.caseworker)
    response = client.post(
        reverse("citizens:create"), create_data(world, responsible_caseworker=world.outsider.pk)
    )
    assert "responsible_caseworker" in response.context["form"].errors


def test_a_duplicate_cpr_number_is_refused_within_the_organisation(world, login):
    client = login(world.caseworker)
    existing = selectors.citizen_cpr(world.citizen)
    count = Citizen.objects.count()
    response = client.post(reverse("citizens:create"), create_data(world, cpr=existing.formatted))
    assert "cpr" in response.context["form"].errors
    assert Citizen.objects.count() == count


def test_a_cpr_number_another_authority_holds_is_registered_like_a_new_one(world, login):
    """Each authority is its own data controller: registering a citizen that another
    authority holds answers exactly as for a CPR number nobody holds, so that no answer tells
    whether another authority knows the citizen."""
    client = login(world.caseworker)
    foreign = selectors.citizen_cpr(world.foreign_citizen)
    held = client.post(reverse("citizens:create"), create_data(world, cpr=foreign.digits))
    fresh = client.post(reverse("citizens:create"), create_data(world, cpr=make_cpr()))
    assert held.status_code == fresh.status_code == 302
    mine = Citizen.objects.get(pk=held["Location"].strip("/").split("/")[-1])
    assert mine.home_organisation == world.nord and mine.pk != world.foreign_citizen.pk
    assert selectors.citizen_cpr(mine).digits == foreign.digits


def test_a_double_submitted_form_creates_one_citizen(world, login):
    client = login(world.caseworker)
    data = create_data(world)
    first = client.post(reverse("citizens:create"), data)
    second = client.post(reverse("citizens:create"), data)
    assert Citizen.objects.filter(last_name="Christensen").count() == 1
    assert first["Location"] == second["Location"]


def test_a_forged_post_without_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    signed_in(client, world.caseworker)
    count = Citizen.objects.count()
    response = client.post(reverse("citizens:create"), create_data(world))
    assert response.status_code == 403
    assert Citizen.objects.count() == count


def edit_data(citizen, **overrides):
    data = {
        "first_name": citizen.first_name,
        "last_name": citizen.last_name,
        "cpr": "",
        "target_group": citizen.target_group_id,
        "responsible_caseworker": citizen.responsible_caseworker_id,
        "version": citizen.version,
    }
    data.update(overrides)
    return data


def test_a_stale_edit_is_refused_and_shows_the_newer_version(world, login):
    citizen = world.citizen
    stale = edit_data(citizen, last_name="Dinesen")
    colleague_client = login(world.colleague)
    assert (
        colleague_client.post(
            reverse("citizens:edit", args=[citizen.pk]), edit_data(citizen, first_name="Tania")
        ).status_code
        == 302
    )
    client = login(world.caseworker)
    response = client.post(reverse("citizens:edit", args=[citizen.pk]), stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Tania" in html
    assert response.context["stale"]
    assert 'data-testid="stale-warning"' in html
    citizen.refresh_from_db()
    assert (citizen.first_name, citizen.last_name) == ("Tania", "Blixen")


def test_an_edit_can_correct_the_cpr_number(world, login):
    client = login(world.caseworker)
    new_cpr = make_cpr(female=False)
    response = client.post(
        reverse("citizens:edit", args=[world.citizen.pk]), edit_data(world.citizen, cpr=new_cpr)
    )
    assert response.status_code == 302
    world.citizen.refresh_from_db()
    assert selectors.citizen_cpr(world.citizen).digits == new_cpr
    assert world.citizen.sex == "male"


def test_an_edit_with_a_taken_cpr_number_saves_nothing(world, login):
    client = login(world.caseworker)
    taken = selectors.citizen_cpr(world.teammates_citizen).digits
    response = client.post(
        reverse("citizens:edit", args=[world.citizen.pk]),
        edit_data(world.citizen, cpr=taken, first_name="Changed"),
    )
    assert "cpr" in response.context["form"].errors
    world.citizen.refresh_from_db()
    assert world.citizen.first_name == "Karen"


def test_the_api_registers_a_cpr_number_another_authority_holds_like_a_new_one(
    world, client, bearer
):
    headers = bearer(world.caseworker)
    answers = []
    for cpr in (selectors.citizen_cpr(world.foreign_citizen).digits, make_cpr()):
        body = {
            "first_name": "Ny",
            "last_name": "Borger",
            "cpr": cpr,
            "target_group": "activity_ready_cash_benefit",
            "responsible_caseworker_id": world.caseworker.pk,
        }
        answer = client.post("/api/v1/citizens", body, content_type="application/json", **headers)
        answers.append((answer.status_code, sorted(answer.json())))
    assert answers[0] == answers[1] and answers[0][0] == 201
    # Within the organisation, a duplicate names the field.
    again = client.post("/api/v1/citizens", body, content_type="application/json", **headers)
    assert again.status_code == 400
    assert [problem["field"] for problem in again.json()["detail"]] == ["cpr"]


def test_an_eleventh_digit_is_refused_not_cut_off(world, login):
    """The field has no maxlength that would make the browser drop the eleventh digit and
    register another person's valid number; the server refuses the wrong length by name."""
    client = login(world.caseworker)
    form = client.get(reverse("citizens:create")).content.decode()
    cpr_input = next(tag for tag in form.split("<input") if 'name="cpr"' in tag)
    assert "maxlength" not in cpr_input
    citizens = Citizen.objects.count()
    response = client.post(reverse("citizens:create"), create_data(world, cpr=make_cpr() + "7"))
    assert "cpr" in response.context["form"].errors
    assert "10 cifre" in response.content.decode()
    assert Citizen.objects.count() == citizens
