"""The caseworker's brief, step by step in a real browser (issue 26, "Measure it"): find a
citizen, see who is overdue, register a citizen, record an assessment, add two goals and
change one with a reason, add an activity and a meeting, refer, print the report. The steps
are counted (`usability.Steps`) and recorded in docs/usability.md."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from fremdrift.accounts.models import Organisation, Role
from fremdrift.assessments import services as assessment_services
from fremdrift.citizens.models import Citizen
from fremdrift.instruments.models import Instrument
from fremdrift.plans.models import Activity, Goal, Meeting
from fremdrift.referrals.models import Referral
from fremdrift.testing import make_citizen, make_cpr, make_organisation, make_programme, make_user

from .usability import Steps

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "a long browser password"
# The goal of issue 26: the whole brief in at most this many clicks.
CLICKS_GOAL = 35


def test_the_caseworkers_brief(live_server, page, artifacts):
    jobcentre = make_organisation("Jobcenter Trin")
    provider = make_organisation("Værkstedet Trin", Organisation.Kind.PROVIDER)
    make_programme(provider, name="KVIK Trin")
    caseworker = make_user("trincase", jobcentre, Role.CASEWORKER)
    caseworker.set_password(PASSWORD)
    caseworker.save()
    overdue = make_citizen(caseworker, first_name="Olga", last_name="Overtid")
    assessment_services.follow_start(
        actor=caseworker,
        citizen=overdue,
        instrument=Instrument.objects.get(code="adult_wheel"),
        start_date=dt.date.today() - dt.timedelta(days=30),
        every_days=14,
    )
    for first, last in (("Bent", "Berg"), ("Carla", "Dahl"), ("Dan", "Eng")):
        make_citizen(caseworker, first_name=first, last_name=last)

    steps = Steps(page, "caseworker")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "trincase")
    page.fill("#id_password", PASSWORD)
    page.click("#main-content form button[type=submit]")
    page.wait_for_load_state()

    with steps.task("see who is overdue"):
        # The worklist on arrival shows it: no click.
        overdue_section = page.get_by_test_id("overdue")
        expect(overdue_section).to_contain_text("Olga Overtid")
        expect(overdue_section).not_to_contain_text("Bent Berg")

    with steps.task("find a citizen"):
        page.fill("#worklist-q", "Carla")
        page.press("#worklist-q", "Enter")
        table = page.get_by_test_id("citizen-table")
        expect(table.locator("tbody tr")).to_have_count(1)
        steps.click(table.get_by_role("link", name="Carla Dahl"))
        expect(page.get_by_test_id("citizen-name")).to_have_text("Carla Dahl")

    with steps.task("register a citizen"):
        steps.click(page.get_by_role("link", name=re.compile("^(Mit overblik|My overview)$")))
        steps.click(page.get_by_test_id("worklist-register"))
        page.fill("#id_first_name", "Nanna")
        page.fill("#id_last_name", "Ny")
        page.fill("#id_cpr", make_cpr(dt.date(1994, 5, 17)))
        steps.choose(page.locator("#id_target_group"), index=1)
        steps.click(page.locator("#main-content form button[type=submit]").last, submit=True)
        expect(page.get_by_test_id("citizen-name")).to_have_text("Nanna Ny")
    citizen = Citizen.objects.get(first_name="Nanna")

    with steps.task("record an assessment"):
        steps.click(page.get_by_test_id("new-assessment"))
        for item in page.locator("fieldset.assessment-item").all():
            steps.click(item.locator(".scale-point").nth(5))
        expect(page.get_by_test_id("assessment-form")).not_to_have_class(re.compile("htmx-request"))
        steps.click(page.get_by_test_id("save-assessment"), submit=True)
        expect(page.get_by_test_id("wheel")).to_be_visible()
    assert citizen.assessments.count() == 1

    with steps.task("add two goals and change one"):
        steps.click(page.get_by_test_id("plan-link"))
        # No plan yet: the first goal's form is open and makes the plan.
        form = page.get_by_test_id("new-goal")
        form.locator("textarea[name=text]").fill("Jeg vil arbejde i en butik")
        steps.choose(form.locator("select[name=category]"), label="Job")
        steps.click(form.get_by_role("button", name="Tilføj målet"), submit=True)
        expect(page.get_by_test_id("goal")).to_have_count(1)
        # The form stays open for the next goal.
        form = page.get_by_test_id("new-goal")
        steps.choose(form.locator("select[name=parent]"), label="Jeg vil arbejde i en butik")
        form.locator("textarea[name=text]").fill("Møde til tiden tre dage om ugen")
        steps.click(form.get_by_role("button", name="Tilføj målet"), submit=True)
        expect(page.get_by_test_id("goal")).to_have_count(2)
        goal = Goal.objects.get(text="Møde til tiden tre dage om ugen")
        block = page.locator(f"#goal-{goal.pk}")
        steps.click(block.get_by_text("Ret målet"))
        block.locator("textarea[name$=text]").fill("Møde til tiden fire dage om ugen")
        steps.choose(block.locator("select[name$=reason]"), index=1)
        block.locator("textarea[name$=note]").fill("Det går bedre end ventet")
        steps.click(block.get_by_role("button", name="Gem ændringen"), submit=True)
        expect(page.locator(f"#goal-{goal.pk}")).to_contain_text("fire dage")

    with steps.task("add an activity and a meeting"):
        activities = page.locator("#activities details").last
        steps.click(activities.locator("summary"))
        # The type names its sector: no need to choose the sector first.
        kind = activities.locator("select[name=kind]")
        internship = kind.locator("option", has_text="Enkeltpraktik").get_attribute("value")
        steps.choose(kind, value=internship)
        activities.locator("[name=purpose]").fill("Afklare arbejdsevne i butik")
        steps.click(activities.get_by_role("button", name="Tilføj indsatsen"), submit=True)
        expect(page.get_by_test_id("activities")).to_contain_text("Afklare arbejdsevne")
        meeting = page.get_by_test_id("new-meeting")
        steps.click(meeting.locator("summary"))
        steps.choose(page.locator("#meetings select[name=kind]"), index=1)
        steps.click(
            page.locator("#meetings").get_by_role("button", name="Registrér mødet"), submit=True
        )
        expect(page.get_by_test_id("meetings")).to_be_visible()
    assert Activity.objects.filter(plan__citizen=citizen).count() == 1
    assert Meeting.objects.filter(plan__citizen=citizen).count() == 1

    with steps.task("refer to a programme"):
        steps.click(page.get_by_test_id("plan-refer-link"))
        steps.choose(page.locator("#id_programme"), label="KVIK Trin (Værkstedet Trin)")
        focus = page.get_by_test_id("focus-items")
        expect(focus).to_be_visible()
        steps.tick(focus.get_by_role("checkbox").first)
        steps.click(page.get_by_test_id("refer"), submit=True)
        expect(page.get_by_test_id("referrals")).to_contain_text("KVIK Trin")
    assert Referral.objects.filter(citizen=citizen).count() == 1

    with steps.task("print the report"):
        steps.click(page.get_by_test_id("citizen-report-link"))
        expect(page.get_by_role("heading", level=1)).to_contain_text("Nanna Ny")
        steps.click(page.get_by_role("button", name=re.compile("Udskriv|Print")))

    report = steps.write(artifacts)
    clicks = steps.total_clicks()
    assert clicks == sum(task["clicks"] for task in report.values())
    assert clicks <= CLICKS_GOAL, report
