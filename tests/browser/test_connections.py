"""Browser tests give back the database connections they open, so the test database can be dropped."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from tests.browsers import chromium_browser, require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_query_made_while_the_browser_runs_leaves_no_connection_open(monkeypatch):
    # Given Chromium under Playwright, as the `browser` fixture launches it,
    require_chromium(monkeypatch)
    closed = []
    # when a test reads the database while Playwright's event loop runs in its thread,
    with chromium_browser():
        get_user_model().objects.count()
        connection = connections["default"]
        assert connection.connection is not None
        close = connection.close
        monkeypatch.setattr(connection, "close", lambda: (closed.append(True), close())[1])

    # then the connection opened meanwhile is closed (an open one keeps PostgreSQL from dropping the test
    # database: "is being accessed by other users"). SQLite's in-memory test database ignores close().
    assert closed
    if connection.vendor != "sqlite":
        assert connection.connection is None
