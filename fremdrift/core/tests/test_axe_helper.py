"""axe-core in the browser tests: the login page has no serious or critical WCAG 2.1 A/AA
violation, and the helper does report one when there is one. Both run under the pages' own
Content-Security-Policy; the `page` fixture fails a test on any CSP violation."""

import pytest

from fremdrift.browser_fixtures import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_login_page_has_no_serious_accessibility_violations(live_server, page):
    response = page.goto(f"{live_server.url}/accounts/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.locator("#id_username").is_visible()

    assert axe_violations(page) == []


def test_axe_reports_an_image_without_alt_and_an_input_without_label(live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        """() => {
            const main = document.querySelector('#main-content') || document.body;
            const image = document.createElement('img');
            image.id = 'image-without-alt';
            image.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
            const input = document.createElement('input');
            input.id = 'input-without-label';
            input.type = 'text';
            main.append(image, input);
        }"""
    )

    violations = {violation["id"]: violation for violation in axe_violations(page)}

    assert violations["image-alt"]["impact"] == "critical"
    assert violations["image-alt"]["targets"] == [["#image-without-alt"]]
    assert violations["label"]["targets"] == [["#input-without-label"]]
    assert "image-alt" not in {v["id"] for v in axe_violations(page, impacts=("minor",))}
