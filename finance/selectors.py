"""Reads of the valuation engine: book values as of a date, schedules, ledgers and runs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from assetreg import selectors as register_selectors
from assetreg.choices import AssetStatus, DepreciationMethod
from assetreg.models import Asset
from ledgerline.money import Money

from . import plans as plan_math
from . import schedule
from .choices import EntryKind
from .models import DepreciationPlan, DepreciationRun, RunFailure, ValueEntry

MONEY_FIELD = DecimalField(max_digits=20, decimal_places=4)


def last_posted_periods(asset_ids: list[int]) -> dict[int, date]:
    """The last depreciation period posted for each asset (assets with none are absent)."""
    rows = (
        ValueEntry.objects.filter(asset_id__in=asset_ids, kind=EntryKind.DEPRECIATION)
        .values("asset_id")
        .annotate(last=Max("period"))
        .order_by()
    )
    return {row["asset_id"]: row["last"] for row in rows}


def readings_for(asset_ids: list[int]) -> dict[int, list[tuple[date, Decimal]]]:
    """Meter readings per asset, oldest first. The register owns the readings: finance reads them through the
    register's selectors (the SQL executor in `finance.posting` joins their table by the model's name)."""
    return defaultdict(list, register_selectors.meter_readings_by_asset(asset_ids))


def book_value_now(asset: Asset) -> Decimal:
    """The carrying amount after the asset's latest ledger entry (its cost before any)."""
    latest = (
        ValueEntry.objects.filter(asset=asset)
        .order_by("-entry_date", "-pk")
        .values_list("carrying_after", flat=True)
        .first()
    )
    return latest if latest is not None else asset.acquisition_cost


def with_book_value(assets: QuerySet[Asset], as_of: date) -> QuerySet[Asset]:
    """Annotate `book_value` as of a date for a whole queryset, in one SQL statement.

    The value is the carrying amount after the latest ledger entry on or before the date; before any entry it
    is the acquisition cost (from the acquisition date), and nothing before the asset was acquired.
    """
    latest = (
        ValueEntry.objects.filter(asset=OuterRef("pk"), entry_date__lte=as_of)
        .order_by("-entry_date", "-pk")
        .values("carrying_after")[:1]
    )
    return assets.annotate(
        book_value=Case(
            When(acquisition_date__gt=as_of, then=Value(Decimal(0), output_field=MONEY_FIELD)),
            default=Coalesce(Subquery(latest, output_field=MONEY_FIELD), F("acquisition_cost")),
            output_field=MONEY_FIELD,
        )
    )


def book_value_as_of(asset: Asset, as_of: date) -> Money:
    """One asset's book value on a date: posted history for the past, the plan's forecast beyond it."""
    return book_values_as_of(Asset.objects.filter(pk=asset.pk), as_of).get(asset.pk, Money(Decimal(0), asset.currency))


def book_values_as_of(assets: QuerySet[Asset], as_of: date) -> dict[int, Money]:
    """Book values of a set of assets on a date (forecast from each plan where the date is past what is
    posted). Three queries whatever the size of the set; nothing is read one asset at a time."""
    annotated = with_book_value(assets, as_of)
    rows = list(annotated.values_list("pk", "currency", "book_value"))  # type: ignore[misc]
    ids = [pk for pk, _, _ in rows]
    values = {pk: Money(value or Decimal(0), currency) for pk, currency, value in rows}
    last = last_posted_periods(ids)
    last_any = dict(
        ValueEntry.objects.filter(asset_id__in=ids)
        .values("asset_id")
        .annotate(d=Max("entry_date"))
        .values_list("asset_id", "d")
        .order_by()
    )
    target = as_of.replace(day=1)
    forecast_plans = [
        plan
        for plan in DepreciationPlan.objects.filter(asset_id__in=ids, start_period__lte=target)
        .exclude(method__in=[DepreciationMethod.NONE, DepreciationMethod.UNITS_OF_PRODUCTION])
        .exclude(asset__status=AssetStatus.DISPOSED)  # a disposed asset's value stays at zero
        if as_of > (last_any.get(plan.asset_id) or date.min)
    ]
    for plan in forecast_plans:
        k = plan_math.index_of(plan, target)
        # Only whole months are depreciated: a date inside a month shows the value at the previous month end.
        if as_of != schedule.period_end(target):
            k -= 1
        last_period = last.get(plan.asset_id)
        posted_k = plan_math.index_of(plan, last_period) if last_period and last_period >= plan.start_period else 0
        if k <= posted_k:
            continue
        carrying = plan.salvage + plan.depreciable_amount - plan_math.accumulated(plan, k)
        values[plan.asset_id] = Money(carrying, plan.currency)
    return values


