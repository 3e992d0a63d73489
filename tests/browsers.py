"""The browser tests' Chromium: the system's (`/usr/bin/chromium`), headless, kept off the network.

The `browser` fixture is offered to the whole suite by `tests/conftest.py`; `log_in` signs a fixture user in.

Playwright's sync API runs an event loop in the test's thread. While it runs, Django keeps database connections
per async context rather than per thread, so ORM calls in a browser test open a connection of their own; the
fixture closes it before Playwright stops, else PostgreSQL cannot drop the test database at the end.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct-horse-battery"


@contextmanager
def chromium_browser() -> Iterator[Any]:
    """Launch Chromium under Playwright; on the way out, close the database connections opened meanwhile."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
            # The connections opened while the event loop ran belong to this context: close them here.
            connections.close_all()


@pytest.fixture
def browser(monkeypatch) -> Iterator[Any]:
    """A headless Chromium; skipped only outside CI when the system has no Chromium."""
    require_chromium(monkeypatch)
    with chromium_browser() as chromium:
        yield chromium


def require_chromium(monkeypatch) -> None:
    """Skip without Chromium (fail in CI), and let the ORM run beside Playwright's event loop."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: browser tests must run in CI")
        pytest.skip(f"{CHROMIUM} is not installed")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in tests are still sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def log_in(page: Any, base_url: str, username: str) -> None:
    """Sign in through the login page (every fixture user's password is PASSWORD)."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
