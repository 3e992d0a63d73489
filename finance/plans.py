"""Building and reading depreciation plans: the bridge between assets and finance.schedule.

A plan row stores a schedule Basis plus what the set-based posting needs to compute any period in closed form
(the declining-balance switch, the period count, the minor unit). Everything here is computation on rows
already loaded; the services decide when plans are made or replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from assetreg.choices import AssetStatus, DepreciationMethod
from ledgerline.money import CURRENCY_MINOR_UNITS

from . import schedule
from .models import DepreciationPlan

# Assets that are valued (a planned asset is not yet; a disposed one no longer).
VALUED_STATUSES = (AssetStatus.IN_SERVICE, AssetStatus.UNDER_MAINTENANCE, AssetStatus.OUT_OF_SERVICE)


# Why a new plan cannot be made, and what a new plan's reason says: shared by the Python and SQL executors.
PLAN_PROBLEMS = {
    "no_in_service_date": "The asset has no in-service date.",
    "negative_amount": "The acquisition cost or salvage value is negative.",
    "salvage_above_cost": "The salvage value is above the acquisition cost.",
    "no_useful_life": "The asset has no useful life.",
    "no_expected_units": "Units of production needs the expected total units.",
}
REASON_NOT_DEPRECIATED = "Not depreciated"
REASON_PLACED_IN_SERVICE = "Placed in service"


class PlanInputError(ValueError):
    """An asset's data cannot give a schedule (no in-service date, no life, ...): the reason is for people."""


@dataclass(frozen=True)
class AssetInputs:
    """What a new plan needs of an asset (read with values(), never a model instance per asset)."""

    asset_id: int
    currency: str
    method: str
    in_service_date: date | None
    cost: Decimal
    salvage: Decimal
    life_months: int | None
    convention: str
    declining_factor: Decimal
    expected_units: Decimal | None
    units_at_start: Decimal


INPUT_FIELDS = (
    "pk",
    "currency",
    "depreciation_method",
    "in_service_date",
    "acquisition_cost",
    "salvage_value",
    "useful_life_months",
    "category__first_period_convention",
    "declining_factor",
    "category__default_declining_factor",
    "expected_units",
)


def inputs_from_row(row: dict[str, Any], units_at_start: Decimal = Decimal(0)) -> AssetInputs:
    return AssetInputs(
        asset_id=row["pk"],
        currency=row["currency"],
        method=row["depreciation_method"],
        in_service_date=row["in_service_date"],
        cost=row["acquisition_cost"],
        salvage=row["salvage_value"],
        life_months=row["useful_life_months"],
        convention=row["category__first_period_convention"],
        declining_factor=row["declining_factor"] or row["category__default_declining_factor"] or Decimal(2),
        expected_units=row["expected_units"],
        units_at_start=units_at_start,
    )


def new_plan(inputs: AssetInputs) -> DepreciationPlan:
    """The first plan of an asset, from its register data. Raises PlanInputError with a readable reason."""
    if inputs.in_service_date is None:
        raise PlanInputError(PLAN_PROBLEMS["no_in_service_date"])
    if inputs.salvage > inputs.cost:
        raise PlanInputError(PLAN_PROBLEMS["salvage_above_cost"])
    if inputs.cost < 0 or inputs.salvage < 0:
        raise PlanInputError(PLAN_PROBLEMS["negative_amount"])
    start = inputs.in_service_date.replace(day=1)
    if inputs.method == DepreciationMethod.NONE:
        return _plan_row(
            inputs.asset_id,
            schedule.Basis(
                currency=inputs.currency,
                method=DepreciationMethod.NONE,
                start_period=start,
                depreciable_amount=Decimal(0),
                life_months=Decimal(1),
                salvage=inputs.cost,
            ),
            units_at_basis=Decimal(0),
            reason=REASON_NOT_DEPRECIATED,
        )
    if not inputs.life_months or inputs.life_months < 1:
        raise PlanInputError(PLAN_PROBLEMS["no_useful_life"])
    if inputs.method == DepreciationMethod.UNITS_OF_PRODUCTION and not inputs.expected_units:
        raise PlanInputError(PLAN_PROBLEMS["no_expected_units"])
    try:
        basis = schedule.basis_for(
            currency=inputs.currency,
            method=inputs.method,
            in_service_date=inputs.in_service_date,
            cost=inputs.cost,
            salvage=inputs.salvage,
            life_months=int(inputs.life_months),
            convention=inputs.convention,
            declining_factor=inputs.declining_factor,
            total_units=inputs.expected_units if inputs.method == DepreciationMethod.UNITS_OF_PRODUCTION else None,
        )
    except (ValueError, TypeError) as exc:
        raise PlanInputError(str(exc)) from None
    units_at_basis = inputs.units_at_start if inputs.method == DepreciationMethod.UNITS_OF_PRODUCTION else Decimal(0)
    return _plan_row(inputs.asset_id, basis, units_at_basis=units_at_basis, reason=REASON_PLACED_IN_SERVICE)