@dataclass(frozen=True)
class ScheduleRow:
    """One month of an asset's schedule: posted (from the ledger) or planned (from the plan)."""

    period: date
    amount: Money
    carrying_after: Money
    posted: bool


def asset_schedule(asset: Asset, *, planned_limit: int = 600) -> list[ScheduleRow]:
    """Posted depreciation months followed by the planned ones still to come."""
    posted = list(
        ValueEntry.objects.filter(asset=asset, kind=EntryKind.DEPRECIATION)
        .order_by("period", "pk")
        .values_list("period", "amount", "carrying_after")
    )
    rows = [ScheduleRow(p, Money(-a, asset.currency), Money(c, asset.currency), True) for p, a, c in posted]
    plan = DepreciationPlan.objects.filter(asset=asset).first()
    if plan is None or plan.method in (DepreciationMethod.NONE, DepreciationMethod.UNITS_OF_PRODUCTION):
        return rows
    if asset.status == AssetStatus.DISPOSED:
        return rows  # nothing is planned after a disposal
    last = max((r.period for r in rows if r.period >= plan.start_period), default=None)
    horizon = schedule.add_months(plan.start_period, (plan.period_count or 0) - 1)
    future = plan_math.planned_entries(plan, horizon, last)
    # Events after the last posting change the carrying amount the plan starts from; the plan already holds it.
    for period, amount, carrying in future[:planned_limit]:
        rows.append(ScheduleRow(period, Money(-amount, asset.currency), Money(carrying, asset.currency), False))
    return rows


def asset_ledger(asset: Asset) -> QuerySet[ValueEntry]:
    """Every value entry of an asset, oldest first."""
    return (
        ValueEntry.objects.filter(asset=asset).select_related("actor", "run", "corrects").order_by("entry_date", "pk")
    )


def asset_value_events(asset: Asset) -> QuerySet[ValueEntry]:
    """Revaluations, impairments, reversals, improvements, corrections and the disposal of an asset."""
    return asset_ledger(asset).exclude(kind=EntryKind.DEPRECIATION)


@dataclass(frozen=True)
class ValuationSummary:
    """What the asset page shows about value: book value today, reserve, accumulated depreciation."""

    book_value: Money
    accumulated_depreciation: Money
    revaluation_reserve: Money
    disposal_gain_or_loss: Money | None
    last_posted_period: date | None


def asset_valuation_summary(asset: Asset, today: date) -> ValuationSummary:
    totals = ValueEntry.objects.filter(asset=asset).aggregate(
        dep=Sum("amount", filter=Q(kind=EntryKind.DEPRECIATION)),
        reserve=Sum("reserve_change"),
        disposal=Sum("profit_or_loss", filter=Q(kind=EntryKind.DISPOSAL)),
        last=Max("period"),
    )
    last_dep = ValueEntry.objects.filter(asset=asset, kind=EntryKind.DEPRECIATION).aggregate(m=Max("period"))["m"]
    currency = asset.currency
    return ValuationSummary(
        book_value=book_value_as_of(asset, today),
        accumulated_depreciation=Money(-(totals["dep"] or Decimal(0)), currency),
        revaluation_reserve=Money(totals["reserve"] or Decimal(0), currency),
        disposal_gain_or_loss=Money(totals["disposal"], currency) if totals["disposal"] is not None else None,
        last_posted_period=last_dep,
    )


def runs() -> QuerySet[DepreciationRun]:
    return DepreciationRun.objects.select_related("requested_by")


def run_failures(run: DepreciationRun) -> QuerySet[RunFailure]:
    return RunFailure.objects.filter(run=run).select_related("asset")


@dataclass(frozen=True)
class PostedBookValue:
    """The book value of a set of assets as posted to the ledger, one total per currency."""

    totals: list[Money]
    posted_through: date | None


def posted_book_value_totals(assets: QuerySet[Asset], as_of: date) -> PostedBookValue:
    """The carrying amount after each asset's latest ledger entry on or before `as_of` (its cost before any),
    summed per currency over the assets not disposed, and the latest month posted among them. Two queries
    whatever the size of the set; amounts in different currencies are never added together."""
    held = assets.exclude(status=AssetStatus.DISPOSED).order_by()
    rows = (
        with_book_value(held, as_of)
        .values("currency")
        .annotate(total=Sum("book_value"))
        .values_list("currency", "total")
        .order_by("currency")
    )
    posted_through = ValueEntry.objects.filter(
        asset__in=held.values("pk"), kind=EntryKind.DEPRECIATION, period__lte=as_of
    ).aggregate(m=Max("period"))["m"]
    return PostedBookValue(
        totals=[Money(total or Decimal(0), currency) for currency, total in rows],
        posted_through=posted_through,
    )
