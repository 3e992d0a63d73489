"""Logging in and out, and locking out after repeated failures."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def test_login_leads_to_the_dashboard(world, client):
    response = client.post(reverse("login"), {"username": "fm", "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "Dashboard" in response.text


def test_failed_login_shows_a_clear_message(world, client):
    response = client.post(reverse("login"), {"username": "fm", "password": "wrong"})

    assert response.status_code == 200
    assert "username and password do not match" in response.text


def test_repeated_failures_lock_the_account(world, client, settings):
    limit = settings.AXES_FAILURE_LIMIT
    responses = [client.post(reverse("login"), {"username": "fm", "password": f"wrong-{n}"}) for n in range(limit)]
    after = client.post(reverse("login"), {"username": "fm", "password": PASSWORD})

    assert all(r.status_code == 200 for r in responses[: limit - 1])
    assert responses[-1].status_code == 429
    assert after.status_code == 429
    assert "Too many failed login attempts" in after.text
    assert "Account locked" in after.text
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_returns_to_login(world, client_for):
    client = client_for("facility_manager")

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get(reverse("dashboard")).status_code == 302
