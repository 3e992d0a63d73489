"""Fixtures for the valuation API tests: API clients holding a device token, and a posted textbook asset."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from rest_framework.test import APIClient

from finance import services
from ledgerline.models import DeviceToken


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
def post_through(world) -> Callable[[date], Any]:
    """`post_through(period)`: run the posting for a month in the test, without a broker."""

    def post(period: date) -> Any:
        return services.depreciation_run_start(actor=world.finance, period=period, dispatch=False)

    return post
