"""Custom fields in the CSV: one `cf:<key>` column per key, exact round trips, bad cells reported by line."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError

from assetreg import csv_io, services
from assetreg.models import Asset
from tests.assetreg.csvdata import export_text
from tests.assetreg.custom_fields_setup import fire_panels

pytestmark = pytest.mark.django_db


def run(actor, text, dry_run=False):
    return services.assets_import_rows(actor=actor, rows=csv_io.read_csv(text), dry_run=dry_run)


def panel_state(panel):
    return Asset.objects.values_list("custom_fields", "version").get(pk=panel.pk)


def test_the_export_has_a_column_per_key_and_reimporting_it_changes_nothing(world):
    _, panel = fire_panels(world)
    Asset.objects.filter(pk=panel.pk).update(
        custom_fields={"zone_count": 8, "addressable": False, "inspected_on": "2025-03-01", "certificate": "=X1"}
    )

    text = export_text(Asset.objects.filter(pk=panel.pk))
    row = next(csv.DictReader(io.StringIO(text)))
    report = run(world.facility_manager, text)

    assert (row["cf:zone_count"], row["cf:addressable"], row["cf:inspected_on"]) == ("8", "no", "2025-03-01")
    assert row["cf:certificate"] == "'=X1"  # guarded against spreadsheet formulas, like every text cell
    assert report.ok and report.unchanged == ["HQ-FIRE-1"]
    assert panel_state(panel)[1] == 1


def test_an_import_changes_custom_values_and_records_them(world):
    _, panel = fire_panels(world)
    text = export_text(Asset.objects.filter(pk=panel.pk))
    rows = list(csv.DictReader(io.StringIO(text)))
    rows[0]["cf:zone_count"], rows[0]["cf:protocol"] = "16", "analogue"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

    report = run(world.facility_manager, out.getvalue())

    assert report.ok and report.written and report.updated == ["HQ-FIRE-1"]
    assert panel_state(panel) == ({"zone_count": 16, "protocol": "Analogue"}, 2)


@pytest.mark.parametrize(("cell", "message"), [("999", "Enter at most 256"), ("", "required for this category")])
def test_a_bad_cell_is_reported_with_its_line_and_nothing_is_written(world, cell, message):
    _, panel = fire_panels(world)
    text = export_text(Asset.objects.filter(pk=panel.pk)).replace("\r\n", "\n")
    header, line = text.strip().split("\n")
    cells = next(csv.reader([line]))
    cells[header.split(",").index("cf:zone_count")] = cell
    out = io.StringIO()
    csv.writer(out).writerows([header.split(","), cells])

    report = run(world.facility_manager, out.getvalue())

    assert not report.ok and report.errors[0].line == 2
    assert message in " ".join(report.errors[0].messages)
    assert panel_state(panel) == ({"zone_count": 8}, 1)


def test_an_unknown_custom_column_is_refused(world):
    fire_panels(world)
    text = export_text(Asset.objects.all()).replace("cf:zone_count", "cf:zones", 1)

    with pytest.raises(ValidationError, match="Unknown columns: cf:zones"):
        list(csv_io.read_csv(text))
