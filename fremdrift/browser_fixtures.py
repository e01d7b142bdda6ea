"""Headless Chromium for browser tests: Debian's /usr/bin/chromium through Playwright, never a
downloaded browser. Without Chromium the tests are skipped, except where CI is set: there they
are required. `axe_violations` checks the open page for accessibility faults with axe-core,
vendored in fremdrift/core/tests/vendor/axe-core/ by scripts/vendor_assets.py."""

import functools
import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "artifacts"
AXE = Path(__file__).resolve().parent / "core" / "tests" / "vendor" / "axe-core" / "axe.min.js"
# The WCAG 2.1 A and AA rules: the level the public sector is held to (webtilgængelighedsloven).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def page():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI: apt-get install chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test's thread; the test itself only
    # touches the database between browser steps, never concurrently with them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
        context.set_default_timeout(15_000)
        tab = context.new_page()
        # Every browser test also proves that the Content-Security-Policy blocks nothing
        # the pages need: a violation is reported on the console and fails the test.
        violations = []
        tab.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        try:
            yield tab
            assert violations == [], violations
        finally:
            context.close()
            browser.close()
            # With Playwright's event loop running, Django keeps the test's database
            # connection in that context (asgiref's Local), where the test database's
            # teardown does not close it; left open, PostgreSQL cannot drop the database.
            from django.db import connections

            connections.close_all()
            # Not left behind for later tests: `check --deploy` in a subprocess refuses it.
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@functools.cache
def _axe_source() -> str:
    return AXE.read_text()


def axe_violations(tab, *, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core's WCAG 2.1 A and AA rules on the page open in `tab` and return the
    violations of the given impacts, each as {id, impact, help, targets} with the CSS selectors
    of at most the first five offending elements: `assert axe_violations(page) == []` then
    says what is wrong where.

    axe-core goes in by `evaluate`, which the Content-Security-Policy (script-src 'self') does
    not govern; a <script> tag with the source inline would be blocked, and reported."""
    if not tab.evaluate("() => typeof window.axe === 'object'"):
        tab.evaluate(_axe_source())
    violations = tab.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations",
        AXE_TAGS,
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"][:5]],
        }
        for violation in violations
        if violation["impact"] in impacts
    ]
