"""Nothing the app serves loads a third-party host: the pages and the API docs work without internet."""

from urllib.parse import urlsplit

import pytest

from tests.browsers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCAL_HOSTS = {"localhost", "127.0.0.1"}


def test_the_pages_and_the_api_docs_request_only_this_server(world, live_server, browser):
    page = browser.new_page()
    elsewhere = []

    def refuse_other_hosts(route):
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).hostname not in LOCAL_HOSTS:
            elsewhere.append(url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", refuse_other_hosts)
    log_in(page, live_server.url, "fm")
    for path in ("/", "/assets/", world.home_asset.get_absolute_url(), "/assets/new/", "/sites/"):
        page.goto(f"{live_server.url}{path}", wait_until="networkidle")

    page.goto(f"{live_server.url}/api/docs/", wait_until="networkidle")
    page.wait_for_selector(".swagger-ui .info .title")  # Swagger UI ran and read the schema
    assert "Ledgerline API" in page.inner_text(".swagger-ui .info .title")
    page.goto(f"{live_server.url}/api/redoc/", wait_until="networkidle")
    page.wait_for_selector("text=Ledgerline API")  # Redoc ran and read the schema

    assert elsewhere == []
