"""Shapes of the register's REST API.

Output serializers render what the selectors return (ids beside natural keys, money as strings with its
currency). Input serializers only check the shape of what a client sends; the services in
`assetreg.services` then apply the rules (who may write which field, lifecycle, versions) and write.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from django.contrib.auth import get_user_model
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ledgerline import bounds
from ledgerline.api import CompiledRepresentationMixin, IdField, MoneyAmountField, StrictInputSerializer

from .. import custom_fields, selectors
from ..choices import (
    AssetKind,
    AssetStatus,
    DisposalMethod,
    DocumentKind,
    MeterUnit,
    OdometerUnit,
)
from ..fields import ASSET_FIELDS, CUSTOM_FIELDS, MONEY_FIELDS, group_of
from ..labels import AssetAddresses
from ..models import (
    Asset,
    AssetDocument,
    Category,
    CustomField,
    Disposal,
    Location,
    MeterReading,
    Site,
    StatusChange,
)
from ..permissions import ASSET_WRITABLE_FIELDS

VERSION_REQUIRED = "version is required: send the version of the asset you last read, so no change is overwritten."

# --------------------------------------------------------------------------------------------------
# Fields
# --------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------------


class SiteRefSerializer(serializers.ModelSerializer):
    """A site, by id and code."""

    class Meta:
        model = Site
        fields = ["id", "code", "name"]
        read_only_fields = fields


class CategoryRefSerializer(serializers.ModelSerializer):
    """A category, by id and name."""

    class Meta:
        model = Category
        fields = ["id", "name"]
        read_only_fields = fields


class LocationRefSerializer(serializers.ModelSerializer):
    """A location, by id, code and its path inside the site (e.g. "Main block › Floor 2 › Plant room")."""

    path = serializers.CharField(read_only=True)

    class Meta:
        model = Location
        fields = ["id", "code", "name", "path"]
        read_only_fields = fields


class AssetRefSerializer(serializers.ModelSerializer):
    """Another asset, by id and tag."""

    class Meta:
        model = Asset
        fields = ["id", "asset_tag", "name"]
        read_only_fields = fields


class UserRefSerializer(serializers.Serializer):
    """A user, by id and username."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)


class DisposalOutputSerializer(serializers.ModelSerializer):
    """How and when a disposed asset left, and what it brought in."""

    proceeds = MoneyAmountField(read_only=True)

    class Meta:
        model = Disposal
        fields = ["disposal_date", "method", "proceeds", "currency", "reason", "recorded_at"]
        read_only_fields = fields


class AssetLinksSerializer(serializers.Serializer):
    """Where a person finds the asset: its web page and the address its label's QR code encodes."""

    web = serializers.URLField(read_only=True)
    qr = serializers.URLField(read_only=True)


CUSTOM_FIELDS_HELP = (
    "The category's own fields by key (see the category's `custom_fields`): text and choices as strings, numbers "
    "as JSON numbers, dates as YYYY-MM-DD, yes/no as booleans."
)


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]},
        "maxProperties": custom_fields.MAX_FIELDS_PER_CATEGORY,
    }
)
class CustomValuesField(serializers.DictField):
    """An asset's custom values, `{key: value}`; bounded here, checked against the category by the service."""

    default_error_messages = {
        "too_many": f"At most {custom_fields.MAX_FIELDS_PER_CATEGORY} custom fields.",
        "bad_value": "Give each custom field a text, a number, a yes/no (true/false) or null.",
        "bad_key": "A key has at most 40 characters.",
    }

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        if len(value) > custom_fields.MAX_FIELDS_PER_CATEGORY:
            self.fail("too_many")
        for key, item in value.items():
            if len(key) > 40:
                self.fail("bad_key")
            if item is not None and not isinstance(item, (str, int, float, bool)):
                self.fail("bad_value")
            if isinstance(item, str) and len(item) > custom_fields.TEXT_DEFAULT_MAX_LENGTH * 5:
                self.fail("bad_value")
        return value


