"""The set-based SQL executor posts exactly what the Python reference (finance.schedule) computes."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from assetreg.choices import AssetKind, DepreciationMethod, FirstPeriodConvention
from assetreg.models import MeterReading
from finance import plans as plan_math
from finance import posting, selectors, services
from finance.choices import EntryKind
from finance.models import DepreciationPlan, ValueEntry
from tests.factories import CategoryFactory
from tests.finance.conftest import make_asset

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgresql,
]


def test_sql_posting_matches_the_python_schedule_for_every_method_and_convention(world):
    rng = random.Random(20261130)
    pro_rata = CategoryFactory(
        name="Pro rata pumps", kind=AssetKind.EQUIPMENT, first_period_convention=FirstPeriodConvention.DAILY_PRO_RATA
    )
    methods = [
        DepreciationMethod.STRAIGHT_LINE,
        DepreciationMethod.DECLINING_BALANCE,
        DepreciationMethod.SUM_OF_YEARS_DIGITS,
        DepreciationMethod.UNITS_OF_PRODUCTION,
    ]
    assets = []
    for i in range(80):
        method = methods[i % 4]
        cost = Decimal(rng.randint(100, 5_000_000)) / 100
        salvage = (cost * Decimal(rng.choice([0, 5, 10, 33])) / 100).quantize(Decimal("0.01"))
        start = date(2021, 1, 1) + timedelta(days=rng.randint(0, 1200))
        fields = dict(
            asset_tag=f"X-{i}",
            depreciation_method=method,
            acquisition_cost=cost,
            salvage_value=salvage,
            acquisition_date=start,
            in_service_date=start,
            useful_life_months=rng.choice([1, 7, 18, 36, 60, 61, 120]),
            declining_factor=rng.choice([Decimal("1.50"), Decimal("2.00")]),
            expected_units=Decimal(rng.randint(1000, 90000))
            if method == DepreciationMethod.UNITS_OF_PRODUCTION
            else None,
        )
        if i % 3 == 0:
            fields["category"] = pro_rata
        asset = make_asset(world, **fields)
        if method == DepreciationMethod.UNITS_OF_PRODUCTION:
            value = Decimal(rng.randint(0, 500))
            day = start
            for _ in range(rng.randint(1, 40)):
                MeterReading.objects.create(asset=asset, reading_date=day, value=value)
                day += timedelta(days=rng.randint(5, 60))
                value += Decimal(rng.randint(0, 4000))
        assets.append(asset)

    through = date(2026, 10, 1)
    ids = [a.pk for a in assets]
    services.plans_ensure(lo=min(ids), hi=max(ids), through=through)
    # A first run part-way, then the rest: the second continues from what the first posted.
    posting.post_range_sql(min(ids), max(ids), date(2023, 6, 1))
    posting.post_range_sql(min(ids), max(ids), date(2023, 7, 1))
    posting.post_range_sql(min(ids), max(ids), through)

    plans = {p.asset_id: p for p in DepreciationPlan.objects.filter(asset_id__in=ids)}
    readings = selectors.readings_for(ids)
    methods_posted = set()
    for asset in assets:
        expected = plan_math.planned_entries(plans[asset.pk], through, None, readings.get(asset.pk))
        posted = list(
            ValueEntry.objects.filter(asset=asset, kind=EntryKind.DEPRECIATION)
            .order_by("period")
            .values_list("period", "amount", "carrying_after")
        )
        assert posted == expected, f"{asset.asset_tag} {asset.depreciation_method}"
        if expected:
            methods_posted.add(asset.depreciation_method)
            assert posted[-1][2] >= asset.salvage_value
    assert methods_posted == set(methods)


def test_a_chunk_that_races_another_worker_for_the_same_months_adds_nothing(world, monkeypatch):
    asset = make_asset(world, asset_tag="DUP-1")
    services.plans_ensure(lo=asset.pk, hi=asset.pk, through=date(2024, 3, 1))
    posting.post_range_sql(asset.pk, asset.pk, date(2024, 3, 1))
    # A redelivered copy of the chunk whose snapshot did not see the other worker's rows: the statement without
    # its "already posted" filter stands in for it, so the plain insert hits the unique index.
    real = posting.post_sql_text
    monkeypatch.setattr(
        posting,
        "post_sql_text",
        lambda *, skip_conflicts: real(skip_conflicts=skip_conflicts).replace("AND done.id IS NULL", ""),
    )

    written = posting.post_range_sql(asset.pk, asset.pk, date(2024, 3, 1))

    assert written == 0
    assert ValueEntry.objects.filter(asset=asset, kind=EntryKind.DEPRECIATION).count() == 3
