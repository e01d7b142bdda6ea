"""Administrators never reach case data through their own account: nobody changes their own
role, organisation or access, in the Django admin or elsewhere, and every change of a user's
access is a change record, shown on the "Users and roles" page."""

import pytest
from django.urls import reverse

from fremdrift.accounts.models import Role, User
from fremdrift.audit.models import ChangeRecord
from fremdrift.testing import make_user


def admin_form(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "organisation": user.organisation_id or "",
        "role": user.role,
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "initial-date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data |= changes
    return {k: v for k, v in data.items() if v != ""}


@pytest.mark.parametrize(
    "changes",
    [
        {"role": Role.CASEWORKER},
        {"role": Role.MANAGER},
        {"organisation": "syd"},
        {"is_active": ""},
    ],
)
def test_an_administrator_cannot_change_their_own_access_in_the_admin(world, login, changes):
    admin = world.administrator
    if changes.get("organisation") == "syd":
        changes = {"organisation": world.syd.pk}
    url = reverse("admin:accounts_user_change", args=[admin.pk])
    client = login(admin)
    page = client.get(url).content.decode()
    assert 'name="role"' not in page and 'name="organisation"' not in page
    response = client.post(url, admin_form(admin, **changes, first_name="Ny"))
    assert response.status_code == 302  # saved, without the access fields
    admin.refresh_from_db()
    assert admin.first_name == "Ny"
    assert (admin.role, admin.organisation, admin.is_active) == (
        Role.ADMINISTRATOR,
        world.nord,
        True,
    )
    assert not ChangeRecord.objects.filter(model="accounts.User", object_id=str(admin.pk))


def test_a_change_of_anothers_role_is_recorded_and_shown(world, login):
    client = login(world.administrator)
    url = reverse("admin:accounts_user_change", args=[world.colleague.pk])
    response = client.post(url, admin_form(world.colleague, role=Role.JOB_CONSULTANT))
    assert response.status_code == 302
    world.colleague.refresh_from_db()
    assert world.colleague.role == Role.JOB_CONSULTANT
    record = ChangeRecord.objects.get(model="accounts.User", object_id=str(world.colleague.pk))
    assert (record.actor, record.before, record.after) == (
        world.administrator,
        {"role": "caseworker"},
        {"role": "job_consultant"},
    )
    page = client.get(reverse("audit:users")).content.decode()
    history = page.split('data-testid="user-history"')[1]
    # People by their names, not their user names (issue 26).
    assert "Colleague Testsen" in history and "Sagsbehandler" in history
    assert "Virksomhedskonsulent" in history and "Administrator Testsen" in history


def test_users_and_roles_checks_ownership(world, login):
    syd_admin = make_user("sydadmin", world.syd, Role.ADMINISTRATOR)
    page = login(syd_admin).get(reverse("audit:users")).content.decode()
    assert "sydadmin" in page and ">colleague<" not in page
    assert login(world.caseworker).get(reverse("audit:users")).status_code == 403
