"""A referral in a real browser: the caseworker refers a citizen with two focus items and
starting scores; the provider logs in, sees only that citizen and records a score; the
caseworker sees the provider's score beside their own."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from fremdrift.accounts.models import Organisation, Role
from fremdrift.testing import make_citizen, make_organisation, make_programme, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "a long browser password"


def person(username, organisation, role):
    user = make_user(username, organisation, role)
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#main-content form button[type=submit]")


def test_referral_the_provider_scores_and_the_caseworker_sees_it(live_server, page, artifacts):
    jobcentre = make_organisation("Jobcenter Henvis")
    provider = make_organisation("Værkstedet Henvis", Organisation.Kind.PROVIDER)
    caseworker = person("refcase", jobcentre, Role.CASEWORKER)
    person("refprovider", provider, Role.PROVIDER_STAFF)
    programme = make_programme(provider, name="KVIK Henvis")
    citizen = make_citizen(caseworker, first_name="Ida", last_name="Vinter")
    make_citizen(caseworker, first_name="Otto", last_name="Sommer")

    log_in(page, live_server, "refcase")
    page.goto(f"{live_server.url}/citizens/{citizen.pk}/")
    page.get_by_test_id("new-referral").click()
    page.select_option("#id_programme", label="KVIK Henvis (Værkstedet Henvis)")
    focus = page.get_by_test_id("focus-items")
    expect(focus).to_be_visible()  # htmx loaded the programme's items
    focus.get_by_role("checkbox", name="Helbred og arbejde").check()
    page.fill("#start_health_for_work", "3")
    focus.get_by_role("checkbox", name="Fremmøde og stabilitet").check()
    page.fill("#start_attendance_stability", "4")
    page.get_by_test_id("refer").click()
    expect(page.get_by_test_id("referrals")).to_contain_text("KVIK Henvis")
    expect(page.get_by_test_id("focus-table")).to_contain_text("Helbred og arbejde")

    log_in(page, live_server, "refprovider")
    page.goto(f"{live_server.url}/citizens/")
    table = page.get_by_test_id("citizen-table")
    expect(table).to_contain_text("Ida Vinter")
    expect(table).not_to_contain_text("Otto Sommer")
    table.get_by_role("link", name="Ida Vinter").click()
    form = page.get_by_test_id("score-form")
    # The same labelled 1-10 buttons as the assessment form, one group per focus item.
    expect(form.get_by_role("radiogroup")).to_have_count(2)
    form.locator('[data-score-item="health_for_work"] .scale-point').nth(5).click()
    form.locator('[data-score-item="attendance_stability"] .scale-point').nth(4).click()
    form.get_by_test_id("save-scores").click()
    expect(page.get_by_role("status")).to_contain_text("Scorerne er registreret")
    page.screenshot(path=str(artifacts / "provider-scores.png"), full_page=True)

    log_in(page, live_server, "refcase")
    page.goto(f"{live_server.url}/citizens/{citizen.pk}/")
    row = page.locator('[data-focus-item="health_for_work"]')
    expect(row.locator('[data-testid="provider-score"]')).to_contain_text(
        f"6 ({dt.date.today():%d.%m.%Y})"
    )
    assert programme.enrolments.filter(citizen=citizen, status="active").exists()
