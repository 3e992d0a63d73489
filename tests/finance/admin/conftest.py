"""Fixtures for the finance admin tests: logged-in admin clients and a ledger with a year of depreciation."""

from datetime import date
from typing import Any

import pytest

from finance import services


@pytest.fixture
def logged_in(client):
    """A client logged in as the given user (logins are forced: the login page is not under test here)."""

    def login(user: Any) -> Any:
        client.force_login(user)
        return client

    return login


@pytest.fixture
def staff_facility_manager(world):
    """The home site's facility manager, given admin access (as some sites do)."""
    fm = world.facility_manager
    fm.is_staff = True
    fm.save()
    return fm


@pytest.fixture
def posted_2024(world, textbook_asset):
    """January to December 2024 posted for the textbook asset (carrying 8,200 at the end)."""
    return services.depreciation_run_start(actor=world.finance, period=date(2024, 12, 1), dispatch=False)
