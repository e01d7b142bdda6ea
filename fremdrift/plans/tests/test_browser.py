"""A start meeting in a real browser: the caseworker builds the plan with the citizen, marks a
sub-goal achieved, and prints the citizen report as PDF."""

import re

import pytest
from playwright.sync_api import expect

from fremdrift.accounts.models import Role
from fremdrift.plans.models import Goal, Meeting
from fremdrift.testing import make_citizen, make_organisation, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_start_meeting_goals_and_the_printed_report(live_server, page, artifacts):
    jobcentre = make_organisation("Jobcenter Planby")
    caseworker = make_user("plancase", jobcentre, Role.CASEWORKER)
    caseworker.set_password("a long browser password")
    caseworker.save()
    citizen = make_citizen(caseworker, first_name="Sofie", last_name="Holten")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "plancase")
    page.fill("#id_password", "a long browser password")
    page.click("#main-content form button[type=submit]")
    page.goto(f"{live_server.url}/citizens/{citizen.pk}/")
    page.get_by_test_id("plan-link").click()
    page.get_by_role("button", name=re.compile("Lav planen|Make the plan")).click()

    # The start meeting, with a doctor and a mentor-to-be around the table.
    page.get_by_test_id("new-meeting").locator("summary").click()
    page.select_option("#meetings select[name=kind]", label="Opstartsmøde")
    page.locator("#meetings").get_by_label("Læge").check()
    page.locator("#meetings").get_by_role("button", name="Registrér mødet").click()
    expect(page.get_by_test_id("meetings")).to_contain_text("Opstartsmøde")

    # The end goal and two sub-goals, in the citizen's words.
    def add_goal(text, parent=None, category=None):
        form = page.get_by_test_id("new-goal")
        # Just after a goal is added, the form stays open for the next.
        if not form.evaluate("details => details.open"):
            form.locator("summary").first.click()
        if parent:
            form.locator("select[name=parent]").select_option(label=parent)
        form.locator("textarea[name=text]").fill(text)
        if category:
            form.locator("select[name=category]").select_option(label=category)
        form.get_by_role("button", name="Tilføj målet").click()

    add_goal("Jeg vil arbejde i et køkken", category="Job")
    add_goal("Møde til tiden hver dag", parent="Jeg vil arbejde i et køkken")
    add_goal("Tage på praktikbesøg i en kantine", parent="Jeg vil arbejde i et køkken")
    expect(page.get_by_test_id("goal")).to_have_count(3)

    # A month later: the first sub-goal is reached.
    goal = Goal.objects.get(text="Møde til tiden hver dag")
    block = page.locator(f"#goal-{goal.pk}")
    block.get_by_text("Ret målet").click()
    block.locator("select[name$=status]").select_option("achieved")
    block.locator("select[name$=reason]").select_option("achieved")
    block.locator("textarea[name$=note]").fill("Har mødt til tiden i fire uger")
    block.get_by_role("button", name="Gem ændringen").click()
    expect(page.locator(f"#goal-{goal.pk} [data-testid=goal-status]")).to_have_text("Opnået")
    goal.refresh_from_db()
    assert goal.status == "achieved" and goal.events.count() == 2
    assert Meeting.objects.filter(plan__citizen=citizen, kind__code="start_meeting").count() == 1

    page.get_by_test_id("report-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sofie Holten")
    expect(page.locator("body")).to_contain_text("Møde til tiden hver dag")
    page.emulate_media(media="print")
    pdf = artifacts / "citizen-report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000
