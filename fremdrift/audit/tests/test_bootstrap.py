"""A new installation gets its first organisation and administrator from `bootstrap`, without a
Python shell: a one-time link sets the password, and the command is refused once an
administrator exists."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from fremdrift.accounts.models import Organisation, User
from fremdrift.audit.models import ChangeRecord
from fremdrift.signin.tests.test_second_factor import code_now

STRONG = "Lange-Solsikker-42"


def bootstrap(**options) -> str:
    out = io.StringIO()
    arguments = {
        "organisation": "Jobcenter Fremby",
        "kind": "authority",
        "admin": "ole",
        "email": "ole@fremby.dk",
        "first_name": "Ole",
        "last_name": "Berg",
    } | options
    call_command("bootstrap", stdout=out, **arguments)
    return out.getvalue()


def test_an_empty_installation_gets_its_first_administrator_and_a_one_time_link(db, client):
    printed = bootstrap()
    ole = User.objects.get(username="ole")
    assert (ole.role, ole.organisation.name, ole.organisation.kind) == (
        "administrator",
        "Jobcenter Fremby",
        "authority",
    )
    assert not ole.has_usable_password() and ole.email == "ole@fremby.dk"
    assert ChangeRecord.objects.filter(model="accounts.User", object_id=str(ole.pk)).exists()
    link = re.search(r"http://127\.0\.0\.1:8000(/accounts/set-password/\S+/)", printed).group(1)

    form = client.get(link, follow=True)
    assert form.status_code == 200 and "Vælg din adgangskode" in form.content.decode()
    weak = client.post(form.redirect_chain[-1][0], {"new_password1": "ole", "new_password2": "ole"})
    assert weak.status_code == 200 and "new_password2" in weak.context["form"].errors
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": STRONG, "new_password2": STRONG}
    )
    assert done.status_code == 302 and done["Location"] == "/accounts/login/"
    signed_in = client.post("/accounts/login/", {"username": "ole", "password": STRONG})
    assert signed_in.status_code == 302
    client.logout()
    # The link is spent.
    again = client.get(link, follow=True).content.decode()
    assert 'data-testid="invalid-link"' in again and "new_password1" not in again


def test_it_is_refused_once_an_administrator_exists(world):
    before = (Organisation.objects.count(), User.objects.count(), ChangeRecord.objects.count())
    with pytest.raises(CommandError, match="--admin"):
        bootstrap(organisation="Jobcenter Andetsteds")
    after = (Organisation.objects.count(), User.objects.count(), ChangeRecord.objects.count())
    assert after == before


@pytest.mark.parametrize(
    ("option", "value"),
    [("kind", "kommune"), ("email", "ikke-en-adresse"), ("admin", "ole med mellemrum")],
)
def test_bad_options_are_named_and_nothing_is_created(db, option, value):
    with pytest.raises(CommandError, match=f"--{option}"):
        bootstrap(**{option: value})
    assert not User.objects.exists() and not Organisation.objects.exists()


def test_a_link_whose_token_has_ten_digits_in_a_row_is_not_taken_for_a_cpr_number(db, client):
    """The token is hex: one link in ten has ten digits in a row by chance."""
    response = client.get("/accounts/set-password/MQ/tb4k2z-1204911234abcdef0123/", follow=True)
    assert response.status_code == 200
    assert 'data-testid="invalid-link"' in response.content.decode()
    cpr_page = client.get("/citizens/1204911234/")
    assert cpr_page.status_code == 400


def test_a_new_installation_reaches_a_signed_in_administrator_with_a_second_factor(db, client):
    """From `migrate` to an administrator at work, without a Python shell."""
    printed = bootstrap()
    link = re.search(r"http://127\.0\.0\.1:8000(/accounts/set-password/\S+/)", printed).group(1)
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": STRONG, "new_password2": STRONG})
    client.post("/accounts/login/", {"username": "ole", "password": STRONG})
    held = client.get("/accounts/users/")
    assert held["Location"].startswith("/accounts/two-factor/setup/")
    client.post("/accounts/two-factor/setup/", {"step": "start"})
    device = TOTPDevice.objects.get(user__username="ole")
    client.post(
        "/accounts/two-factor/setup/",
        {"step": "confirm", "device": device.pk, "code": code_now(device)},
    )
    assert client.get("/accounts/users/").status_code == 200
