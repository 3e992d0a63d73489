"""Fixtures for the valuation web pages: a logged-in client per role and posting through a month."""

from datetime import date

import pytest
from django.test import Client

from finance import services


@pytest.fixture
def client_for(world):
    """A test client logged in as the given role of the `world` (e.g. `client_for("finance")`)."""

    def make(role: str) -> Client:
        client = Client()
        client.force_login(world.user(role))
        return client

    return make


@pytest.fixture
def post_through(world):
    """Post depreciation of every valued asset through a month, without a broker (the chunks run inline)."""

    def post(period: date):
        return services.depreciation_run_start(actor=world.finance, period=period, dispatch=False)

    return post
