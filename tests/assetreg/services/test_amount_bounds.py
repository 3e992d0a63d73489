"""The CSV import refuses an amount finer than its currency's minor unit, with the line, and writes nothing."""

from decimal import Decimal

import pytest

from assetreg import csv_io, services
from assetreg.models import Asset
from tests.assetreg.csvdata import export_text

pytestmark = pytest.mark.django_db


def test_the_csv_import_refuses_a_cost_finer_than_cents_on_its_line(world):
    text = export_text(Asset.objects.filter(pk=world.home_asset.pk)).replace("12000.0000", "42500.123")

    report = services.assets_import_rows(actor=world.finance, rows=csv_io.read_csv(text), dry_run=False)

    assert not report.ok
    assert report.errors[0].line == 2
    assert "EUR amounts have at most 2 decimal places." in " ".join(report.errors[0].messages)
    assert Asset.objects.get(pk=world.home_asset.pk).acquisition_cost == Decimal("12000.0000")
