"""The provider's day, step by step in a real browser (issue 26, "Measure it"): arrive at the
programmes' worklist, open the citizen whose score is overdue, score the focus items with one
typo in the date and save it in two submits with nothing typed twice, then record another
citizen's exit and land on the programme page. Steps are counted (`usability.Steps`) and
recorded in docs/usability.md."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from fremdrift.accounts.models import Organisation, Role
from fremdrift.assessments.models import Assessment
from fremdrift.browser_fixtures import axe_violations
from fremdrift.instruments.models import Instrument
from fremdrift.programmes.models import Enrolment
from fremdrift.referrals import services as referral_services
from fremdrift.testing import make_citizen, make_organisation, make_programme, make_user

from .usability import Steps

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "a long browser password"
TODAY = dt.date.today()


def _refer(caseworker, citizen, programme, days_ago):
    return referral_services.referral_create(
        actor=caseworker,
        citizen=citizen,
        programme=programme,
        start_date=TODAY - dt.timedelta(days=days_ago),
        instrument=Instrument.objects.get(code="adult_wheel"),
        interval_days=14,
        starting_scores={"health_for_work": 4, "work_skills": 5},
    )


def test_the_providers_day(live_server, page, artifacts):
    jobcentre = make_organisation("Jobcenter Dagen")
    provider = make_organisation("Værkstedet Dagen", Organisation.Kind.PROVIDER)
    caseworker = make_user("dagcase", jobcentre, Role.CASEWORKER)
    staff = make_user("dagprovider", provider, Role.PROVIDER_STAFF)
    staff.set_password(PASSWORD)
    staff.save()
    programme = make_programme(provider, name="KVIK Dagen")
    overdue = make_citizen(caseworker, first_name="Otto", last_name="Overskredet")
    leaving = make_citizen(caseworker, first_name="Lis", last_name="Afsted")
    referral = _refer(caseworker, overdue, programme, days_ago=30)
    _refer(caseworker, leaving, programme, days_ago=10)

    steps = Steps(page, "provider")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "dagprovider")
    page.fill("#id_password", PASSWORD)
    page.click("#main-content form button[type=submit]")

    with steps.task("see whose score is due"):
        table = page.get_by_test_id("referral-table")
        first = table.locator("tbody tr").first
        expect(first).to_contain_text("Otto Overskredet")
        expect(first.get_by_test_id("next-score")).to_contain_text("(")  # marked overdue
        assert axe_violations(page) == []

    with steps.task("score with one typo"):
        steps.click(first.get_by_role("link", name="Otto Overskredet"))
        form = page.get_by_test_id("score-form")
        steps.click(form.locator('[data-score-item="health_for_work"] .scale-point').nth(6))
        steps.click(form.locator('[data-score-item="work_skills"] .scale-point').nth(2))
        typo = (TODAY - dt.timedelta(days=365)).isoformat()
        form.locator(f"#score-date-{referral.pk}").fill(typo)
        steps.click(form.get_by_test_id("save-scores"), submit=True)
        expect(page.locator("[data-error-summary]")).to_be_focused()
        form = page.get_by_test_id("score-form")
        expect(form.locator('[data-score-item="work_skills"] input[value="3"]')).to_be_checked()
        form.locator(f"#score-date-{referral.pk}").fill(TODAY.isoformat())
        steps.click(form.get_by_test_id("save-scores"), submit=True)
        expect(page.get_by_role("status")).to_contain_text("Scorerne er registreret")
    assert Assessment.objects.filter(respondent="provider", citizen=overdue).count() == 1

    with steps.task("record an exit"):
        steps.click(page.get_by_role("link", name="Mit overblik"))
        steps.click(page.get_by_test_id("referral-table").get_by_role("link", name="Lis Afsted"))
        steps.click(page.get_by_role("link", name="Registrér afmelding"))
        reason = page.locator("#id_exit_reason")
        steps.choose(reason, index=1)
        steps.click(page.get_by_test_id("exit-form").locator("button[type=submit]"), submit=True)
        expect(page.get_by_role("heading", level=1)).to_contain_text("KVIK Dagen")
        expect(page.get_by_role("status")).to_be_visible()
    assert Enrolment.objects.get(citizen=leaving).status != "active"

    report = steps.write(artifacts)
    assert report["score with one typo"]["submits"] == 2
    assert steps.total_clicks() == sum(task["clicks"] for task in report.values())
