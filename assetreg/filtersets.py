"""One filterset for assets, used by the web list and the API list alike."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters

from ledgerline.filters import IdFilter, IdMultipleFilter

from .choices import AssetKind, AssetStatus
from .models import Asset, AssetDocument, Category, Location, MeterReading, Site


class AssetFilterSet(filters.FilterSet):
    """Search, kind, status, site, location, category, custodian and `updated_since` for delta sync."""

    q = filters.CharFilter(method="search", label="Search")
    kind = filters.MultipleChoiceFilter(choices=AssetKind.choices)
    status = filters.MultipleChoiceFilter(choices=AssetStatus.choices)
    site = IdMultipleFilter(queryset=Site.objects.all())
    location = IdFilter(queryset=Location.objects.all())
    category = IdMultipleFilter(queryset=Category.objects.all())
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

    def __init__(self, *args, user=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
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
