"""The participant profile in a real browser, by keyboard alone: arrow keys move through a
list of one answer, the space bar ticks a list of several; the page passes axe-core."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from fremdrift.accounts.models import Organisation, Role
from fremdrift.browser_fixtures import axe_violations
from fremdrift.instruments.models import Instrument
from fremdrift.programmes.models import Enrolment
from fremdrift.referrals import services as referral_services
from fremdrift.testing import make_citizen, make_organisation, make_programme, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_caseworker_fills_in_the_profile_by_keyboard(live_server, page):
    jobcentre = make_organisation("Jobcenter Tastaturby")
    provider = make_organisation("Forløb A/S", Organisation.Kind.PROVIDER)
    caseworker = make_user("profilecase", jobcentre, Role.CASEWORKER)
    caseworker.set_password("a long browser password")
    caseworker.save()
    citizen = make_citizen(caseworker, first_name="Inger", last_name="Christensen")
    programme = make_programme(provider)
    referral_services.referral_create(
        actor=caseworker,
        citizen=citizen,
        programme=programme,
        instrument=Instrument.objects.get(code="adult_wheel"),
        start_date=dt.date.today(),
        interval_days=14,
        starting_scores={"health_for_work": "4"},
    )
    enrolment = Enrolment.objects.get(citizen=citizen)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "profilecase")
    page.fill("#id_password", "a long browser password")
    page.click("#main-content form button[type=submit]")
    page.goto(f"{live_server.url}/citizens/{citizen.pk}/")
    page.get_by_test_id("enrolment-profile").get_by_role("link").click()
    expect(page.get_by_test_id("profile-form")).to_be_visible()
    assert axe_violations(page) == []

    page.locator("#profile_match_group-match_1").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # a radio group moves its choice with the arrows
    expect(page.locator("#profile_match_group-match_2")).to_be_checked()
    page.locator("#profile_match_reasons-mental_health").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the third reason: physical impairments
    expect(page.locator("#profile_match_reasons-physical")).to_be_checked()
    page.get_by_test_id("save-profile").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Deltagerprofilen er gemt.")).to_be_visible()
    enrolment.refresh_from_db()
    answers = {a.item.code: a.codes for a in enrolment.profile.answers.select_related("item")}
    assert answers == {
        "match_group": ["match_2"],
        "match_reasons": ["mental_health", "physical"],
    }
