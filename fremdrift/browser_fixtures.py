"""Headless Chromium for browser tests: Debian's /usr/bin/chromium through Playwright, never a
downloaded browser. Without Chromium the tests are skipped, except where CI is set: there they
are required."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "artifacts"
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
