"""The API under hostile and clumsy clients: malformed bodies and headers, URLs without their slash, caching
and sessions. Each answer is a 4xx with a message (or the right redirect), never a 500."""

import pytest
from django.contrib.sessions.models import Session
from rest_framework.test import APIClient

from assetreg.models import Asset
from ledgerline.models import DeviceToken

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"
ASSETS = "/api/v1/assets/"
PASSWORD = "correct-horse-battery"
DEEP = "[" * 100_000


def token_client(user):
    _, token = DeviceToken.objects.create(user=user, device_name="test phone")
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_body_nested_100000_deep_is_a_400_for_a_signed_in_user(world):
    response = token_client(world.facility_manager).post(ASSETS, DEEP, content_type="application/json")

    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]
    assert Asset.objects.count() == 2


def test_a_body_nested_100000_deep_is_a_400_on_the_unauthenticated_login(world):
    response = APIClient(raise_request_exception=False).post(LOGIN, DEEP, content_type="application/json")

    assert response.status_code == 400
    assert not DeviceToken.objects.exists()


def test_a_token_header_with_bytes_that_are_not_utf8_is_a_401(world):
    client = APIClient(raise_request_exception=False)
    header = b"Token \xff\xfe\xfd".decode("latin-1")  # what a WSGI server hands Django for those raw bytes

    response = client.get(ASSETS, HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert "token" in response.json()["detail"].lower()


@pytest.mark.parametrize("debug", [False, True])
def test_a_write_to_an_api_url_without_its_trailing_slash_is_redirected_with_308(world, settings, debug):
    settings.DEBUG = debug
    client = token_client(world.facility_manager)
    url = f"{ASSETS}{world.home_asset.pk}/transition"
    body = {"to_status": "under_maintenance", "reason": "Leak", "version": world.home_asset.version}

    redirect = client.post(url, body, format="json")
    followed = client.post(redirect["Location"], body, format="json")

    assert redirect.status_code == 308
    assert redirect["Location"] == url + "/"
    assert followed.status_code == 200
    assert followed.json()["status"] == "under_maintenance"


def test_an_api_address_that_names_nothing_is_a_json_404(world):
    response = token_client(world.facility_manager).get(f"{ASSETS}not-a-number/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_authenticated_api_responses_are_private_and_not_stored(world):
    response = token_client(world.facility_manager).get(f"{ASSETS}{world.home_asset.pk}/")

    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_signed_in_web_pages_are_private_and_not_stored(world, client):
    client.force_login(world.facility_manager)

    response = client.get("/")

    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}


def test_a_token_login_creates_no_server_session_and_sets_no_cookie(world):
    response = APIClient().post(LOGIN, {"username": "tech", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()


def test_a_token_login_keeps_the_browser_session_it_was_made_from(world):
    browser = APIClient()
    browser.force_login(world.technician)
    session_key = browser.session.session_key

    response = browser.post(LOGIN, {"username": "tech", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert list(Session.objects.values_list("session_key", flat=True)) == [session_key]


def test_the_lockout_says_when_to_try_again(world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = APIClient().post(LOGIN, {"username": "tech", "password": "wrong"}, format="json")

    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == int(settings.AXES_COOLOFF_TIME.total_seconds())
