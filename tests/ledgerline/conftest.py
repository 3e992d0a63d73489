"""Fixtures for the project-wide tests (auth API, schema)."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash the fixtures' passwords cheaply (the production hasher takes most of a test's time)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
