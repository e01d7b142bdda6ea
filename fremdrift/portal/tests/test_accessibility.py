"""The citizen's pages in a real browser pass axe-core (no serious or critical WCAG 2.1 AA
violation) and fit a 360 px screen and 200 % zoom (a 640 px wide layout at twice the pixels),
through a link and signed in. A transactional test in a file of its own."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from fremdrift.accounts.models import Role
from fremdrift.assessments.services import AnswerInput, assessment_record
from fremdrift.browser_fixtures import axe_violations
from fremdrift.instruments.models import Instrument
from fremdrift.portal.tests.test_browser import PHONE, fits, phone_tab
from fremdrift.testing import (
    citizen_signed_in,
    make_citizen,
    make_invitation,
    make_organisation,
    make_user,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_citizens_pages_pass_axe_fit_360_px_and_200_percent_zoom(live_server, page):
    jobcentre = make_organisation("Jobcenter Axeby")
    caseworker = make_user("axecase", jobcentre, Role.CASEWORKER)
    citizen = make_citizen(caseworker, first_name="Tove", last_name="Kjarval")
    version = Instrument.objects.get(code="adult_wheel").versions.get(status="published")
    for days in (40, 10):
        assessment_record(
            actor=caseworker,
            citizen=citizen,
            version=version,
            date=dt.date.today() - dt.timedelta(days=days),
            respondent="joint",
            status="completed",
            answers={item.code: AnswerInput(value=5) for item in version.items.all()},
        )
    invitation, token = make_invitation(caseworker, citizen, instrument_code="citizen_survey")
    session = citizen_signed_in(Client(), citizen).cookies[settings.SESSION_COOKIE_NAME].value

    # 200 % zoom of a 1280 px wide window is a 640 px wide layout at twice the pixels.
    for viewport in (PHONE, {"width": 640, "height": 450}):
        tab, violations = phone_tab(page, viewport)
        for url in (
            f"/s/{token}/",
            f"/s/{token}/1/",
            f"/s/{token}/summary/",
            "/s/not-a-link/",
            "/me/",
        ):
            tab.goto(f"{live_server.url}{url}")
            assert axe_violations(tab) == [], url
            assert fits(tab), (url, viewport)
        tab.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        for url in ("/me/", "/me/report/", f"/me/self-assessments/{invitation.pk}/1/"):
            tab.goto(f"{live_server.url}{url}")
            assert axe_violations(tab) == [], url
            assert fits(tab), (url, viewport)
        expect(tab.get_by_role("radiogroup").or_(tab.locator("fieldset"))).to_be_visible()
        assert violations == []
        tab.context.close()
