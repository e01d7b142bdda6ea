"""The caseworker's first steps in a real browser: log in, find a citizen by CPR number, open
the page, log out."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from fremdrift.citizens import selectors
from fremdrift.citizens.models import Citizen

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(page, live_server, username="sagsbehandler", password="demo"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#main-content form button[type=submit]")


def test_caseworker_finds_a_citizen_by_cpr_number(live_server, page, artifacts):
    call_command("seed_demo", allow_production=True)
    citizen = Citizen.objects.filter(responsible_caseworker__username="sagsbehandler").order_by(
        "id"
    )[5]
    cpr = selectors.citizen_cpr(citizen)

    log_in(page, live_server)
    # The caseworker lands on the worklist ("Mit overblik"); the caseload is one click away.
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_test_id("overdue")).to_be_visible()
    page.get_by_role("link", name=re.compile("^(Borgere|Citizens)$")).click()
    expect(page).to_have_url(re.compile(r"/citizens/$"))
    expect(page.get_by_test_id("citizen-table")).to_be_visible()

    page.fill("#id_q", cpr.formatted)
    page.press("#id_q", "Enter")
    rows = page.get_by_test_id("citizen-table").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(citizen.full_name)
    assert cpr.digits[6:] not in page.url

    rows.first.get_by_role("link", name=citizen.full_name).click()
    expect(page).to_have_url(re.compile(rf"/citizens/{citizen.pk}/"))
    expect(page.get_by_test_id("citizen-name")).to_have_text(citizen.full_name)
    expect(page.get_by_test_id("masked-cpr")).to_have_text(cpr.masked)
    html = page.content()
    assert cpr.formatted not in html and cpr.digits not in html
    page.screenshot(path=str(artifacts / "citizen-page.png"), full_page=True)

    page.get_by_role("button", name=re.compile("Log ud|Log out")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("logget ud|logged out"))
    page.goto(f"{live_server.url}/citizens/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
