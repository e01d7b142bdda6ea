"""In a real browser: choosing the activity's sector redraws the list of types with that
sector's types only (htmx), and the activity is saved with one of them."""

import re

import pytest
from playwright.sync_api import expect

from fremdrift.accounts.models import Role
from fremdrift.plans.models import Activity
from fremdrift.plans.services import plan_get_or_create
from fremdrift.testing import make_citizen, make_organisation, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_types_follow_the_sector(live_server, page):
    jobcentre = make_organisation("Jobcenter Typeby")
    caseworker = make_user("typecase", jobcentre, Role.CASEWORKER)
    caseworker.set_password("a long browser password")
    caseworker.save()
    citizen = make_citizen(caseworker, first_name="Sofie", last_name="Holten")
    plan_get_or_create(actor=caseworker, citizen=citizen)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "typecase")
    page.fill("#id_password", "a long browser password")
    page.click("#main-content form button[type=submit]")
    page.goto(f"{live_server.url}/citizens/{citizen.pk}/plan/")
    page.locator("#activities details > summary").last.click()
    kind = page.locator("#activities select[name=kind]")
    expect(kind).to_be_visible()
    page.select_option("#activities select[name=sector]", label="Sundhed")
    expect(kind.locator("option", has_text="Enkeltpraktik")).to_have_count(0)
    expect(kind.locator("option", has_text="Fysioterapi")).to_have_count(1)
    page.select_option("#activities select[name=kind]", label="Fysioterapi")
    page.locator("#activities textarea[name=purpose]").fill("Træning af ryggen")
    page.locator("#activities form button[type=submit]").last.click()
    expect(page.get_by_test_id("activities")).to_contain_text(re.compile("Fysioterapi"))
    assert Activity.objects.get().kind.code == "physiotherapy"
