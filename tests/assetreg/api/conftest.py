"""Fixtures for the register's REST API tests: API clients holding a device token of a given user."""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from ledgerline.models import DeviceToken


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash the fixtures' passwords cheaply (the production hasher takes most of a test's time)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_as(db) -> Callable[[Any], APIClient]:
    """`api_as(user)`: an API client that sends a fresh device token of `user`, as the mobile app does."""

    def make(user: Any) -> APIClient:
        _, token = DeviceToken.objects.create(user=user, device_name="test phone")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return make


@pytest.fixture
def anonymous() -> APIClient:
    """An API client without credentials."""
    return APIClient()
