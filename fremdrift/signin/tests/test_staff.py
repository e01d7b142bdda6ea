"""Users managed in the app by their organisation's administrators: created with a one-time
link, their role changed, deactivated, their second factor removed; every change a change
record; another organisation's users and everyone but administrators get 404."""

import re

import pytest

from fremdrift.accounts.models import User
from fremdrift.audit.models import ChangeRecord
from fremdrift.signin import services
from fremdrift.signin.second_factor import has_second_factor
from fremdrift.signin.tests.test_second_factor import code_now


def test_an_administrator_creates_a_user_who_sets_their_own_password(
    world, login, client, integration_client
):
    integration_client(world.caseworker)
    admin = login(world.administrator)
    home = admin.get("/citizens/", follow=True).content.decode()
    assert 'href="/accounts/users/" class="mainmenu-item" data-testid="staff-menu"' in home
    listed = admin.get("/accounts/users/").content.decode()
    assert "colleague" in listed and "outsider" not in listed  # Syd's caseworker
    # Integration clients are listed beside the persons, each a link to its own page.
    fagsystem = User.objects.get(kind=User.Kind.SYSTEM)
    assert "Fagsystem caseworker 1" in listed
    assert f'href="/accounts/users/clients/{fagsystem.pk}/"' in listed
    assert 'href="/accounts/users/clients/new/"' in listed
    taken = admin.post(
        "/accounts/users/new/",
        {"username": "colleague", "first_name": "A", "last_name": "B", "role": "caseworker"},
    )
    assert taken.status_code == 400 and "taget" in taken.content.decode()
    made = admin.post(
        "/accounts/users/new/",
        {
            "username": "lise",
            "first_name": "Lise",
            "last_name": "Nørgaard",
            "email": "lise@nord.dk",
            "role": "caseworker",
        },
    )
    assert made.status_code == 200
    lise = User.objects.get(username="lise")
    assert (lise.organisation, lise.role, lise.has_usable_password()) == (
        world.nord,
        "caseworker",
        False,
    )
    assert ChangeRecord.objects.filter(model="accounts.User", object_id=str(lise.pk)).exists()
    link = re.search(
        r"http://127\.0\.0\.1:8000(/accounts/set-password/\S+/)<", made.content.decode()
    )
    admin.logout()
    form = client.get(link.group(1), follow=True)
    password = "Lange-Solsikker-42"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    assert done.status_code == 302
    assert (
        client.post("/accounts/login/", {"username": "lise", "password": password}).status_code
        == 302
    )


def test_an_administrator_changes_a_role_and_deactivates_but_not_their_own(world, login):
    admin = login(world.administrator)
    url = f"/accounts/users/{world.colleague.pk}/"
    base = {"first_name": "Colleague", "last_name": "Testsen", "role": "manager"}
    assert admin.post(url, base | {"is_active": "on"}).status_code == 302
    world.colleague.refresh_from_db()
    assert (world.colleague.role, world.colleague.is_active) == ("manager", True)
    assert admin.post(url, base).status_code == 302  # unticked: deactivated
    world.colleague.refresh_from_db()
    assert not world.colleague.is_active
    history = ChangeRecord.objects.filter(model="accounts.User", object_id=str(world.colleague.pk))
    assert history.count() == 2
    own = admin.post(
        f"/accounts/users/{world.administrator.pk}/",
        {"first_name": "A", "last_name": "B", "role": "caseworker", "is_active": "on"},
    )
    assert own.status_code == 400
    world.administrator.refresh_from_db()
    assert world.administrator.role == "administrator"


def test_an_administrator_removes_a_lost_second_factor(world, login):
    device = services.totp_device_start(user=world.caseworker)
    services.totp_device_confirm(user=world.caseworker, device=device, token=code_now(device))
    assert has_second_factor(world.caseworker)
    admin = login(world.administrator)
    response = admin.post(f"/accounts/users/{world.caseworker.pk}/second-factor/reset/")
    assert response.status_code == 302 and not has_second_factor(world.caseworker)
    assert ChangeRecord.objects.filter(
        object_id=str(world.caseworker.pk), after={"second_factor": False}
    ).exists()


@pytest.mark.parametrize("role", ["caseworker", "manager", "provider_staff", "outsider"])
def test_it_checks_ownership(world, login, role):
    """Only administrators reach the staff pages, and only for their own organisation."""
    client = login(getattr(world, role))
    colleague = world.colleague.pk
    for path in ("/accounts/users/", "/accounts/users/new/", f"/accounts/users/{colleague}/"):
        assert client.get(path).status_code == 404, path
    for path in (
        f"/accounts/users/{colleague}/password-link/",
        f"/accounts/users/{colleague}/second-factor/reset/",
    ):
        assert client.post(path).status_code == 404, path


def test_another_organisations_administrator_gets_404(world, login):
    from fremdrift.conftest import administrator_of

    syd_admin = login(administrator_of(world.syd))
    assert syd_admin.get(f"/accounts/users/{world.colleague.pk}/").status_code == 404
    listed = syd_admin.get("/accounts/users/").content.decode()
    assert "colleague" not in listed and "outsider" in listed
