"""API device tokens: login, logout, listing and revoking tokens, expiry, and lockout after failed logins."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from ledgerline.lockout import lockout_message
from ledgerline.models import DeviceToken

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"
LOGOUT = "/api/v1/auth/logout/"
TOKENS = "/api/v1/auth/tokens/"
PASSWORD = "correct-horse-battery"


def login(username, password=PASSWORD, device_name="Pixel 8"):
    return APIClient().post(
        LOGIN, {"username": username, "password": password, "device_name": device_name}, format="json"
    )


def client_with(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_login_returns_a_token_its_expiry_and_who_the_user_is(world):
    response = login("tech")

    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {
        "username": "tech",
        "role": "Technician",
        "sees_all_sites": False,
        "sites": [{"id": world.home.pk, "code": "HQ", "name": "Headquarters"}],
    }
    assert body["expiry"] is not None
    assert client_with(body["token"]).get("/api/v1/assets/").status_code == 200
    assert DeviceToken.objects.get(user=world.technician).device_name == "Pixel 8"


def test_a_wrong_password_is_a_400_with_a_message_not_a_500(world):
    response = login("tech", password="wrong")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to log in with this username and password."]}
    assert not DeviceToken.objects.exists()


def test_missing_credentials_are_field_errors(world):
    response = APIClient().post(LOGIN, {}, format="json")

    assert response.status_code == 400
    assert {"username", "password"} <= set(response.json())


def test_repeated_failed_logins_lock_the_username_out_with_429(world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login("tech", password="wrong").status_code == 400

    locked = login("tech", password="wrong")
    even_the_right_password = login("tech")

    assert locked.status_code == 429
    assert locked.json() == {"detail": lockout_message()}
    assert even_the_right_password.status_code == 429
    assert not DeviceToken.objects.exists()


def test_a_successful_login_resets_the_failure_count(world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login("tech", password="wrong")
    assert login("tech").status_code == 200

    assert login("tech", password="wrong").status_code == 400


def test_logout_revokes_only_the_token_it_was_sent_with(world):
    phone = login("tech", device_name="phone").json()["token"]
    tablet = login("tech", device_name="tablet").json()["token"]

    response = client_with(phone).post(LOGOUT)

    assert response.status_code == 204
    assert client_with(phone).get("/api/v1/assets/").status_code == 401
    assert client_with(tablet).get("/api/v1/assets/").status_code == 200


def test_the_token_list_shows_my_devices_but_never_a_secret(world):
    phone = login("tech", device_name="phone").json()["token"]
    login("tech", device_name="tablet")
    login("fin", device_name="finance laptop")

    rows = client_with(phone).get(TOKENS).json()["results"]

    assert sorted(row["device_name"] for row in rows) == ["phone", "tablet"]
    assert all(set(row) == {"token_key", "device_name", "created", "expiry", "last_used_at", "current"} for row in rows)
    assert [row["device_name"] for row in rows if row["current"]] == ["phone"]
    assert all(row["token_key"] == phone[:15] or row["device_name"] == "tablet" for row in rows)
    assert phone not in str(rows)


def test_a_lost_device_is_revoked_by_its_token_key(world):
    phone = login("tech", device_name="phone").json()["token"]
    lost = login("tech", device_name="lost tablet").json()["token"]

    response = client_with(phone).delete(f"{TOKENS}{lost[:15]}/")

    assert response.status_code == 204
    assert client_with(lost).get("/api/v1/assets/").status_code == 401


def test_another_users_token_cannot_be_revoked(world):
    mine = login("tech").json()["token"]
    theirs = login("fin").json()["token"]

    response = client_with(mine).delete(f"{TOKENS}{theirs[:15]}/")

    assert response.status_code == 404
    assert client_with(theirs).get("/api/v1/assets/").status_code == 200


def test_an_expired_token_is_401(world):
    token = login("tech").json()["token"]
    DeviceToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))

    response = client_with(token).get("/api/v1/assets/")

    assert response.status_code == 401


def test_tokens_expire_after_the_configured_lifetime(world, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(hours=2)}

    login("tech")

    lifetime = DeviceToken.objects.get().expiry - timezone.now()
    assert timedelta(hours=1, minutes=59) < lifetime <= timedelta(hours=2)


def test_last_use_is_recorded_at_most_once_a_minute(world):
    token = login("tech").json()["token"]
    client = client_with(token)

    client.get("/api/v1/assets/")
    first = DeviceToken.objects.get().last_used_at
    client.get("/api/v1/assets/")
    within_the_minute = DeviceToken.objects.get().last_used_at
    DeviceToken.objects.update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/v1/assets/")

    assert first is not None
    assert within_the_minute == first
    assert DeviceToken.objects.get().last_used_at > first
    assert client.get(TOKENS).json()["results"][0]["last_used_at"] is not None


def test_logout_needs_a_token(world):
    assert APIClient().post(LOGOUT).status_code == 401
