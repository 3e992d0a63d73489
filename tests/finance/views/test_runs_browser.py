"""In a real browser, a run's page follows the run while a worker posts it, then shows the result.

Runs headless Chromium from the system (`/usr/bin/chromium`) against pytest-django's live server.
"""

from datetime import date

import pytest

from finance import services
from tests.browsers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_run_page_updates_itself_until_the_run_is_done(world, textbook_asset, live_server, browser, monkeypatch):
    from finance import tasks

    enqueued = []
    monkeypatch.setattr(tasks.depreciation_run_chunk_task, "delay_on_commit", lambda *args: enqueued.append(args))
    run = services.depreciation_run_start(actor=world.finance, period=date(2024, 6, 1))
    assert run.status == "queued" and enqueued  # no worker has picked it up

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server.url, "aud")
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
