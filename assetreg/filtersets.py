"""One filterset for assets, used by the web list and the API list alike."""

from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters

from .choices import AssetKind, AssetStatus
from .models import Asset, Category, Location, Site


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
    site = filters.ModelMultipleChoiceFilter(
        queryset=Site.objects.all(), help_text=_several("site id", "site=1&site=2")
    )
    location = filters.ModelChoiceFilter(queryset=Location.objects.all())
    category = filters.ModelMultipleChoiceFilter(
        queryset=Category.objects.all(), help_text=_several("category id", "category=3&category=4")
    )
    parent = filters.ModelChoiceFilter(queryset=Asset.objects.all())
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

            self.filters["site"].queryset = selectors.sites_visible_to(user)
            self.filters["location"].queryset = selectors.locations_visible_to(user)

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
