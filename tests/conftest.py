"""Fixtures shared by the whole suite: a small world of two sites and one user per role."""

import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from ledgerline import roles
from tests.browsers import browser  # noqa: F401  (the headless Chromium fixture, for every browser test)
from tests.factories import AssetFactory, SiteFactory, UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Uploads in a temporary folder, mail kept in memory, and a fast password hasher (tests only)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _postgresql_only(request):
    """Tests marked `postgresql` run only there. Skipped on SQLite for a quick local run; in CI (CI=true) such a
    skip would hide that the PostgreSQL-only code went untested, so it is a failure instead."""
    if request.node.get_closest_marker("postgresql") is None or connection.vendor == "postgresql":
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"needs PostgreSQL, but the database is {connection.vendor}: PostgreSQL-only tests must run in CI")
    pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")


@dataclass
class World:
    """Two sites; a user per role assigned to `home`; one asset at each site."""

    home: Any
    away: Any
    facility_manager: Any
    technician: Any
    finance: Any
    auditor: Any
    outsider: Any
    admin: Any
    home_asset: Any
    away_asset: Any

    def user(self, role: str) -> Any:
        return getattr(self, role)


@pytest.fixture
def world(db) -> World:
    home = SiteFactory(code="HQ", name="Headquarters")
    away = SiteFactory(code="DEPOT", name="North Depot")
    return World(
        home=home,
        away=away,
        facility_manager=UserFactory(username="fm", role=roles.FACILITY_MANAGER, sites=[home]),
        technician=UserFactory(username="tech", role=roles.TECHNICIAN, sites=[home]),
        finance=UserFactory(username="fin", role=roles.FINANCE),
        auditor=UserFactory(username="aud", role=roles.AUDITOR),
        outsider=UserFactory(username="fm2", role=roles.FACILITY_MANAGER, sites=[away]),
        admin=get_user_model().objects.create_superuser("root", "root@example.com", "correct-horse-battery"),
        home_asset=AssetFactory(site=home, asset_tag="HQ-PUMP-1", name="Boiler feed pump"),
        away_asset=AssetFactory(site=away, asset_tag="DEPOT-PUMP-1", name="Wash bay pump"),
    )
