"""Playwright with Debian's Chromium, headless, against pytest-django's live_server.

Screenshots go to test-artifacts/ (gitignored), so a failing run can be looked at.
"""

import re
from pathlib import Path

import pytest

from catalog.models import Concept, Licence
from catalog.vocabularies import load_vocabularies

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Root in CI needs --no-sandbox; the rest keeps Chromium from calling home, which this
# network refuses, many connections at a time.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def vocabularies(transactional_db):
    """Themes, formats and licences as migrated: an earlier transactional test flushed them."""
    load_vocabularies(Concept, Licence)


@pytest.fixture
def page(live_server, monkeypatch, request):
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls a test makes
    # between browser steps are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # A browser per test, not per session: its event loop must not outlive the test.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
            base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        expect.set_options(timeout=15_000)
        page = context.new_page()
        page.shot = lambda step: _screenshot(page, request.node.name, step)
        try:
            yield page
        finally:
            _screenshot(page, request.node.name, "last")
            context.close()
            browser.close()


def _screenshot(page, test_name, step):
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "-", f"{test_name}-{step}")
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
