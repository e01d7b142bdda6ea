"""The provider's score form in a real browser: a typo in the date is answered with the error
summary, focused, every chosen score still chosen; correcting the date and saving again saves
the scores. One typo, two submits, nothing typed twice."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from fremdrift.accounts.models import Organisation, Role
from fremdrift.assessments.models import Assessment
from fremdrift.browser_fixtures import axe_violations
from fremdrift.instruments.models import Instrument
from fremdrift.referrals import services as referral_services
from fremdrift.testing import make_citizen, make_organisation, make_programme, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "a long browser password"
TODAY = dt.date.today()


def test_a_typo_in_the_score_form_is_saved_in_two_submits(live_server, page, artifacts):
    jobcentre = make_organisation("Jobcenter Tastefejl")
    provider = make_organisation("Værkstedet Tastefejl", Organisation.Kind.PROVIDER)
    caseworker = make_user("typocase", jobcentre, Role.CASEWORKER)
    staff = make_user("typoprovider", provider, Role.PROVIDER_STAFF)
    staff.set_password(PASSWORD)
    staff.save()
    citizen = make_citizen(caseworker, first_name="Ebba", last_name="Tastefejl")
    referral = referral_services.referral_create(
        actor=caseworker,
        citizen=citizen,
        programme=make_programme(provider, name="KVIK Tastefejl"),
        start_date=TODAY - dt.timedelta(days=20),
        instrument=Instrument.objects.get(code="adult_wheel"),
        interval_days=14,
        starting_scores={"health_for_work": 4, "work_skills": 5},
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "typoprovider")
    page.fill("#id_password", PASSWORD)
    page.click("#main-content form button[type=submit]")
    page.goto(f"{live_server.url}/citizens/{citizen.pk}/")
    form = page.get_by_test_id("score-form")
    form.locator('[data-score-item="health_for_work"] .scale-point').nth(6).click()
    form.locator('[data-score-item="work_skills"] .scale-point').nth(2).click()
    # The typo: a year too early, before the referral started.
    typo = (TODAY - dt.timedelta(days=365)).isoformat()
    form.locator(f"#score-date-{referral.pk}").fill(typo)
    form.get_by_test_id("save-scores").click()  # submit 1

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator(f'a[href="#score-date-{referral.pk}"]')).to_be_visible()
    form = page.get_by_test_id("score-form")
    expect(form.locator(f"#score-date-{referral.pk}")).to_have_value(typo)
    expect(form.locator('[data-score-item="health_for_work"] input[value="7"]')).to_be_checked()
    expect(form.locator('[data-score-item="work_skills"] input[value="3"]')).to_be_checked()
    page.screenshot(path=str(artifacts / "provider-score-typo.png"), full_page=True)
    assert axe_violations(page) == []  # the summary, the kept values, the buttons
    assert not Assessment.objects.filter(respondent="provider").exists()

    # The link in the summary leads to the date; the corrected date is all that is typed.
    summary.locator(f'a[href="#score-date-{referral.pk}"]').click()
    expect(form.locator(f"#score-date-{referral.pk}")).to_be_focused()
    form.locator(f"#score-date-{referral.pk}").fill(TODAY.isoformat())
    form.get_by_test_id("save-scores").click()  # submit 2
    expect(page.get_by_role("status")).to_contain_text("Scorerne er registreret")
    scored = Assessment.objects.get(respondent="provider", citizen=citizen)
    assert scored.date == TODAY
    assert scored.item_values == {"health_for_work": 7.0, "work_skills": 3.0}
