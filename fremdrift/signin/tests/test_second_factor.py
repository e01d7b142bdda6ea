"""A second factor for local accounts: administrators must set one up before they reach
anything, everyone may (and must, where the installation says so); a code from the app or a
recovery code (once) completes the sign-in; wrong codes are throttled."""

import re

import pytest
from django_otp.oath import hotp, totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from fremdrift.audit.models import ChangeRecord
from fremdrift.signin import services
from fremdrift.signin.second_factor import PENDING

PASSWORD = "Lange-Solsikker-42"


def with_password(user):
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def sign_in(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def code_now(device: TOTPDevice, later: int = 0) -> str:
    """The code the app shows now, or `later` time steps on (a code is taken once: the app's
    next code is the one to type again within the same 30 seconds)."""
    device.refresh_from_db()
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=later)
    return f"{code:06d}"


def waited(user) -> None:
    """As if the second the throttle makes a user wait after a wrong code had passed."""
    for device in [*TOTPDevice.objects.filter(user=user), *StaticDevice.objects.filter(user=user)]:
        device.throttle_reset()


def enrol(client) -> tuple[TOTPDevice, list[str]]:
    started = client.post("/accounts/two-factor/setup/", {"step": "start"})
    assert started.status_code == 200 and "<svg" in started.content.decode()
    device = TOTPDevice.objects.get(confirmed=False)
    done = client.post(
        "/accounts/two-factor/setup/",
        {"step": "confirm", "device": device.pk, "code": code_now(device)},
    )
    assert done.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    return device, codes


def test_an_administrator_sets_up_the_second_factor_before_anything_else(world, client):
    admin = with_password(world.administrator)
    sign_in(client, admin)
    blocked = client.get("/accounts/users/")
    assert blocked.status_code == 302
    assert blocked["Location"].startswith("/accounts/two-factor/setup/?next=/accounts/users/")
    assert client.get("/admin/").status_code == 302
    # A wrong code does not confirm the app.
    client.post("/accounts/two-factor/setup/", {"step": "start"})
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    wrong = client.post(
        "/accounts/two-factor/setup/", {"step": "confirm", "device": device.pk, "code": "000000"}
    )
    assert wrong.status_code == 400 and "Koden er forkert" in wrong.content.decode()
    device, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/accounts/users/").status_code == 200
    assert ChangeRecord.objects.filter(
        model="accounts.User", object_id=str(admin.pk), after={"second_factor": True}
    ).exists()


def test_the_next_sign_in_asks_for_the_code_and_a_recovery_code_works_once(world, client):
    admin = with_password(world.administrator)
    sign_in(client, admin)
    device, codes = enrol(client)
    client.logout()
    sign_in(client, admin)
    assert client.get("/citizens/")["Location"].startswith("/accounts/two-factor/?next=")
    assert client.session[PENDING] == "verify"
    # Setting up a new app is not a way around the code.
    assert client.post("/accounts/two-factor/setup/", {"step": "start"}).status_code == 302
    wrong = client.post("/accounts/two-factor/", {"code": "123456"})
    assert wrong.status_code == 400 and "Koden er forkert" in wrong.content.decode()
    waited(admin)
    # The code that confirmed the app is spent; the app's next one is taken.
    device.refresh_from_db()
    confirming = f"{hotp(device.bin_key, device.last_t, digits=device.digits):06d}"
    spent = client.post("/accounts/two-factor/", {"code": confirming})
    assert spent.status_code == 400
    waited(admin)
    ok = client.post(
        "/accounts/two-factor/", {"code": code_now(device, later=1), "next": "/accounts/users/"}
    )
    assert ok.status_code == 302 and ok["Location"] == "/accounts/users/"
    assert PENDING not in client.session
    client.logout()
    sign_in(client, admin)
    assert client.post("/accounts/two-factor/", {"code": codes[0]}).status_code == 302
    client.logout()
    sign_in(client, admin)
    again = client.post("/accounts/two-factor/", {"code": codes[0]})
    assert again.status_code == 400


def test_wrong_codes_are_throttled(world, client, caplog):
    admin = with_password(world.administrator)
    sign_in(client, admin)
    device, _codes = enrol(client)
    client.logout()
    sign_in(client, admin)
    for _attempt in range(5):
        client.post("/accounts/two-factor/", {"code": "000000"})
    # The wait has doubled past what the test takes: even the right code waits.
    throttled = client.post("/accounts/two-factor/", {"code": code_now(device)})
    assert throttled.status_code == 429 and "For mange forkerte koder" in throttled.content.decode()
    assert client.get("/citizens/").status_code == 302
    assert sum(r.name == "fremdrift.security" for r in caplog.records) == 6


def test_others_choose_unless_the_installation_requires_it(world, client, settings):
    caseworker = with_password(world.caseworker)
    sign_in(client, caseworker)
    assert client.get("/citizens/").status_code == 200
    client.logout()
    settings.FREMDRIFT_REQUIRE_TWO_FACTOR = True
    sign_in(client, caseworker)
    assert client.get("/citizens/")["Location"].startswith("/accounts/two-factor/setup/")


def test_a_wrong_password_never_reaches_the_second_factor(world, client):
    with_password(world.administrator)
    response = client.post("/accounts/login/", {"username": "administrator", "password": "x"})
    assert response.status_code == 200 and PENDING not in client.session
    assert client.get("/accounts/two-factor/").status_code == 302  # to the login page


@pytest.mark.parametrize("path", ["/accounts/two-factor/", "/accounts/two-factor/setup/"])
def test_it_checks_ownership(client, path):
    """Signed out, the second factor's pages send to the login page."""
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_unconfirmed_app_of_another_user_cannot_be_confirmed(world, client):
    other = services.totp_device_start(user=world.colleague)
    admin = with_password(world.administrator)
    sign_in(client, admin)
    response = client.post(
        "/accounts/two-factor/setup/",
        {"step": "confirm", "device": other.pk, "code": code_now(other)},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert not other.confirmed
