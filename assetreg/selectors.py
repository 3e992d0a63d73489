"""Reads of the register, always filtered to what the user may see.

Facility managers and technicians see the sites they are assigned to; finance, auditors and superusers
see every site. Anything outside that is absent from lists and a 404 when asked for directly.

Other apps read the register's data here too, never by querying its models themselves: meter readings, for
example, belong to the register (recorded by `services.meter_reading_record`, announced as
`MeterReadingRecorded`), and finance (units of production) and maintenance (meter-based plans) read them through
`meter_readings_by_asset` and `first_meter_readings`. These take asset ids the caller has already scoped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.shortcuts import get_object_or_404

from ledgerline.money import Money
from ledgerline.policy import Actor

from . import custom_fields
from .choices import AssetStatus
from .fields import CUSTOM_FIELDS
from .models import Asset, AssetDocument, Category, CustomField, Location, MeterReading, Site, StatusChange
from .permissions import REGISTER, writable_site_ids


def sites_visible_to(user: Actor | None) -> QuerySet[Site]:
    return REGISTER.scope(user, Site.objects.all(), "pk")


def sites_writable_by(user: Actor | None) -> QuerySet[Site]:
    """The sites a user may put assets and locations in, for choice lists."""
    ids = writable_site_ids(user)
    sites = sites_visible_to(user)
    return sites if ids is None else sites.filter(pk__in=ids)


def locations_visible_to(user: Actor | None) -> QuerySet[Location]:
    qs = Location.objects.select_related("site", "parent", "parent__parent", "building_asset")
    return REGISTER.scope(user, qs, "site_id")


def categories() -> QuerySet[Category]:
    return Category.objects.all()


def assets_visible_to(user: Actor | None) -> QuerySet[Asset]:
    """Every asset the user may see, with what a list row shows joined in one query."""
    qs = Asset.objects.select_related(
        "category", "site", "location", "location__parent", "location__parent__parent", "parent", "custodian"
    )
    return REGISTER.scope(user, qs, "site_id")


def asset_get_visible(user: Actor | None, pk: int) -> Asset:
    """One asset, or 404 if it does not exist or the user may not see it."""
    return get_object_or_404(assets_visible_to(user), pk=pk)


def asset_get_visible_by_tag(user: Actor | None, asset_tag: str) -> Asset:
    return get_object_or_404(assets_visible_to(user), asset_tag=asset_tag.strip().upper())


def asset_detail(user: Actor | None, pk: int) -> Asset:
    """An asset with its components, documents and lifecycle history prefetched for the asset page."""
    qs = assets_visible_to(user).prefetch_related(
        Prefetch("components", queryset=Asset.objects.select_related("category").order_by("asset_tag")),
        Prefetch("documents", queryset=AssetDocument.objects.select_related("uploaded_by")),
        Prefetch("status_changes", queryset=StatusChange.objects.select_related("actor")),
    )
    return get_object_or_404(qs, pk=pk)


def document_get_visible(user: Actor | None, asset_pk: int, document_pk: int) -> AssetDocument:
    asset = asset_get_visible(user, asset_pk)
    return get_object_or_404(AssetDocument.objects.select_related("asset"), pk=document_pk, asset=asset)


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: Any
    who: str
    action: str
    reason: str
    changes: list[FieldChange]


def _display(asset_model: type[Asset], field: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    f = cast(Any, asset_model._meta.get_field(field))
    if getattr(f, "choices", None):
        return str(dict(f.flatchoices).get(value, value))
    return str(value)


def asset_history(asset: Asset, limit: int = 200) -> list[HistoryEntry]:
    """The audit trail of an asset: who changed what, when, with the before and after of each field."""
    records = list(asset.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries: list[HistoryEntry] = []
    custom_labels: dict[str, Any] | None = None
    skip = {"version", "history_id", "history_date", "history_user", "history_type", "history_change_reason", "id"}
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes: list[FieldChange] = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in skip:
                    continue
                if change.field in CUSTOM_FIELDS:
                    if custom_labels is None:
                        custom_labels = {d.key: d for d in CustomField.objects.filter(category_id=asset.category_id)}
                    changes.extend(_custom_changes(custom_labels, change.old or {}, change.new or {}))
                    continue
                field = cast(Any, Asset._meta.get_field(change.field))
                old, new = change.old, change.new
                if field.is_relation:
                    old = _related_label(field, old)
                    new = _related_label(field, new)
                changes.append(
                    FieldChange(
                        field=change.field,
                        label=str(field.verbose_name).capitalize(),
                        old=_display(Asset, change.field, old) if not field.is_relation else old,
                        new=_display(Asset, change.field, new) if not field.is_relation else new,
                    )
                )
        action = {"+": "Created", "~": "Changed", "-": "Deleted"}[record.history_type]
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.get_full_name() or user.get_username()) if user else "system",
                action=action,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def _custom_changes(definitions: dict[str, Any], old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """One change per custom field whose value differs, labelled as the category names it."""
    changes = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        definition = definitions.get(key)
        changes.append(
            FieldChange(
                field=custom_fields.error_key(key),
                label=definition.label if definition is not None else key,
                old=custom_fields.display(definition, old.get(key)) or "—",
                new=custom_fields.display(definition, new.get(key)) or "—",
            )
        )
    return changes


def _related_label(field: Any, pk: Any) -> str:
    if pk in (None, ""):
        return "—"
    obj = field.related_model._default_manager.filter(pk=pk).first()
    return str(obj) if obj is not None else f"#{pk} (deleted)"


RECENT_CHANGES_SHOWN = 8


@dataclass(frozen=True)
class DashboardSummary:
    total_assets: int
    by_status: list[tuple[str, str, int]]
    by_kind: list[tuple[str, str, int]]
    cost_by_currency: list[Money]
    warranties_expiring: list[Asset]
    recent_changes: list[StatusChange]


def dashboard_summary(user: Actor | None, *, today: date | None = None, warranty_days: int = 30) -> DashboardSummary:
    """Counts by status and kind, acquisition cost per currency, and what needs attention soon."""
    today = today or date.today()
    assets = assets_visible_to(user)
    status_counts = dict(assets.order_by().values_list("status").annotate(n=Count("pk")))
    kind_counts = dict(assets.order_by().values_list("kind").annotate(n=Count("pk")))
    from .choices import AssetKind

    by_status = [(s.value, s.label, status_counts.get(s.value, 0)) for s in AssetStatus]
    by_kind = [(k.value, k.label, kind_counts.get(k.value, 0)) for k in AssetKind]
    cost_rows = (
        assets.exclude(status=AssetStatus.DISPOSED)
        .order_by()
        .values("currency")
        .annotate(total=Sum("acquisition_cost"))
        .order_by("currency")
    )
    cost_by_currency = [Money(row["total"] or Decimal(0), row["currency"]) for row in cost_rows]
    expiring = list(
        assets.filter(warranty_end__gte=today, warranty_end__lte=today + timedelta(days=warranty_days))
        .exclude(status=AssetStatus.DISPOSED)
        .order_by("warranty_end")[:10]
    )
    # The same scope as the list (a status change shows its asset's tag and the reason), newest first by the
    # date the change took effect, as the dashboard shows it; among changes on one day, the latest recorded.
    changes = StatusChange.objects.filter(asset__in=assets.values("pk")).select_related("asset", "actor")
    return DashboardSummary(
        total_assets=sum(status_counts.values()),
        by_status=by_status,
        by_kind=by_kind,
        cost_by_currency=cost_by_currency,
        warranties_expiring=expiring,
        recent_changes=list(changes.order_by("-effective_date", "-changed_at", "-pk")[:RECENT_CHANGES_SHOWN]),
    )


# --------------------------------------------------------------------------------------------------
# Meter readings, for the apps that depend on them
# --------------------------------------------------------------------------------------------------


def meter_readings_by_asset(asset_ids: Iterable[int]) -> dict[int, list[tuple[date, Decimal]]]:
    """Each asset's meter readings as (date, value), oldest first (assets without readings are absent).
    One query for the whole set."""
    readings: dict[int, list[tuple[date, Decimal]]] = {}
    rows = (
        MeterReading.objects.filter(asset_id__in=list(asset_ids))
        .order_by("asset_id", "reading_date", "value")
        .values_list("asset_id", "reading_date", "value")
    )
    for asset_id, reading_date, value in rows:
        readings.setdefault(asset_id, []).append((reading_date, value))
    return readings


def first_meter_readings(asset_ids: Iterable[int]) -> dict[int, Decimal]:
    """Each asset's first meter reading (the earliest, the lowest on that day): where its meter started."""
    return {asset_id: rows[0][1] for asset_id, rows in meter_readings_by_asset(asset_ids).items()}
