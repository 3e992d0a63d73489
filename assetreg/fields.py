"""The asset's fields, declared once and grouped: identity, location, dates, financial, kind-specific, notes.

Every interface derives its field list from `ASSET_FIELD_GROUPS`: who may write which field (`access`), the CSV
columns (`csv_io`), the API's input and output serializers, the admin's fieldsets, the web form and the asset
page. A new asset field is added to the model and to one group here; `tests/assetreg/test_field_groups.py`
checks that every interface then shows exactly the declared fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from .choices import AssetKind


@dataclass(frozen=True)
class FieldGroup:
    """A named group of asset fields, shown together on the forms and the page.

    `financial`: only finance staff write these. `kind`: the fields belong to assets of this kind only (they
    stay empty on the others). `read_only`: shown and exported, but changed only through their own service
    (the status, through the lifecycle). `money`: amounts in the asset's `currency`. `custom`: the category's
    own fields (`assetreg.custom_fields`), one JSON column that every interface shows as one field per definition.
    """

    key: str
    legend: str
    fields: tuple[str, ...]
    financial: bool = False
    kind: str = ""
    read_only: tuple[str, ...] = ()
    money: tuple[str, ...] = ()
    custom: bool = False

    @property
    def writable(self) -> tuple[str, ...]:
        return tuple(name for name in self.fields if name not in self.read_only)


ASSET_FIELD_GROUPS: tuple[FieldGroup, ...] = (
    FieldGroup(
        "identity",
        "Identity",
        ("asset_tag", "name", "kind", "category", "status", "serial_number"),
        read_only=("status",),
    ),
    FieldGroup("location", "Where and who", ("site", "location", "parent", "custodian", "department")),
    FieldGroup("dates", "Dates and supplier", ("acquisition_date", "in_service_date", "warranty_end", "supplier")),
    FieldGroup(
        "financial",
        "Financial",
        (
            "acquisition_cost",
            "currency",
            "salvage_value",
            "useful_life_months",
            "depreciation_method",
            "declining_factor",
            "expected_units",
        ),
        financial=True,
        money=("acquisition_cost", "salvage_value"),
    ),
    FieldGroup("building", "Building details", ("address", "floor_area_m2", "year_built"), kind=AssetKind.BUILDING),
    FieldGroup("vehicle", "Vehicle details", ("vin", "plate", "odometer_unit"), kind=AssetKind.VEHICLE),
    FieldGroup(
        "equipment", "Equipment details", ("manufacturer", "model_number", "meter_unit"), kind=AssetKind.EQUIPMENT
    ),
    FieldGroup("custom", "Custom fields", ("custom_fields",), custom=True),
    FieldGroup("notes", "Notes", ("notes",)),
)

# Every declared field, in group order: the CSV columns, the API output, the admin form and the page show these.
ASSET_FIELDS: tuple[str, ...] = tuple(name for group in ASSET_FIELD_GROUPS for name in group.fields)
# Changed only through their own service (the lifecycle).
READ_ONLY_FIELDS: tuple[str, ...] = tuple(name for group in ASSET_FIELD_GROUPS for name in group.read_only)
# Which fields belong to finance: only finance staff (and superusers) may change them.
FINANCIAL_FIELDS: tuple[str, ...] = tuple(n for g in ASSET_FIELD_GROUPS if g.financial for n in g.writable)
# Fields a register writer may set directly.
REGISTER_FIELDS: tuple[str, ...] = tuple(n for g in ASSET_FIELD_GROUPS if not g.financial for n in g.writable)
# Amounts in the asset's currency (strings in the API, formatted with the currency on the page).
MONEY_FIELDS: tuple[str, ...] = tuple(name for group in ASSET_FIELD_GROUPS for name in group.money)
# The JSON column of the category's own fields, shown as one field per definition.
CUSTOM_FIELDS: tuple[str, ...] = tuple(name for group in ASSET_FIELD_GROUPS if group.custom for name in group.fields)
# Kind-specific fields; a field of another kind must stay empty.
KIND_FIELDS: dict[str, tuple[str, ...]] = {g.kind: g.fields for g in ASSET_FIELD_GROUPS if g.kind}


def group(key: str) -> FieldGroup:
    """The group with this key."""
    return next(g for g in ASSET_FIELD_GROUPS if g.key == key)


def group_of(field_name: str) -> FieldGroup:
    """The group a field belongs to."""
    return next(g for g in ASSET_FIELD_GROUPS if field_name in g.fields)
