"""Fixtures for the web pages: a logged-in test client per role."""

import pytest
from django.test import Client


@pytest.fixture
def client_for(world):
    """A test client logged in as the given role of the `world` (e.g. `client_for("facility_manager")`)."""

    def make(role: str) -> Client:
        client = Client()
        client.force_login(world.user(role))
        return client

    return make
