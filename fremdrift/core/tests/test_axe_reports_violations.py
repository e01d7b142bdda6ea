"""axe-core in the browser tests can fail: an image without alt and an input without a label
are reported. A transactional test keeps a file of its own: pytest-xdist hands out the
largest files first, so a file of two transactional tests would run, and empty the database,
before the one-test files that expect the migrations' data."""

import pytest

from fremdrift.browser_fixtures import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


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
