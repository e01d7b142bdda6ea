"""The manager's morning on the demo, step by step in a real browser (issue 26, "Measure it"):
arrive at the organisation's headline figures, follow the progression verdict into its report,
download it as a file that says what it holds, and compare the caseworkers. Steps are counted
(`usability.Steps`) and recorded in docs/usability.md."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from fremdrift.browser_fixtures import axe_violations
from fremdrift.core.exports import csv_about

from .usability import Steps

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_managers_morning(live_server, page, artifacts):
    call_command("seed_demo", allow_production=True)
    steps = Steps(page, "manager")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "analytiker")
    page.fill("#id_password", "demo")
    page.click("#main-content form button[type=submit]")

    with steps.task("read the headline figures"):
        expect(page.get_by_test_id("active-enrolments").get_by_test_id("figure")).to_have_text(
            re.compile(r"^\d+$")
        )
        expect(page.get_by_test_id("verdict")).not_to_be_empty()
        assert axe_violations(page) == []

    with steps.task("open the progression report"):
        steps.click(page.get_by_role("link", name="Progressionsrapporten"))
        expect(page.get_by_test_id("summary")).to_be_visible()

    with steps.task("download the report as CSV"):
        with page.expect_download() as download:
            steps.click(page.get_by_role("link", name="Hent som CSV").first)
        content = download.value.path().read_bytes()
        # A forwarded file says what it holds: the report's name first, then its group.
        about = csv_about(content)
        assert about[0][0] == "Rapport" and "rogression" in about[0][1]
        assert len(about) >= 3

    with steps.task("compare the caseworkers"):
        steps.click(page.get_by_role("link", name="Rapporter", exact=True))
        steps.click(page.get_by_role("link", name=re.compile("^Sammenligning")).first)
        steps.choose(page.locator("select[name=by]"), value="caseworker")
        steps.click(page.get_by_role("button", name=re.compile("Vis|Opdatér")).first, submit=True)
        expect(page.get_by_test_id("summary")).to_be_visible()

    report = steps.write(artifacts)
    assert steps.total_clicks() == sum(task["clicks"] for task in report.values())
