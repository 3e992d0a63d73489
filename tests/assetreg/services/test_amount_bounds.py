"""Bounds in the register's services: the CSV import refuses an amount finer than its currency's minor unit (with
the line), a category refuses a life beyond a century; nothing is written."""

from decimal import Decimal

import pytest

from assetreg import csv_io, services
from assetreg.models import Asset, Category
from tests.assetreg.csvdata import export_text

pytestmark = pytest.mark.django_db


def test_the_csv_import_refuses_a_cost_finer_than_cents_on_its_line(world):
    text = export_text(Asset.objects.filter(pk=world.home_asset.pk)).replace("12000.0000", "42500.123")

    report = services.assets_import_rows(actor=world.finance, rows=csv_io.read_csv(text), dry_run=False)

    assert not report.ok
    assert report.errors[0].line == 2
    assert "EUR amounts have at most 2 decimal places." in " ".join(report.errors[0].messages)
    assert Asset.objects.get(pk=world.home_asset.pk).acquisition_cost == Decimal("12000.0000")


def test_a_category_default_life_beyond_a_century_is_refused(world):
    with pytest.raises(Exception) as refused:
        services.category_save(
            actor=world.admin,
            data={"name": "Eternal pumps", "kind": "equipment", "default_useful_life_months": 1_000_000},
        )

    assert "default_useful_life_months" in refused.value.message_dict
    assert not Category.objects.filter(name="Eternal pumps").exists()
