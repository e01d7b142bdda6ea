"""In a real browser: a caseworker makes a self-assessment link, the citizen answers it on a
phone-sized screen with the keyboard alone, and the caseworker sees the answers as the
citizen's own and compares them with their own assessment. The citizen's pages pass axe-core
(no serious or critical WCAG 2.1 AA violation), fit a 360 px screen and 200 % zoom."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from fremdrift.accounts.models import Role
from fremdrift.assessments.models import Assessment
from fremdrift.assessments.services import AnswerInput, assessment_record
from fremdrift.browser_fixtures import axe_violations
from fremdrift.instruments.models import Instrument
from fremdrift.testing import (
    make_citizen,
    make_organisation,
    make_user,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 360, "height": 740}


def phone_tab(page, viewport=PHONE, scale=2):
    """A second browser context the size of a phone (or of a zoomed screen), failing on any
    Content-Security-Policy violation as the `page` fixture does."""
    context = page.context.browser.new_context(
        viewport=viewport, device_scale_factor=scale, locale="da-DK", has_touch=True
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    violations = []
    tab.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return tab, violations


def fits(tab) -> bool:
    """Nothing wider than the screen: no sideways scrolling."""
    return tab.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def choose_by_keyboard(tab, steps: int) -> None:
    """Tab to the first answer, move `steps` points with the arrow key, and press Enter."""
    for _ in range(40):
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement && document.activeElement.name === 'answer'"):
            break
    else:
        raise AssertionError("no answer could be reached with Tab")
    tab.keyboard.press("Space")
    for _ in range(steps):
        tab.keyboard.press("ArrowDown")
    tab.keyboard.press("Enter")


def test_a_caseworker_invites_the_citizen_answers_on_a_phone_and_the_caseworker_compares(
    live_server, page, artifacts
):
    jobcentre = make_organisation("Jobcenter Linkby")
    caseworker = make_user("linkcase", jobcentre, Role.CASEWORKER)
    caseworker.set_password("a long browser password")
    caseworker.save()
    citizen = make_citizen(caseworker, first_name="Inger", last_name="Christensen")
    version = Instrument.objects.get(code="adult_wheel").versions.get(status="published")
    assessment_record(
        actor=caseworker,
        citizen=citizen,
        version=version,
        date=dt.date.today() - dt.timedelta(days=2),
        respondent="caseworker",
        status="completed",
        answers={item.code: AnswerInput(value=4) for item in version.items.all()},
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "linkcase")
    page.fill("#id_password", "a long browser password")
    page.click("#main-content form button[type=submit]")
    page.goto(f"{live_server.url}/citizens/{citizen.pk}/")
    page.get_by_test_id("self-assessment-invite").click()
    page.get_by_label("Spørgeskema").select_option(label=version.instrument.name)
    page.locator("label[for=id_pictograms]").click()
    page.get_by_test_id("make-link").click()
    expect(page.get_by_test_id("link-made")).to_be_visible()
    link = page.get_by_test_id("self-assessment-link").inner_text()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/s/[A-Za-z0-9_-]{{24}}/", link)

    phone, violations = phone_tab(page)
    phone.goto(link)
    expect(phone.get_by_role("heading", name="Hej Inger")).to_be_visible()
    assert "Christensen" not in phone.content()
    assert axe_violations(phone) == [] and fits(phone)
    phone.get_by_test_id("start-answering").click()
    for number in range(1, 9):
        expect(phone.get_by_text(f"Spørgsmål {number} af 8")).to_be_visible()
        if number == 1:
            assert axe_violations(phone) == [] and fits(phone)
            phone.screenshot(path=str(artifacts / "self-assessment-phone.png"), full_page=True)
        choose_by_keyboard(phone, steps=5 + number % 3)  # 6, 7 or 8
    expect(phone.get_by_role("heading", name="Dine svar")).to_be_visible()
    assert axe_violations(phone) == [] and fits(phone)
    phone.get_by_test_id("send").click()
    expect(phone.get_by_role("heading", name="Tak. Dine svar er sendt.")).to_be_visible()
    assert violations == []
    phone.context.close()

    own = Assessment.objects.get(citizen=citizen, respondent="citizen")
    assert own.entered_by_citizen and own.scored_items == 8
    assert sorted(set(own.item_values.values())) == [6.0, 7.0, 8.0]

    page.goto(f"{live_server.url}/citizens/{citizen.pk}/")
    expect(page.get_by_test_id("self-completed")).to_have_text("udfyldt af borgeren selv")
    page.get_by_test_id("compare-link").click()
    expect(page.get_by_test_id("comparing")).to_contain_text("udfyldt af borgeren selv")
    expect(page.get_by_test_id("comparing")).to_contain_text("Sagsbehandleren")
    wheel = page.get_by_test_id("wheel")
    expect(wheel).to_contain_text("Borgeren selv")
    expect(wheel).to_contain_text("Sagsbehandleren")
