"""Plans made in one SQL statement are the plans finance.schedule would make, field for field."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from assetreg.choices import AssetKind, DepreciationMethod, FirstPeriodConvention
from assetreg.models import Asset, MeterReading
from finance import plans as plan_math
from finance import services
from finance.models import DepreciationPlan, RunFailure
from tests.factories import CategoryFactory
from tests.finance.conftest import make_asset

pytestmark = pytest.mark.django_db

PLAN_FIELDS = (
    "currency",
    "minor_units",
    "method",
    "start_period",
    "depreciable_amount",
    "salvage",
    "life_months",
    "first_fraction",
    "declining_factor",
    "total_units",
    "units_at_basis",
    "switch_period",
    "switch_amount",
    "period_count",
)


def test_plans_for_every_method_match_the_python_reference_and_bad_data_is_reported(world):
    pro_rata = CategoryFactory(
        name="Pro rata", kind=AssetKind.EQUIPMENT, first_period_convention=FirstPeriodConvention.DAILY_PRO_RATA
    )
    assets = []
    for i, method in enumerate([m for m in DepreciationMethod]):
        for category in (None, pro_rata):
            extra = {"category": category} if category else {}
            asset = make_asset(
                world,
                asset_tag=f"P-{i}-{bool(category)}",
                depreciation_method=method,
                in_service_date=date(2024, 2, 17),
                acquisition_cost=Decimal("12345.6789"),
                salvage_value=Decimal("345.6700"),
                useful_life_months=37,
                currency="JPY" if i % 2 else "EUR",
                expected_units=Decimal("50000") if method == DepreciationMethod.UNITS_OF_PRODUCTION else None,
                **extra,
            )
            MeterReading.objects.create(asset=asset, reading_date=date(2024, 2, 17), value=Decimal("120"))
            assets.append(asset)
    broken = make_asset(world, asset_tag="NO-LIFE")
    Asset.objects.filter(pk=broken.pk).update(useful_life_months=None)
    run = services.DepreciationRun.objects.create(period=date(2024, 3, 1))

    services.plans_ensure(lo=assets[0].pk, hi=broken.pk, through=date(2024, 3, 1), run=run)

    made = {p.asset_id: p for p in DepreciationPlan.objects.all()}
    for asset in assets:
        row = Asset.objects.filter(pk=asset.pk).values(*plan_math.INPUT_FIELDS).get()
        expected = plan_math.new_plan(plan_math.inputs_from_row(row, Decimal("120")))
        for field in PLAN_FIELDS:
            stored, computed = getattr(made[asset.pk], field), getattr(expected, field)
            if connection.vendor == "sqlite" and field in ("first_fraction", "life_months"):
                # SQLite keeps decimals as 15-16 significant digits; PostgreSQL's numeric keeps all of them.
                assert abs(stored - computed) < Decimal("1e-14"), (asset.asset_tag, field)
            else:
                assert stored == computed, (asset.asset_tag, field)
    assert list(RunFailure.objects.values_list("asset__asset_tag", "reason")) == [
        ("NO-LIFE", "The asset has no useful life.")
    ]
