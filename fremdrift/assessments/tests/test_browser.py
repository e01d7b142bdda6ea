"""A conversation in a real browser: the caseworker records today's assessment by clicking the
scale points and sees the wheel change."""

import re

import pytest
from playwright.sync_api import expect

from fremdrift.accounts.models import Role
from fremdrift.assessments.models import Assessment
from fremdrift.citizens.models import Citizen
from fremdrift.testing import make_citizen, make_organisation, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_caseworker_records_an_assessment_and_the_wheel_changes(live_server, page, artifacts):
    jobcentre = make_organisation("Jobcenter Browserby")
    caseworker = make_user("browsercase", jobcentre, Role.CASEWORKER)
    caseworker.set_password("a long browser password")
    caseworker.save()
    citizen: Citizen = make_citizen(caseworker, first_name="Astrid", last_name="Noack")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "browsercase")
    page.fill("#id_password", "a long browser password")
    page.click("#main-content form button[type=submit]")
    page.goto(f"{live_server.url}/citizens/{citizen.pk}/")
    page.get_by_test_id("new-assessment").click()
    expect(page.get_by_test_id("assessment-form")).to_be_visible()

    preview = page.get_by_test_id("wheel-preview")
    for number, code in enumerate(
        ["health_for_work", "everyday_energy", "network_support", "attendance_stability"]
    ):
        page.locator(f"#item-{code} .scale-point").nth(4 + number).click()
    # The preview redraws from the server as points are chosen: a newest series with markers.
    expect(preview.locator('[data-series="newest"] circle')).to_have_count(4)
    expect(page.get_by_test_id("assessment-form")).not_to_have_class(re.compile("htmx-request"))
    page.get_by_test_id("save-assessment").click()
    # Four of eight answered: the form names the four missing and asks for a reason.
    expect(page.get_by_test_id("missing-items").locator("li")).to_have_count(4)
    page.fill("#incomplete_reason", "Resten tager vi næste gang")
    page.get_by_test_id("save-anyway").click()

    expect(page).to_have_url(re.compile(rf"/citizens/{citizen.pk}/"))
    wheel = page.get_by_test_id("wheel")
    expect(wheel.locator('[data-series="newest"] circle')).to_have_count(4)
    saved = Assessment.objects.get(citizen=citizen)
    values = {a.item.code: a.value for a in saved.answers.select_related("item")}
    assert values == {
        "health_for_work": 5,
        "everyday_energy": 6,
        "network_support": 7,
        "attendance_stability": 8,
    }
    wheel.screenshot(path=str(artifacts / "wheel.png"))

    # A second conversation: the wheel now compares it with the first.
    page.get_by_test_id("new-assessment").click()
    page.locator("#item-health_for_work .scale-point").nth(8).click()
    page.locator("#item-work_skills .scale-point").nth(2).click()
    page.locator("#item-work_skills input[value='3']").press("ArrowRight")  # keyboard works
    # Let the wheel preview finish redrawing before saving.
    expect(page.get_by_test_id("assessment-form")).not_to_have_class(re.compile("htmx-request"))
    expect(preview.locator('[data-series="newest"] circle')).to_have_count(2)
    page.get_by_test_id("save-assessment").click()
    # A second assessment on the same day asks first, and keeps what was clicked.
    expect(page.get_by_test_id("same-day")).to_be_visible()
    expect(page.locator("#item-health_for_work input[value='9']")).to_be_checked()
    page.get_by_test_id("confirm-same-day").click()
    page.fill("#incomplete_reason", "Kun to i dag")
    page.get_by_test_id("save-anyway").click()
    expect(page.get_by_test_id("wheel").locator("[data-series]")).to_have_count(2)
    latest = Assessment.objects.filter(citizen=citizen).latest("id")
    assert {a.item.code: a.value for a in latest.answers.select_related("item")} == {
        "health_for_work": 9,
        "work_skills": 4,
    }
    page.get_by_test_id("wheel").screenshot(path=str(artifacts / "wheel-compared.png"))

    # On a phone the live wheel stays above the questions while they scroll beneath it.
    page.set_viewport_size({"width": 360, "height": 740})
    page.get_by_test_id("new-assessment").click()
    first_item = page.locator("#item-health_for_work")
    assert preview.bounding_box()["y"] < first_item.bounding_box()["y"]
    page.locator("#item-attendance_stability").scroll_into_view_if_needed()
    box = preview.bounding_box()
    assert box["y"] >= -1 and box["y"] + box["height"] <= 740
