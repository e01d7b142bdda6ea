"""The administrator's day on the demo, step by step in a real browser (issue 26, "Measure
it"): create an integration client and issue it a token (shown once), then import the example
package in two steps ("Kontrollér pakken", then "Importér"), and try a file that is not a ZIP,
which is refused in Danish. Steps are counted (`usability.Steps`) and recorded in
docs/usability.md."""

import re

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from playwright.sync_api import expect

from fremdrift.accounts.models import User
from fremdrift.api.models import ApiToken
from fremdrift.browser_fixtures import axe_violations
from fremdrift.exchange import checked
from fremdrift.exchange.models import PackageImport
from fremdrift.signin import services as signin_services

from .usability import Steps

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The counts measured when the test was written (docs/usability.md): a change that adds a
# step to the administrator's day fails here.
MOST = {
    "issue an API token": {"clicks": 5, "page_loads": 4, "submits": 2},
    "download the example package": {"clicks": 2, "page_loads": 1, "submits": 0},
    "check the package": {"clicks": 2, "page_loads": 1, "submits": 1},
    "import the package": {"clicks": 1, "page_loads": 1, "submits": 1},
    "try a file that is not a ZIP": {"clicks": 2, "page_loads": 1, "submits": 1},
}


def code(device, later: int = 0) -> str:
    """The code the administrator's authenticator app shows now (or `later` steps on)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, drift=later):06d}"


@pytest.fixture(autouse=True)
def no_kept_packages():
    yield
    for path in checked._folder().glob("*.zip"):
        path.unlink()


def test_the_administrators_day(live_server, page, artifacts, tmp_path):
    call_command("seed_demo", allow_production=True)
    # An administrator signs in with a second factor: their authenticator app is set up.
    admin = User.objects.get(username="admin")
    device = signin_services.totp_device_start(user=admin)
    signin_services.totp_device_confirm(user=admin, device=device, token=code(device))
    steps = Steps(page, "administrator")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "demo")
    page.click("#main-content form button[type=submit]")
    page.fill("#id_code", code(device, later=1))
    page.click("#main-content form button[type=submit]")
    expect(page.get_by_test_id("staff-menu")).to_be_visible()

    with steps.task("issue an API token"):
        steps.click(page.get_by_test_id("staff-menu"))
        steps.click(page.get_by_role("link", name="Opret en integrationsklient"))
        form = page.get_by_test_id("client-form")
        form.get_by_label("Integrationsklientens navn").fill("Sagssystemet")
        steps.choose(form.locator("#id_role"), value="caseworker")
        steps.click(form.get_by_role("button"), submit=True)
        expect(page.get_by_role("heading", level=1)).to_have_text("Sagssystemet")
        tokens = page.get_by_test_id("token-form")
        tokens.locator("#id_name").fill("Integrationsserveren")
        steps.click(tokens.get_by_role("button", name="Udsted nøglen"), submit=True)
        key = page.get_by_test_id("new-key").locator("code")
        expect(key).to_have_text(re.compile(r"^fr_\S{20,}$"))
        shown = key.inner_text()
        expect(page.get_by_test_id("tokens")).to_contain_text("Integrationsserveren")
        assert axe_violations(page) == []

    # The key is shown only that once: the client's page, opened again, lists the token by its
    # first characters and never the key.
    token = ApiToken.objects.get(name="Integrationsserveren")
    assert token.revoked_at is None
    page.goto(f"{live_server.url}/accounts/users/clients/{token.user_id}/")
    expect(page.get_by_test_id("tokens")).to_contain_text("Integrationsserveren")
    expect(page.get_by_test_id("new-key")).to_have_count(0)
    assert shown not in page.content()

    with steps.task("download the example package"):
        steps.click(page.get_by_role("link", name="Import", exact=True))
        with page.expect_download() as download:
            steps.click(page.get_by_test_id("example-link"))
        example = tmp_path / download.value.suggested_filename
        download.value.save_as(example)
        assert example.name.endswith(".zip")

    with steps.task("check the package"):
        steps.pick_file(page.locator("#id_package"), example)
        steps.click(page.get_by_role("button", name="Kontrollér pakken"), submit=True)
        expect(page.get_by_test_id("import-result")).to_contain_text("ingen fejl")
        expect(page.get_by_test_id("import-counts")).to_be_visible()
        expect(page.get_by_test_id("step-import")).to_contain_text(example.name)
        assert not PackageImport.objects.exists()
        assert axe_violations(page) == []

    with steps.task("import the package"):
        steps.click(page.get_by_test_id("import-button"), submit=True)
        expect(page.get_by_test_id("import-result")).to_have_text("Pakken er importeret.")
        expect(page.get_by_test_id("imports")).to_contain_text(example.name)
        expect(page.get_by_test_id("import-button")).to_have_count(0)
        assert PackageImport.objects.get().package_name == example.name

    with steps.task("try a file that is not a ZIP"):
        bogus = tmp_path / "regneark.xlsx"
        bogus.write_bytes(b"this is no zip at all")
        steps.pick_file(page.locator("#id_package"), bogus)
        steps.click(page.get_by_role("button", name="Kontrollér pakken"), submit=True)
        result = page.get_by_test_id("import-result")
        expect(result).to_contain_text("Intet blev importeret")
        expect(page.get_by_test_id("import-errors")).to_contain_text("filen er ikke en zip-fil")
        expect(page.locator("body")).not_to_contain_text("File is not a zip file")
        expect(page.get_by_test_id("import-button")).to_have_count(0)
        assert PackageImport.objects.count() == 1
        assert axe_violations(page) == []

    report = steps.write(artifacts)
    assert steps.total_clicks() == sum(task["clicks"] for task in report.values())
    for name, most in MOST.items():
        for what, count in most.items():
            assert report[name][what] <= count, (name, what, report[name])
