"""Fixtures for the valuation engine: assets in service with textbook numbers."""

from datetime import date
from decimal import Decimal

import pytest

from assetreg.choices import AssetStatus, DepreciationMethod
from tests.factories import AssetFactory


@pytest.fixture
def textbook_asset(world):
    """Cost 10,000, salvage 1,000, five years straight line, in service since January 2024."""
    return AssetFactory(
        site=world.home,
        asset_tag="TB-1",
        acquisition_date=date(2023, 12, 20),
        in_service_date=date(2024, 1, 1),
        acquisition_cost=Decimal("10000.00"),
        salvage_value=Decimal("1000.00"),
        useful_life_months=60,
        depreciation_method=DepreciationMethod.STRAIGHT_LINE,
        status=AssetStatus.IN_SERVICE,
    )


def make_asset(world, **overrides):
    values = dict(
        site=world.home,
        acquisition_date=date(2023, 12, 20),
        in_service_date=date(2024, 1, 1),
        acquisition_cost=Decimal("10000.00"),
        salvage_value=Decimal("1000.00"),
        useful_life_months=60,
        depreciation_method=DepreciationMethod.STRAIGHT_LINE,
        status=AssetStatus.IN_SERVICE,
    )
    values.update(overrides)
    return AssetFactory(**values)
