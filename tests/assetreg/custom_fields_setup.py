"""Custom fields for the tests: a fire-panel category with a field of each type."""

from decimal import Decimal

from assetreg import services
from assetreg.choices import AssetKind
from tests.factories import AssetFactory, CategoryFactory

FIELDS = (
    {
        "key": "zone_count",
        "label": "Zone count",
        "field_type": "number",
        "required": True,
        "unit": "zones",
        "min_value": Decimal(1),
        "max_value": Decimal(256),
    },
    {"key": "certificate", "label": "Certificate number", "field_type": "text", "max_length": 20},
    {"key": "inspected_on", "label": "Last inspection", "field_type": "date"},
    {"key": "addressable", "label": "Addressable", "field_type": "yes_no"},
    {"key": "protocol", "label": "Protocol", "field_type": "choice", "choices": ["Analogue", "Digital"]},
)


def fire_panels(world):
    """A category with one field of each type (the zone count required, 1 to 256), and a panel at `home`."""
    category = CategoryFactory(name="Fire panels", kind=AssetKind.EQUIPMENT)
    for order, spec in enumerate(FIELDS):
        services.custom_field_save(actor=world.finance, data={"category": category, "order": order, **spec})
    panel = AssetFactory(
        site=world.home, category=category, asset_tag="HQ-FIRE-1", name="Fire panel", custom_fields={"zone_count": 8}
    )
    return category, panel
