"""In a real browser, a run's page follows the run while a worker posts it, then shows the result.

Runs headless Chromium from the system (`/usr/bin/chromium`) against pytest-django's live server.
"""

import os
from datetime import date

import pytest

from finance import services

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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(monkeypatch):
    """A headless Chromium; skipped only outside CI when the system has no Chromium."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: browser tests must run in CI")
        pytest.skip(f"{CHROMIUM} is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def test_the_run_page_updates_itself_until_the_run_is_done(world, textbook_asset, live_server, browser, monkeypatch):
    from finance import tasks

    enqueued = []
    monkeypatch.setattr(tasks.depreciation_run_chunk_task, "delay_on_commit", lambda *args: enqueued.append(args))
    run = services.depreciation_run_start(actor=world.finance, period=date(2024, 6, 1))
    assert run.status == "queued" and enqueued  # no worker has picked it up

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "aud")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.click("nav.mainnav >> text=Valuation runs")
    page.click("text=June 2024")
    assert page.inner_text("[data-run-badge]") == "Queued"
    assert "Waiting for a worker" in page.inner_text("main")

    for run_id, lo, hi in enqueued:  # the worker posts the chunk while the page is open
        services.depreciation_run_chunk(run_id=run_id, lo=lo, hi=hi)

    page.wait_for_selector("[data-run-badge]:has-text('Done')", timeout=15_000)
    body = page.inner_text("main")
    assert "Waiting for a worker" not in body
    assert "EUR" in page.inner_text("#h-totals + ul")
