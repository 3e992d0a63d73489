"""`CompiledRepresentationMixin` renders what DRF's own `Serializer.to_representation` renders, for every kind of
field a serializer may declare (so a field added to an output serializer later needs no code in the mixin)."""

from decimal import Decimal

from rest_framework import serializers

from assetreg.models import Asset, Category, Site
from ledgerline.api import CompiledRepresentationMixin


class SiteRef(serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = ["id", "code"]


class Row(serializers.ModelSerializer):
    site = SiteRef()
    site_code = serializers.CharField(source="site.code")  # dotted source
    web = serializers.CharField(source="get_absolute_url")  # a method, called
    itself = serializers.SerializerMethodField()  # method field: source "*", the instance itself
    missing = serializers.CharField(source="no_such_attribute", default="n/a")  # default for a missing attribute
    optional = serializers.CharField(source="neither_this", required=False)  # skipped when missing
    # a field with its own get_attribute
    category: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    cost = serializers.DecimalField(source="acquisition_cost", max_digits=20, decimal_places=2)

    class Meta:
        model = Asset
        fields = [
            "id",
            "asset_tag",
            "site",
            "site_code",
            "web",
            "itself",
            "missing",
            "optional",
            "category",
            "cost",
            "location",
            "updated_at",
        ]

    def get_itself(self, asset):
        return asset.asset_tag.lower()


class CompiledRow(CompiledRepresentationMixin, Row):
    pass


def test_a_compiled_row_is_drfs_row_field_for_field():
    site = Site(pk=7, code="HQ", name="Headquarters")
    asset = Asset(pk=42, asset_tag="HQ-PUMP-1", site=site, category=Category(pk=3), acquisition_cost=Decimal("12.5"))

    assert (
        CompiledRow(asset).data
        == Row(asset).data
        == {
            "id": 42,
            "asset_tag": "HQ-PUMP-1",
            "site": {"id": 7, "code": "HQ"},
            "site_code": "HQ",
            "web": "/assets/42/",
            "itself": "hq-pump-1",
            "missing": "n/a",
            "category": 3,
            "cost": "12.50",
            "location": None,
            "updated_at": None,
        }
    )


def test_a_compiled_list_renders_each_row_as_drf_does():
    site = Site(pk=7, code="HQ", name="Headquarters")
    assets = [Asset(pk=n, asset_tag=f"T-{n}", site=site, category=Category(pk=n)) for n in range(1, 4)]

    assert CompiledRow(assets, many=True).data == Row(assets, many=True).data