def plan_from_basis(asset_id: int, basis: schedule.Basis, *, units_at_basis: Decimal, reason: str) -> DepreciationPlan:
    """A plan row for a replanned basis."""
    return _plan_row(asset_id, basis, units_at_basis=units_at_basis, reason=reason)


def _plan_row(asset_id: int, basis: schedule.Basis, *, units_at_basis: Decimal, reason: str) -> DepreciationPlan:
    switch_period = switch_amount = None
    if basis.method == DepreciationMethod.DECLINING_BALANCE and basis.depreciable_amount > 0:
        switch_period, switch_amount = schedule.declining_switch(basis)
    period_count = None
    if basis.method != DepreciationMethod.UNITS_OF_PRODUCTION:
        period_count = schedule.period_count(basis)
    return DepreciationPlan(
        asset_id=asset_id,
        currency=basis.currency,
        minor_units=CURRENCY_MINOR_UNITS[basis.currency],
        method=str(basis.method),
        start_period=basis.start_period,
        depreciable_amount=basis.depreciable_amount,
        salvage=basis.salvage,
        life_months=basis.life_months,
        first_fraction=basis.first_fraction,
        declining_factor=basis.declining_factor,
        total_units=basis.total_units,
        units_at_basis=units_at_basis,
        switch_period=switch_period,
        switch_amount=switch_amount,
        period_count=period_count,
        reason=reason[:200],
    )


def basis_of(plan: DepreciationPlan) -> schedule.Basis:
    """The schedule Basis a plan row stores."""
    return schedule.Basis(
        currency=plan.currency,
        method=DepreciationMethod(plan.method),
        start_period=plan.start_period,
        depreciable_amount=plan.depreciable_amount,
        life_months=plan.life_months,
        first_fraction=plan.first_fraction,
        salvage=plan.salvage,
        declining_factor=plan.declining_factor,
        total_units=plan.total_units,
    )


def index_of(plan: DepreciationPlan, period: date) -> int:
    """k of `period` under the plan: 1 for the plan's first month."""
    return schedule.month_index(period) - schedule.month_index(plan.start_period) + 1


def accumulated(plan: DepreciationPlan, k: int, units_used: Decimal | None = None) -> Decimal:
    """R(cum(k)) under the plan; for units of production from the units used since the basis."""
    basis = basis_of(plan)
    if plan.method == DepreciationMethod.NONE or k <= 0:
        return Decimal(0).quantize(Decimal(1).scaleb(-plan.minor_units))
    if plan.method == DepreciationMethod.UNITS_OF_PRODUCTION:
        return schedule.rounded_cumulative_units(basis, max(Decimal(0), units_used or Decimal(0)))
    return schedule.rounded_cumulative(basis, k)


def reading_at(readings: list[tuple[date, Decimal]], day: date) -> Decimal | None:
    """The meter reading at the end of `day` (the latest on or before it)."""
    value = None
    for reading_date, reading in readings:
        if reading_date > day:
            break
        value = reading
    return value


def planned_entries(
    plan: DepreciationPlan,
    through: date,
    last_posted: date | None,
    readings: list[tuple[date, Decimal]] | None = None,
) -> list[tuple[date, Decimal, Decimal]]:
    """The (period, amount, carrying after) of each unposted period of one plan through `through`."""
    if plan.method == DepreciationMethod.NONE:
        return []
    k_target = index_of(plan, through)
    k_last = index_of(plan, last_posted) if last_posted and last_posted >= plan.start_period else 0
    if plan.period_count is not None:
        k_target = min(k_target, plan.period_count)
    opening = plan.salvage + plan.depreciable_amount
    out: list[tuple[date, Decimal, Decimal]] = []
    units_used = None
    if plan.method == DepreciationMethod.UNITS_OF_PRODUCTION:
        units_used = _units_used(plan, k_last, readings or [])
    previous = accumulated(plan, k_last, units_used)
    for k in range(k_last + 1, k_target + 1):
        if plan.method == DepreciationMethod.UNITS_OF_PRODUCTION:
            if previous >= plan.depreciable_amount:
                break
            units_used = _units_used(plan, k, readings or [])
        current = accumulated(plan, k, units_used)
        period = schedule.add_months(plan.start_period, k - 1)
        out.append((period, previous - current, opening - current))
        previous = current
    return out


def _units_used(plan: DepreciationPlan, k: int, readings: list[tuple[date, Decimal]]) -> Decimal:
    if k <= 0:
        return Decimal(0)
    end = schedule.period_end(schedule.add_months(plan.start_period, k - 1))
    value = reading_at(readings, end)
    return max(Decimal(0), (value if value is not None else plan.units_at_basis) - plan.units_at_basis)
