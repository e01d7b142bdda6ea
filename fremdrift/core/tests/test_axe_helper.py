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
