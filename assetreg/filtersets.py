"""One filterset for assets, used by the web list and the API list alike."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KeyTransform
from django_filters import rest_framework as filters

from ledgerline.filters import IdFilter, IdMultipleFilter

from . import custom_fields
from .choices import AssetKind, AssetStatus, CustomFieldType
from .models import Asset, AssetDocument, Category, CustomField, Location, MeterReading, Site

CUSTOM_PREFIX = custom_fields.form_name("")
CUSTOM_RANGES = ("gte", "lte")
CUSTOM_FILTERS_DOC = (
    "Custom fields: `cf_<key>=value` keeps assets whose field `<key>` has exactly this value (text, choice, "
    "yes/no as `yes`/`no`, number, date as YYYY-MM-DD); for numbers and dates `cf_<key>__gte=` and "
    "`cf_<key>__lte=` give a range. A key no category defines is a 400."
)


def _refuse_unknown_key(value: Any) -> None:
    raise ValidationError("No category has a custom field with this key.")


def _custom_filter_method(lookup: str, kind: str) -> Callable[[QuerySet[Asset], str, Any], QuerySet[Asset]]:
    """Filter on one key of `Asset.custom_fields` (through KeyTransform, so any key is safe as a lookup name)."""

    def apply(queryset: QuerySet[Asset], name: str, value: Any) -> QuerySet[Asset]:
        if value in (None, ""):
            return queryset
        if kind == CustomFieldType.NUMBER and isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        elif kind == CustomFieldType.DATE:
            value = value.isoformat()
        elif kind == CustomFieldType.YES_NO:
            value = value == "yes"
        alias = "custom_field_value"
        return queryset.alias(**{alias: KeyTransform(name, "custom_fields")}).filter(**{f"{alias}__{lookup}": value})

    return apply


def _several(what: str, example: str) -> str:
    return f"One {what} or several (repeat the parameter: `?{example}`); an asset matching any of them is listed."


class AssetFilterSet(filters.FilterSet):
    """Search, kind, status, site, location, category, custodian and `updated_since` for delta sync."""

    q = filters.CharFilter(method="search", label="Search")
    kind = filters.MultipleChoiceFilter(
        choices=AssetKind.choices, help_text=_several("kind", "kind=vehicle&kind=equipment")
    )
    status = filters.MultipleChoiceFilter(
        choices=AssetStatus.choices, help_text=_several("status", "status=planned&status=in_service")
    )
    site = IdMultipleFilter(queryset=Site.objects.all(), help_text=_several("site id", "site=1&site=2"))
    location = IdFilter(queryset=Location.objects.all())
    category = IdMultipleFilter(
        queryset=Category.objects.all(), help_text=_several("category id", "category=3&category=4")
    )
    parent = IdFilter(queryset=Asset.objects.all())
    custodian = IdFilter(queryset=get_user_model().objects.all())
    asset_tag = filters.CharFilter(field_name="asset_tag", lookup_expr="iexact")
    updated_since = filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gt", label="Changed after (ISO 8601 date-time)"
    )
    warranty_end_before = filters.DateFilter(field_name="warranty_end", lookup_expr="lte")

    class Meta:
        model = Asset
        fields = ["q", "kind", "status", "site", "location", "category", "custodian", "parent", "asset_tag"]

    def __init__(self, *args, user=None, category_custom_filters=False, **kwargs):  # type: ignore[no-untyped-def]
        """`category_custom_filters`: also offer the custom fields of the one chosen category (the web list's
        filter form); otherwise only the `cf_<key>` filters the query names are added."""
        super().__init__(*args, **kwargs)
        self.category_custom_filters = category_custom_filters
        if user is not None:
            from . import selectors

            # Every id filter offers only what the user may see, so another site's id is refused exactly like an
            # id that does not exist (a 200-empty answer would tell that it exists elsewhere).
            visible = selectors.assets_visible_to(user)
            self.filters["site"].queryset = selectors.sites_visible_to(user)
            self.filters["location"].queryset = selectors.locations_visible_to(user)
            self.filters["parent"].queryset = visible
            self.filters["custodian"].queryset = get_user_model().objects.filter(
                pk__in=visible.filter(custodian__isnull=False).values("custodian_id")
            )
        self.custom_filter_names: list[str] = []
        self._add_custom_filters()

    def _add_custom_filters(self) -> None:
        """Filters for custom fields: those the query names (`cf_<key>`), and, in the web list, those of the one
        category chosen. Definitions are read only when one of these applies."""
        data = self.data if self.data is not None else {}
        wanted: set[str] = set()
        for name in data:
            if name.startswith(CUSTOM_PREFIX):
                key = name.removeprefix(CUSTOM_PREFIX)
                for suffix in CUSTOM_RANGES:
                    key = key.removesuffix(f"__{suffix}")
                wanted.add(key)
        categories = data.getlist("category") if self.category_custom_filters and hasattr(data, "getlist") else []
        one_category = categories[0] if len(categories) == 1 and str(categories[0]).isdigit() else None
        if not wanted and one_category is None:
            return
        query = Q(key__in=wanted)
        if one_category is not None:
            query |= Q(category_id=int(one_category))
        definitions: dict[str, CustomField] = {}
        choices: dict[str, set[str]] = {}
        for definition in CustomField.objects.filter(query).order_by("order", "key"):
            definitions.setdefault(definition.key, definition)
            choices.setdefault(definition.key, set()).update(definition.choices or [])
        for key in sorted(wanted - set(definitions)):
            self.filters[CUSTOM_PREFIX + key] = filters.CharFilter(
                method=lambda queryset, name, value: queryset, validators=[_refuse_unknown_key]
            )
        for key, definition in definitions.items():
            self._add_custom_filter(definition, sorted(choices[key]))

    def _add_custom_filter(self, definition: CustomField, choices: list[str]) -> None:
        kind, key, label = definition.field_type, definition.key, definition.label
        name = CUSTOM_PREFIX + key
        if kind == CustomFieldType.NUMBER:
            options: dict[str, Any] = {"field_name": key, "label": label}
            self.filters[name] = filters.NumberFilter(method=_custom_filter_method("exact", kind), **options)
            for lookup in CUSTOM_RANGES:
                self.filters[f"{name}__{lookup}"] = filters.NumberFilter(
                    method=_custom_filter_method(lookup, kind), field_name=key, label=f"{label} ({lookup})"
                )
        elif kind == CustomFieldType.DATE:
            self.filters[name] = filters.DateFilter(
                method=_custom_filter_method("exact", kind), field_name=key, label=label
            )
            for lookup in CUSTOM_RANGES:
                self.filters[f"{name}__{lookup}"] = filters.DateFilter(
                    method=_custom_filter_method(lookup, kind), field_name=key, label=f"{label} ({lookup})"
                )
        elif kind == CustomFieldType.YES_NO:
            self.filters[name] = filters.ChoiceFilter(
                method=_custom_filter_method("exact", kind),
                field_name=key,
                label=label,
                choices=[("yes", "Yes"), ("no", "No")],
            )
        elif kind == CustomFieldType.CHOICE:
            self.filters[name] = filters.ChoiceFilter(
                method=_custom_filter_method("exact", kind),
                field_name=key,
                label=label,
                choices=[(c, c) for c in choices],
            )
        else:
            self.filters[name] = filters.CharFilter(
                method=_custom_filter_method("exact", kind),
                field_name=key,
                label=label,
                max_length=custom_fields.TEXT_DEFAULT_MAX_LENGTH * 5,
            )
        self.custom_filter_names.append(name)

    def search(self, queryset: QuerySet[Asset], name: str, value: str) -> QuerySet[Asset]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(asset_tag__icontains=value)
            | Q(name__icontains=value)
            | Q(serial_number__icontains=value)
            | Q(vin__icontains=value)
            | Q(plate__icontains=value)
            | Q(manufacturer__icontains=value)
            | Q(model_number__icontains=value)
        )


class LocationFilterSet(filters.FilterSet):
    """`site`, `kind` and `parent` for the locations list; ids the user may not see are refused like missing ones."""

    site = IdFilter(queryset=Site.objects.all())
    parent = IdFilter(queryset=Location.objects.all())

    class Meta:
        model = Location
        fields = ["site", "kind", "parent"]

    def __init__(self, *args, user=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if user is not None:
            from . import selectors

            self.filters["site"].queryset = selectors.sites_visible_to(user)
            self.filters["parent"].queryset = selectors.locations_visible_to(user)


class AssetDocumentFilterSet(filters.FilterSet):
    """`updated_since` for delta sync: the attachments added after a time."""

    updated_since = filters.IsoDateTimeFilter(
        field_name="uploaded_at", lookup_expr="gt", label="Added after (ISO 8601 date-time)"
    )

    class Meta:
        model = AssetDocument
        fields = ["updated_since"]


class MeterReadingFilterSet(filters.FilterSet):
    """`updated_since` for delta sync: the readings recorded after a time."""

    updated_since = filters.IsoDateTimeFilter(
        field_name="recorded_at", lookup_expr="gt", label="Recorded after (ISO 8601 date-time)"
    )

    class Meta:
        model = MeterReading
        fields = ["updated_since"]
