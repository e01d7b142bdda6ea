"""In a real browser: a caseworker books a meeting ahead on the plan page and sees it under
"Kommende møder"; a time that has passed asks first and "Book alligevel" books it; the plan
page with the booking form open, and the worklist, have no serious or critical
accessibility violation (axe-core)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from fremdrift.accounts.models import Role
from fremdrift.browser_fixtures import axe_violations
from fremdrift.plans.models import Meeting
from fremdrift.plans.services import plan_get_or_create
from fremdrift.testing import make_citizen, make_organisation, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a long browser password"


def book(page, *, day: dt.date, place: str) -> None:
    form = page.get_by_test_id("new-booking")
    form.locator("select[name=kind]").select_option(index=1)
    form.locator("input[name=date]").fill(day.isoformat())
    form.locator("input[name=start_time]").fill("10:00")
    form.locator("input[name=end_time]").fill("11:00")
    form.locator("input[name=place]").fill(place)
    form.get_by_role("button", name="Book mødet").click()


def test_a_meeting_is_booked_ahead_and_a_past_time_asks_first(live_server, page):
    jobcentre = make_organisation("Jobcenter Mødeby")
    caseworker = make_user("modecase", jobcentre, Role.CASEWORKER)
    caseworker.set_password(PASSWORD)
    caseworker.save()
    citizen = make_citizen(caseworker, first_name="Mette", last_name="Mødested")
    plan_get_or_create(actor=caseworker, citizen=citizen)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "modecase")
    page.fill("#id_password", PASSWORD)
    page.click("#main-content form button[type=submit]")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert axe_violations(page) == []  # "Mit overblik"

    page.goto(f"{live_server.url}/citizens/{citizen.pk}/plan/")
    page.get_by_test_id("new-booking").locator("summary").click()
    expect(page.get_by_test_id("new-booking").locator("input[name=place]")).to_be_visible()
    assert axe_violations(page) == []

    ahead = dt.date.today() + dt.timedelta(days=7)
    book(page, day=ahead, place="Jobcentret, lokale 2")
    booked = page.get_by_test_id("booked-meetings")
    expect(booked).to_contain_text("Jobcentret, lokale 2")
    expect(booked).to_contain_text("10:00")
    meeting = Meeting.objects.get(plan__citizen=citizen)
    assert (meeting.status, meeting.date, meeting.start_time) == (
        Meeting.Status.BOOKED,
        ahead,
        dt.time(10, 0),
    )

    # A day that has passed: the form asks first, keeps what was typed, and books on "Book
    # alligevel".
    page.get_by_test_id("new-booking").locator("summary").click()
    yesterday = dt.date.today() - dt.timedelta(days=1)
    book(page, day=yesterday, place="Borgerens hjem")
    anyway = page.get_by_test_id("book-anyway")
    expect(anyway).to_be_visible()
    expect(page.get_by_test_id("new-booking").locator("input[name=place]")).to_have_value(
        "Borgerens hjem"
    )
    assert Meeting.objects.filter(plan__citizen=citizen).count() == 1
    anyway.click()
    expect(page.get_by_test_id("booked-meetings")).to_contain_text("Borgerens hjem")
    assert Meeting.objects.filter(plan__citizen=citizen, status=Meeting.Status.BOOKED).count() == 2