# Rendered through a plan compiled from the declared fields (CompiledRepresentationMixin): the same output as
# DRF's generic path at about half its cost per list row.
class AssetOutputSerializer(CompiledRepresentationMixin, serializers.ModelSerializer):
    """An asset with its related records by id and natural key. Money is a string in `currency`.

    The fields are the declared asset fields (`assetreg.fields`); related records are nested references.
    """

    category = CategoryRefSerializer(read_only=True)
    site = SiteRefSerializer(read_only=True)
    location = LocationRefSerializer(read_only=True, allow_null=True)
    parent = AssetRefSerializer(read_only=True, allow_null=True)
    custodian = UserRefSerializer(read_only=True, allow_null=True)
    custom_fields = CustomValuesField(read_only=True, help_text=CUSTOM_FIELDS_HELP)
    # Empty ("") on assets of other kinds: declared so that the schema's enum allows the blank it sends.
    odometer_unit = serializers.ChoiceField(choices=OdometerUnit.choices, allow_blank=True, read_only=True)
    meter_unit = serializers.ChoiceField(choices=MeterUnit.choices, allow_blank=True, read_only=True)
    disposal = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    class Meta:
        model = Asset
        fields = ["id", *ASSET_FIELDS, "disposal", "version", "created_at", "updated_at", "links"]
        read_only_fields = fields

    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[type[serializers.Field], dict]:
        if field_name in MONEY_FIELDS:
            return MoneyAmountField, {"read_only": True}
        return super().build_standard_field(field_name, model_field)

    @extend_schema_field(DisposalOutputSerializer(allow_null=True))
    def get_disposal(self, asset: Asset) -> dict[str, Any] | None:
        disposal = getattr(asset, "disposal", None)  # joined by the view's queryset; None unless disposed
        return DisposalOutputSerializer(disposal).data if disposal is not None else None

    @extend_schema_field(AssetLinksSerializer)
    def get_links(self, asset: Asset) -> dict[str, str]:
        addresses = self.__dict__.get("_addresses")
        if addresses is None:  # once per response: a list's rows share it
            addresses = self._addresses = AssetAddresses()
        return {"web": addresses.web(asset), "qr": addresses.label(asset)}


class StatusChangeOutputSerializer(serializers.ModelSerializer):
    """One lifecycle transition: from, to, when, why and who."""

    actor: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = StatusChange
        fields = ["id", "from_status", "to_status", "effective_date", "reason", "actor", "changed_at"]
        read_only_fields = fields


class FieldChangeOutputSerializer(serializers.Serializer):
    """One field's value before and after a change, as shown to people."""

    # Declared fields named like Field attributes: DRF moves them off the class, the stubs do not know that.
    field = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    old = serializers.CharField(read_only=True)
    new = serializers.CharField(read_only=True)


class HistoryEntryOutputSerializer(serializers.Serializer):
    """One audit record: when, who, what kind of change, why, and the fields that changed."""

    when = serializers.DateTimeField(read_only=True)
    who = serializers.CharField(read_only=True)
    action = serializers.CharField(read_only=True, help_text="Created, Changed or Deleted.")
    reason = serializers.CharField(read_only=True)
    changes = FieldChangeOutputSerializer(many=True, read_only=True)


class AssetHistoryOutputSerializer(serializers.Serializer):
    """An asset's audit trail (newest first) and its lifecycle transitions (newest first)."""

    entries = HistoryEntryOutputSerializer(many=True, read_only=True)
    status_changes = StatusChangeOutputSerializer(many=True, read_only=True)


class AssetDocumentOutputSerializer(serializers.ModelSerializer):
    """An attached photo or document; the file itself is fetched from `download_url` (access is checked)."""

    uploaded_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = AssetDocument
        fields = [
            "id",
            "kind",
            "title",
            "original_name",
            "content_type",
            "size_bytes",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, document: AssetDocument) -> str:
        path = reverse("api:asset-document-download", kwargs={"asset_pk": document.asset_id, "pk": document.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class MeterReadingOutputSerializer(serializers.ModelSerializer):
    """A reading of an asset's meter (odometer, hour meter): the value on a date, and who recorded it."""

    value = serializers.DecimalField(max_digits=20, decimal_places=4, read_only=True, coerce_to_string=True)
    recorded_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = MeterReading
        fields = ["id", "reading_date", "value", "note", "recorded_by", "recorded_at"]
        read_only_fields = fields


class SiteOutputSerializer(serializers.ModelSerializer):
    """A site the user may see."""

    class Meta:
        model = Site
        fields = ["id", "code", "name", "address", "updated_at"]
        read_only_fields = fields


class LocationOutputSerializer(serializers.ModelSerializer):
    """A place inside a site, with its path (site > building > floor > room)."""

    site = SiteRefSerializer(read_only=True)
    path = serializers.CharField(read_only=True)

    class Meta:
        model = Location
        fields = ["id", "site", "parent", "kind", "code", "name", "path", "building_asset", "updated_at"]
        read_only_fields = fields


class CustomFieldOutputSerializer(serializers.ModelSerializer):
    """A field of the category's own: its key in an asset's `custom_fields`, type, bounds and choices."""

    type = serializers.CharField(source="field_type", read_only=True, help_text="text, number, date, yes_no, choice")
    min_value = serializers.DecimalField(max_digits=16, decimal_places=6, read_only=True, allow_null=True)
    max_value = serializers.DecimalField(max_digits=16, decimal_places=6, read_only=True, allow_null=True)
    choices = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = CustomField
        fields = [
            "key",
            "label",
            "type",
            "required",
            "help_text",
            "order",
            "max_length",
            "unit",
            "decimal_places",
            "min_value",
            "max_value",
            "choices",
        ]
        read_only_fields = fields


class CategoryOutputSerializer(serializers.ModelSerializer):
    """A category of assets, the depreciation defaults new assets inherit from it, and its own fields."""

    custom_fields = CustomFieldOutputSerializer(source="field_definitions", many=True, read_only=True)

    class Meta:
        model = Category
        fields = [
            "id",
            "name",
            "kind",
            "default_useful_life_months",
            "default_salvage_percent",
            "default_depreciation_method",
            "default_declining_factor",
            "first_period_convention",
            "custom_fields",
        ]
        read_only_fields = fields


# --------------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------------


def _request_user(serializer: serializers.Serializer) -> Any:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def _input_help_text(name: str) -> str:
    """The model's help text, and who may set the field or which kind of asset has it."""
    group = group_of(name)
    model_help = str(getattr(Asset._meta.get_field(name), "help_text", "") or "")
    notes = []
    if group.financial:
        notes.append("Finance only.")
    if group.kind:
        notes.append(f"Only for {AssetKind(group.kind).label.lower()} assets.")
    if name in MONEY_FIELDS:
        notes.append('A string in `currency`, e.g. "12500.00".')
    if name in CUSTOM_FIELDS:
        return CUSTOM_FIELDS_HELP + " Send the whole set: keys left out have no value."
    return " ".join([*notes, model_help]).strip()


class AssetCreateInputSerializer(StrictInputSerializer, serializers.ModelSerializer):
    """A new asset. Related records are given by id; amounts as strings. Which fields a role may set, and the
    rules of each kind, are checked when the asset is saved.

    The fields are the writable asset fields (`assetreg.fields`), shaped from the model's columns.
    """

    unknown_field_messages = {
        "status": "Change the status with the transition or dispose action.",
        "version": "The version is set by the register.",
    }

    site = IdField(queryset=Site.objects.none(), help_text="A site you may see.")
    location = IdField(queryset=Location.objects.none(), allow_null=True, required=False)
    parent = IdField(  # type: ignore[assignment]  # a declared field, not .parent
        queryset=Asset.objects.none(), allow_null=True, required=False, help_text="The asset this is a component of."
    )
    custodian = IdField(queryset=get_user_model().objects.filter(is_active=True), allow_null=True, required=False)

    serializer_related_field = IdField  # the category too: `1.5` is refused, not read as id 1

    class Meta:
        model = Asset
        fields = list(ASSET_WRITABLE_FIELDS)
        extra_kwargs = {
            # The service reports a taken tag (a unique check here would also refuse an asset's own tag).
            "asset_tag": {"validators": []},
            "notes": {"trim_whitespace": False, "max_length": bounds.MAX_TEXT_LENGTH},
            "address": {"max_length": bounds.MAX_TEXT_LENGTH},
            "useful_life_months": {"min_value": 1, "max_value": bounds.MAX_USEFUL_LIFE_MONTHS},
            "year_built": {"min_value": 1000, "max_value": 2100},
        }

    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[type[serializers.Field], dict]:
        if field_name in MONEY_FIELDS:
            return MoneyAmountField, {"required": False, "allow_null": True}
        if field_name in CUSTOM_FIELDS:
            return CustomValuesField, {"required": False, "allow_null": True}
        return super().build_standard_field(field_name, model_field)

    def get_extra_kwargs(self) -> dict[str, Any]:
        extra = {name: {"help_text": _input_help_text(name)} for name in ASSET_WRITABLE_FIELDS}
        for name, kwargs in super().get_extra_kwargs().items():
            extra.setdefault(name, {}).update(kwargs)
        return extra

    def get_validators(self) -> list[Any]:
        return []  # the service checks the whole asset

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = _request_user(self)
        if user is not None:
            scoped = {
                "site": selectors.sites_visible_to(user),
                "location": selectors.locations_visible_to(user),
                "parent": selectors.assets_visible_to(user),
            }
            for name, queryset in scoped.items():
                field: Any = self.fields[name]
                field.queryset = queryset


class AssetUpdateInputSerializer(AssetCreateInputSerializer):
    """A change to an asset: the fields to change and the `version` the client last read (required)."""

    unknown_field_messages = {"status": "Change the status with the transition or dispose action."}

    version = serializers.IntegerField(min_value=1, error_messages={"required": VERSION_REQUIRED})

    class Meta(AssetCreateInputSerializer.Meta):
        fields = [*AssetCreateInputSerializer.Meta.fields, "version"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "version" not in attrs:  # a PATCH skips `required`; the version is never optional
            raise serializers.ValidationError({"version": [VERSION_REQUIRED]})
        return attrs


class AssetTransitionInputSerializer(StrictInputSerializer):
    """Move an asset along its lifecycle. `effective_date` defaults to today; `version` guards against races."""

    to_status = serializers.ChoiceField(choices=AssetStatus.choices)
    reason = serializers.CharField(max_length=2000)
    effective_date = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(
        min_value=1, error_messages={"required": VERSION_REQUIRED, "null": VERSION_REQUIRED}
    )


class AssetDisposeInputSerializer(StrictInputSerializer):
    """Dispose of an out-of-service asset: date, method, proceeds (a string in the asset's currency), reason."""

    disposal_date = serializers.DateField()
    method = serializers.ChoiceField(choices=DisposalMethod.choices)
    proceeds = MoneyAmountField(help_text='In the asset\'s currency, as a string, e.g. "250.00".')
    reason = serializers.CharField(max_length=2000)
    version = serializers.IntegerField(
        min_value=1, error_messages={"required": VERSION_REQUIRED, "null": VERSION_REQUIRED}
    )


class AssetDocumentInputSerializer(StrictInputSerializer):
    """A file upload (multipart/form-data) with an optional title and kind (guessed from the file if absent)."""

    file = serializers.FileField()
    title = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    kind = serializers.ChoiceField(choices=DocumentKind.choices, required=False, allow_null=True, default=None)


class MeterReadingInputSerializer(StrictInputSerializer):
    """A meter reading from the field: the date it was read and the value (in the asset's meter unit)."""

    reading_date = serializers.DateField(help_text="YYYY-MM-DD; not in the future.")
    value = serializers.DecimalField(
        max_digits=20,
        decimal_places=4,
        help_text='What the meter showed, in the asset\'s meter unit, e.g. "12500" or "1234.5"; never below an '
        "earlier reading.",
    )
    note = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")


def asset_tag_from_code(code: str) -> str:
    """The asset tag in a scanned label (`https://…/t/<TAG>`) or a tag typed in as it is."""
    code = code.strip()
    if "/t/" in code:
        path = code.split("?", 1)[0].split("#", 1)[0]
        if "://" in code:
            try:
                path = urlsplit(code).path
            except ValueError:  # a garbled scan such as `https://[::1/t/ABC`: read the path as it is written
                path = path.split("://", 1)[1]
        code = unquote(path.rsplit("/t/", 1)[-1].strip("/"))
    return code.strip().upper()


class AssetLookupQuerySerializer(serializers.Serializer):
    """`?code=`: what a label scan returned (its full URL) or an asset tag typed in."""

    code = serializers.CharField(
        max_length=500, help_text="An asset tag (e.g. HQ-PUMP-1) or a scanned label URL (e.g. https://…/t/HQ-PUMP-1)."
    )

    def validate_code(self, value: str) -> str:
        tag = asset_tag_from_code(value)
        if not tag:
            raise serializers.ValidationError("The code holds no asset tag.")
        return tag
