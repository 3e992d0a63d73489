"""Planned depreciation schedules in exact arithmetic, without the database.

This is the calculation core of the depreciation engine: the reference the set-based posting SQL is checked
against, and what draws the planned schedule on the asset page. Everything starts from a small `Basis` (the
carrying amount to depreciate, the remaining life, the method) and every period is computed in closed form
from it, never from earlier periods' rounded amounts:

    amount(k) = R(cum(k)) - R(cum(k - 1))

where cum(k) is the exact cumulative depreciation after k periods since the basis and R rounds to the
currency's minor unit, half away from zero. cum is non-decreasing and reaches exactly the depreciable
amount D (a minor-unit multiple) in the last period, so the amounts are never negative, add up to D exactly,
never take the carrying amount below salvage, and the last period absorbs the rounding by itself.

Closed forms (L = remaining life in months, f = first_fraction, k = periods since the basis):

* elapsed life t(0) = 0, t(k) = min(L, f + k - 1); the schedule has P = max(1, ceil(L - f) + 1) periods,
  i.e. L periods for a whole life and a full first month, one more when the first month is partial.
* straight line: cum = D * t / L.
* sum of the years' digits, each year's weight spread evenly over its months; with Y = L / 12,
  m elapsed months, y = floor(m / 12) whole years and r = m - 12y months into the next year,
  G(m) = y*Y - y*(y - 1)/2 + (r/12)*(Y - y) and cum = D * G(t) / G(L).
* declining balance at factor F: monthly rate q = min(F / L, 1) applied to the carrying amount
  C0 = salvage + D, the first period taking f of a month's charge: C(k) = C0 * (1 - q*f) * (1 - q)^(k - 1)
  and cum = min(D, C0 - C(k)) for k < s. From the switch period s (see `declining_switch`: the first
  period whose straight-line charge over the remaining life is at least the declining charge, at the latest
  the last period) it is straight line from the rounded amount A = R(cum(s - 1)):
  cum = A + (D - A) * (t(k) - t(s - 1)) / (L - t(s - 1)). Storing s and A on the basis row lets SQL compute
  any period directly; A is a minor-unit amount, so it is stored exactly.
* units of production: cum = D * min(U / total_units, 1) with U the units used since the basis.
* none: nothing is depreciated.

Internally all values are exact rationals (`fractions.Fraction`): repeating quotients such as D / 7 or
(29/30)^k are never truncated before R, so a cumulative amount that lies exactly on a half minor unit is
rounded up as it should be. Public results are Decimal.
"""

from __future__ import annotations

import calendar
import functools
import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from assetreg.choices import DepreciationMethod, FirstPeriodConvention
from ledgerline.money import CURRENCY_MINOR_UNITS

# Significant digits of Decimal results that are not themselves minor-unit amounts (cumulative()).
DECIMAL_PRECISION = 40
# A daily pro-rata first fraction such as 16/31 is stored with this many decimal places (numeric(17, 16)).
FIRST_FRACTION_PLACES = 16

TIME_BASED_METHODS = frozenset(
    {
        DepreciationMethod.STRAIGHT_LINE,
        DepreciationMethod.DECLINING_BALANCE,
        DepreciationMethod.SUM_OF_YEARS_DIGITS,
    }
)


@dataclass(frozen=True)
class Basis:
    """What a schedule is computed from: the amount still to depreciate, over what life, by what method.

    A new asset gets one from `basis_for`; a prospective change (new life, new salvage, capital improvement)
    replaces it with a new one from `replan` that covers only the periods not yet posted.
    """

    currency: str
    method: DepreciationMethod
    # First day of the first month depreciated under this basis.
    start_period: date
    # Opening carrying amount minus salvage, a multiple of the currency's minor unit, >= 0.
    depreciable_amount: Decimal
    # Months of life remaining at the basis: whole for a new asset; after a replan of an asset that
    # started with a partial month it ends in the same part of a month, so it may have a fraction.
    life_months: Decimal
    # The part of the first month that is depreciated, in (0, 1]; 1 for a full month.
    first_fraction: Decimal = Decimal(1)
    # The salvage value the carrying amount runs down to; the declining charge is taken on salvage + D.
    salvage: Decimal = Decimal(0)
    # 2 for double declining, 1.5 for 150 %; used by declining balance only.
    declining_factor: Decimal = Decimal(2)
    # Units of production only: the units the depreciable amount is spread over.
    total_units: Decimal | None = None

    def __post_init__(self) -> None:
        if self.currency not in CURRENCY_MINOR_UNITS:
            raise ValueError(f"{self.currency!r} is not an ISO 4217 currency code (for example EUR, USD, GBP).")
        try:
            object.__setattr__(self, "method", DepreciationMethod(self.method))
        except ValueError:
            raise ValueError(f"{self.method!r} is not a depreciation method.") from None
        if isinstance(self.start_period, datetime) or not isinstance(self.start_period, date):
            raise ValueError("start_period must be a date (the first day of a month).")
        if self.start_period.day != 1:
            raise ValueError(f"start_period must be the first day of a month, not {self.start_period}.")
        for name in ("depreciable_amount", "life_months", "first_fraction", "salvage", "declining_factor"):
            object.__setattr__(self, name, _as_decimal(getattr(self, name), name))
        if self.total_units is not None:
            object.__setattr__(self, "total_units", _as_decimal(self.total_units, "total_units"))

        if self.depreciable_amount < 0:
            raise ValueError(f"The depreciable amount cannot be negative ({self.depreciable_amount}).")
        quantum = _quantum(self.currency)
        if self.depreciable_amount != self.depreciable_amount.quantize(quantum, rounding=ROUND_DOWN):
            raise ValueError(
                f"The depreciable amount {self.depreciable_amount} must be a whole number of {self.currency} "
                f"minor units ({quantum})."
            )
        if self.life_months <= 0:
            raise ValueError(f"The remaining life must be more than zero months ({self.life_months}).")
        if not 0 < self.first_fraction <= 1:
            raise ValueError(f"The first-period fraction must be in (0, 1], not {self.first_fraction}.")
        if self.salvage < 0:
            raise ValueError(f"The salvage value cannot be negative ({self.salvage}).")
        if self.declining_factor <= 0:
            raise ValueError(f"The declining-balance factor must be more than zero ({self.declining_factor}).")
        if self.method == DepreciationMethod.UNITS_OF_PRODUCTION and self.total_units is None:
            raise ValueError("Units of production needs the total units the asset is expected to produce.")
        if self.total_units is not None and self.total_units <= 0:
            raise ValueError(f"The total units must be more than zero ({self.total_units}).")


@dataclass(frozen=True)
class PlannedPeriod:
    """One month of a planned schedule; amounts are rounded to the currency's minor unit."""

    period: date
    index: int
    amount: Decimal
    accumulated: Decimal
    # The depreciable amount not yet depreciated after this period.
    remaining: Decimal


def basis_for(
    *,
    currency: str,
    method: DepreciationMethod | str,
    in_service_date: date,
    cost: Decimal,
    salvage: Decimal,
    life_months: int,
    convention: FirstPeriodConvention | str,
    declining_factor: Decimal = Decimal(2),
    total_units: Decimal | None = None,
) -> Basis:
    """The basis of a new asset, depreciated from its in-service month over its whole life.

    The depreciable amount is cost minus salvage truncated to the minor unit, so that a cost or salvage with
    sub-minor-unit digits can never take the carrying amount below salvage.
    """
    cost = _as_decimal(cost, "cost")
    salvage = _as_decimal(salvage, "salvage")
    if cost < 0:
        raise ValueError(f"The cost cannot be negative ({cost}).")
    if salvage < 0:
        raise ValueError(f"The salvage value cannot be negative ({salvage}).")
    if salvage > cost:
        raise ValueError(f"The salvage value {salvage} cannot be above the cost {cost}.")
    if isinstance(life_months, bool) or not isinstance(life_months, int) or life_months < 1:
        raise ValueError(f"The useful life must be a whole number of months, at least 1 ({life_months!r}).")
    if isinstance(in_service_date, datetime) or not isinstance(in_service_date, date):
        raise ValueError("in_service_date must be a date.")
    convention = FirstPeriodConvention(convention)
    start = in_service_date.replace(day=1)
    first_fraction = Decimal(1)
    if convention == FirstPeriodConvention.DAILY_PRO_RATA:
        days_in_month = calendar.monthrange(in_service_date.year, in_service_date.month)[1]
        days_used = days_in_month - in_service_date.day + 1
        with localcontext() as ctx:
            ctx.prec = DECIMAL_PRECISION
            first_fraction = (Decimal(days_used) / Decimal(days_in_month)).quantize(
                Decimal(1).scaleb(-FIRST_FRACTION_PLACES), rounding=ROUND_HALF_UP
            )
        if first_fraction == 1:
            first_fraction = Decimal(1)
    return Basis(
        currency=currency,
        method=DepreciationMethod(method),
        start_period=start,
        depreciable_amount=_floor_minor(cost - salvage, currency),
        life_months=Decimal(life_months),
        first_fraction=first_fraction,
        salvage=salvage,
        declining_factor=declining_factor,
        total_units=total_units,
    )


def period_count(basis: Basis, units_by_period: list[Decimal] | None = None) -> int:
    """How many periods the schedule has: none for `none`, one per reading period for units of production."""
    if basis.method == DepreciationMethod.NONE:
        return 0
    if basis.method == DepreciationMethod.UNITS_OF_PRODUCTION:
        if units_by_period is None:
            raise ValueError("Units of production needs the units used in each period.")
        return len(units_by_period)
    return _time_period_count(basis)


def cumulative(basis: Basis, k: int | Decimal) -> Decimal:
    """Exact cumulative depreciation after k periods since the basis (time-based methods and `none`).

    A fractional k (a disposal part-way through a period) accrues that period's charge evenly. The result is
    the exact value to DECIMAL_PRECISION significant digits; `period_amount` rounds the exact rational.
    """
    if basis.method == DepreciationMethod.UNITS_OF_PRODUCTION:
        raise ValueError("Units of production depends on units used: use cumulative_units().")
    if isinstance(k, float):
        raise TypeError("k is an int or Decimal, never a float.")
    position = Fraction(k)
    if position < 0:
        raise ValueError(f"k cannot be negative ({k}).")
    whole = math.floor(position)
    part = position - whole
    value = _cumulative_exact(basis, whole)
    if part:
        value += part * (_cumulative_exact(basis, whole + 1) - value)
    return _to_decimal(value)


def cumulative_units(basis: Basis, units_used: Decimal) -> Decimal:
    """Exact cumulative depreciation after `units_used` units since the basis (units of production)."""
    if basis.method != DepreciationMethod.UNITS_OF_PRODUCTION:
        raise ValueError("cumulative_units() is for units of production only.")
    return _to_decimal(_cumulative_units_exact(basis, _as_decimal(units_used, "units_used")))


def period_amount(basis: Basis, k: int, units_by_period: list[Decimal] | None = None) -> Decimal:
    """The rounded depreciation of period k (1-based) since the basis: R(cum(k)) - R(cum(k - 1)).

    Zero after the last period. Units of production needs the units used in periods 1..k.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k is the 1-based number of a period ({k!r}).")
    if basis.method == DepreciationMethod.UNITS_OF_PRODUCTION:
        if units_by_period is None or len(units_by_period) < k:
            raise ValueError(f"Units of production needs the units used in periods 1 to {k}.")
        used_before = sum((_as_units(u) for u in units_by_period[: k - 1]), Decimal(0))
        used_after = used_before + _as_units(units_by_period[k - 1])
        before = _cumulative_units_exact(basis, used_before)
        after = _cumulative_units_exact(basis, used_after)
    else:
        if units_by_period is not None:
            raise ValueError(f"Units are only used by units of production, not {basis.method.value}.")
        before = _cumulative_exact(basis, k - 1)
        after = _cumulative_exact(basis, k)
    return _round_minor(after, basis.currency) - _round_minor(before, basis.currency)


def schedule(basis: Basis, units_by_period: list[Decimal] | None = None) -> list[PlannedPeriod]:
    """The planned periods from the basis to the end of the life (or of the given units, for production)."""
    count = period_count(basis, units_by_period)
    if basis.method != DepreciationMethod.UNITS_OF_PRODUCTION and units_by_period is not None:
        raise ValueError(f"Units are only used by units of production, not {basis.method.value}.")
    planned: list[PlannedPeriod] = []
    accumulated = _round_minor(Fraction(0), basis.currency)
    used = Decimal(0)
    for k in range(1, count + 1):
        if basis.method == DepreciationMethod.UNITS_OF_PRODUCTION:
            assert units_by_period is not None
            used += _as_units(units_by_period[k - 1])
            exact = _cumulative_units_exact(basis, used)
        else:
            exact = _cumulative_exact(basis, k)
        rounded = _round_minor(exact, basis.currency)
        planned.append(
            PlannedPeriod(
                period=_add_months(basis.start_period, k - 1),
                index=k,
                amount=rounded - accumulated,
                accumulated=rounded,
                remaining=basis.depreciable_amount - rounded,
            )
        )
        accumulated = rounded
    return planned


def declining_switch(basis: Basis) -> tuple[int, Decimal]:
    """The declining-balance switch: (s, A), s the first period on straight line, A = R(cum(s - 1)).

    s is the first period whose straight-line charge over the remaining life, (carrying - salvage) / months
    left, is at least the declining charge q * carrying; the last period at the latest. From s on the
    schedule is straight line from A (a minor-unit amount) to D over the remaining life.
    """
    if basis.method != DepreciationMethod.DECLINING_BALANCE:
        raise ValueError("declining_switch() is for declining balance only.")
    switch_period, accumulated = _declining_switch(basis)
    return switch_period, _round_minor(accumulated, basis.currency)


def replan(
    *,
    basis: Basis,
    posted_periods: int,
    carrying_amount: Decimal,
    new_life_remaining: int | Decimal | None = None,
    added_cost: Decimal = Decimal(0),
    new_salvage: Decimal | None = None,
    new_total_units: Decimal | None = None,
) -> Basis:
    """A new basis for a prospective change, starting with the period after the last posted one.

    It depreciates the current carrying amount plus any capital improvement, down to the (new) salvage, over
    the new remaining life (by default what is left of the old one). The method starts afresh over that life:
    the same straight-line rate, sum of the years' digits over the remaining years, a declining rate of
    factor / remaining life. With nothing posted yet it keeps the partial first month. Posted periods are not
    touched. Units of production needs new_total_units, the units still expected from the new basis on.
    """
    if isinstance(posted_periods, bool) or not isinstance(posted_periods, int) or posted_periods < 0:
        raise ValueError(f"posted_periods is a number of periods, at least 0 ({posted_periods!r}).")
    carrying_amount = _as_decimal(carrying_amount, "carrying_amount")
    added_cost = _as_decimal(added_cost, "added_cost")
    salvage = basis.salvage if new_salvage is None else _as_decimal(new_salvage, "new_salvage")
    if carrying_amount < 0:
        raise ValueError(f"The carrying amount cannot be negative ({carrying_amount}).")
    if added_cost < 0:
        raise ValueError(f"A capital improvement cannot be negative ({added_cost}); a part sold is a disposal.")
    opening = carrying_amount + added_cost
    if salvage > opening:
        raise ValueError(f"The salvage value {salvage} cannot be above the carrying amount {opening}.")

    if basis.method in TIME_BASED_METHODS:
        if posted_periods > _time_period_count(basis):
            raise ValueError(
                f"Only {_time_period_count(basis)} periods are planned; {posted_periods} cannot have been posted."
            )
        if new_life_remaining is None:
            left = Fraction(basis.life_months) - _elapsed(basis, posted_periods)
            if left <= 0:
                raise ValueError("The life is used up: give new_life_remaining to extend it.")
            life = _to_decimal(left)
        else:
            life = _as_decimal(new_life_remaining, "new_life_remaining")
    else:
        life = basis.life_months if new_life_remaining is None else _as_decimal(new_life_remaining, "life")

    total_units = basis.total_units
    if basis.method == DepreciationMethod.UNITS_OF_PRODUCTION:
        if new_total_units is None:
            raise ValueError("Units of production needs new_total_units: the units expected from now on.")
        total_units = new_total_units
    return Basis(
        currency=basis.currency,
        method=basis.method,
        start_period=_add_months(basis.start_period, posted_periods),
        depreciable_amount=_floor_minor(opening - salvage, basis.currency),
        life_months=life,
        # Nothing posted yet: the first period to plan is still the (possibly partial) first month.
        first_fraction=basis.first_fraction if posted_periods == 0 else Decimal(1),
        salvage=salvage,
        declining_factor=basis.declining_factor,
        total_units=total_units,
    )


# --- exact closed forms ---------------------------------------------------------------------------------


def _time_period_count(basis: Basis) -> int:
    life, first = Fraction(basis.life_months), Fraction(basis.first_fraction)
    return max(1, math.ceil(life - first) + 1)


def _elapsed(basis: Basis, k: int) -> Fraction:
    """Months of life used after k periods: t(k) = min(L, f + k - 1), t(0) = 0."""
    if k <= 0:
        return Fraction(0)
    return min(Fraction(basis.life_months), Fraction(basis.first_fraction) + k - 1)


def _cumulative_exact(basis: Basis, k: int) -> Fraction:
    """cum(k) for a whole k >= 0 as an exact rational (D from the last period on)."""
    amount = Fraction(basis.depreciable_amount)
    method = basis.method
    if method == DepreciationMethod.NONE or k <= 0:
        return Fraction(0)
    if method == DepreciationMethod.UNITS_OF_PRODUCTION:
        raise ValueError("Units of production depends on units used, not on periods.")
    if k >= _time_period_count(basis):
        return amount
    life = Fraction(basis.life_months)
    elapsed = _elapsed(basis, k)
    if method == DepreciationMethod.STRAIGHT_LINE:
        return amount * elapsed / life
    if method == DepreciationMethod.SUM_OF_YEARS_DIGITS:
        return amount * _years_digits(elapsed, life) / _years_digits(life, life)
    # Declining balance.
    switch_period, at_switch = _declining_switch(basis)
    if k < switch_period:
        return min(amount, _declining_start(basis) - _declining_carrying(basis, k))
    start = _round_minor_fraction(at_switch, basis.currency)
    switch_elapsed = _elapsed(basis, switch_period - 1)
    return start + (amount - start) * (elapsed - switch_elapsed) / (life - switch_elapsed)


def _years_digits(months: Fraction, life: Fraction) -> Fraction:
    """G(m): the sum of the years' weights used after m months of a life of L months (Y = L / 12 years).

    Year j of the life weighs Y - (j - 1), spread evenly over its twelve months; a last part-year weighs
    Y - floor(Y) over its months. G(L) = floor(Y)*Y - floor(Y)*(floor(Y) - 1)/2 + (Y - floor(Y))^2, which is
    Y(Y + 1)/2 for a whole number of years. G is continuous and strictly increasing on [0, L].
    """
    years_total = life / 12
    whole_years = math.floor(months / 12)
    rest = months - 12 * whole_years
    return (
        whole_years * years_total
        - Fraction(whole_years * (whole_years - 1), 2)
        + rest / 12 * (years_total - whole_years)
    )


def _declining_rate(basis: Basis) -> Fraction:
    """The monthly declining rate q = F / L, capped at 100 %."""
    return min(Fraction(basis.declining_factor) / Fraction(basis.life_months), Fraction(1))


def _declining_start(basis: Basis) -> Fraction:
    return Fraction(basis.salvage) + Fraction(basis.depreciable_amount)


def _declining_carrying(basis: Basis, k: int) -> Fraction:
    """Carrying amount after k declining periods: C0 * (1 - q*f) * (1 - q)^(k - 1); C0 for k = 0.

    Only valid before the switch, where every period after the first is a full month.
    """
    start = _declining_start(basis)
    if k <= 0:
        return start
    rate = _declining_rate(basis)
    return start * (1 - rate * Fraction(basis.first_fraction)) * (1 - rate) ** (k - 1)


@functools.lru_cache(maxsize=4096)
def _declining_switch(basis: Basis) -> tuple[int, Fraction]:
    """(s, exact cum(s - 1)): s is the first period whose straight-line charge over the months left is at least
    the declining charge. A float scan finds the candidate quickly; exact rational checks at the boundary
    settle it, so the answer is the same as a period-by-period exact walk (see `_declining_switch_walk`)."""
    count = _time_period_count(basis)
    candidate = _declining_switch_float(basis, count)
    while candidate > 1 and _switches_at(basis, candidate - 1, count):
        candidate -= 1
    while not _switches_at(basis, candidate, count):
        candidate += 1
    start = _declining_start(basis)
    return candidate, min(Fraction(basis.depreciable_amount), start - _declining_carrying(basis, candidate - 1))


def _switches_at(basis: Basis, k: int, count: int) -> bool:
    """Exact test: does period k go over to straight line?"""
    if k >= count:
        return True
    carrying = _declining_carrying(basis, k - 1)
    months_left = Fraction(basis.life_months) - _elapsed(basis, k - 1)
    return carrying - Fraction(basis.salvage) >= _declining_rate(basis) * carrying * months_left


def _declining_switch_float(basis: Basis, count: int) -> int:
    """The switch period in floating point: a starting guess, at most a period or two off near a tie."""
    life = float(basis.life_months)
    first = float(basis.first_fraction)
    salvage = float(basis.salvage)
    rate = min(float(basis.declining_factor) / life, 1.0)
    carrying = float(basis.salvage + basis.depreciable_amount)
    for k in range(1, count + 1):
        elapsed = 0.0 if k == 1 else min(life, first + k - 2)
        if k == count or carrying - salvage >= rate * carrying * (life - elapsed):
            return k
        carrying *= 1 - rate * (first if k == 1 else 1.0)
    return count


def _declining_switch_walk(basis: Basis) -> tuple[int, Fraction]:
    """Reference: the switch found by walking every declining period in exact arithmetic (slow; for tests)."""
    count = _time_period_count(basis)
    life = Fraction(basis.life_months)
    salvage = Fraction(basis.salvage)
    amount = Fraction(basis.depreciable_amount)
    start = _declining_start(basis)
    rate = _declining_rate(basis)
    carrying = start
    for k in range(1, count + 1):
        months_left = life - _elapsed(basis, k - 1)
        if k == count or carrying - salvage >= rate * carrying * months_left:
            return k, min(amount, start - carrying)
        carrying *= 1 - rate * (_elapsed(basis, k) - _elapsed(basis, k - 1))
    raise AssertionError("unreachable: the last period always switches")


def _cumulative_units_exact(basis: Basis, units_used: Decimal) -> Fraction:
    if units_used < 0:
        raise ValueError(f"Units used cannot be negative ({units_used}).")
    assert basis.total_units is not None
    share = min(Fraction(units_used) / Fraction(basis.total_units), Fraction(1))
    return Fraction(basis.depreciable_amount) * share


# --- small helpers --------------------------------------------------------------------------------------


def _as_decimal(value: object, name: str) -> Decimal:
    if isinstance(value, float):
        raise TypeError(f"{name} must be a Decimal or int, never a float.")
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(f"{name} must be a Decimal or int, not {value!r}.")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{name} must be a finite number, not {value}.")
    return result


def _as_units(value: object) -> Decimal:
    units = _as_decimal(value, "units")
    if units < 0:
        raise ValueError(f"Units used in a period cannot be negative ({units}).")
    return units


def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-CURRENCY_MINOR_UNITS[currency])


def _floor_minor(value: Decimal, currency: str) -> Decimal:
    """Truncate a non-negative amount to the minor unit (used for depreciable amounts only)."""
    return value.quantize(_quantum(currency), rounding=ROUND_DOWN)


def _round_minor_fraction(value: Fraction, currency: str) -> Fraction:
    """R: round an exact rational to the minor unit, half away from zero (symmetric for negatives)."""
    scale = 10 ** CURRENCY_MINOR_UNITS[currency]
    units = math.floor(abs(value) * scale + Fraction(1, 2))
    return Fraction(units if value >= 0 else -units, scale)


def _round_minor(value: Fraction, currency: str) -> Decimal:
    """R as a Decimal with exactly the currency's decimal places."""
    places = CURRENCY_MINOR_UNITS[currency]
    rounded = _round_minor_fraction(value, currency) * 10**places
    assert rounded.denominator == 1
    units = rounded.numerator
    return Decimal((0 if units >= 0 else 1, tuple(int(d) for d in str(abs(units))), -places))


def _to_decimal(value: Fraction) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = DECIMAL_PRECISION
        return Decimal(value.numerator) / Decimal(value.denominator)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def rounded_cumulative(basis: Basis, k: int) -> Decimal:
    """R(cum(k)): the depreciation accumulated under this basis after k whole periods, in minor units."""
    if basis.method == DepreciationMethod.UNITS_OF_PRODUCTION:
        raise ValueError("Units of production depends on units used: use rounded_cumulative_units.")
    return _round_minor(_cumulative_exact(basis, k), basis.currency)


def rounded_cumulative_units(basis: Basis, units_used: Decimal) -> Decimal:
    """R(cum) for units of production after `units_used` units since the basis."""
    return _round_minor(_cumulative_units_exact(basis, _as_units(units_used)), basis.currency)


def month_index(day: date) -> int:
    """Months since year 0: the difference of two indexes is the number of months between two periods."""
    return day.year * 12 + day.month - 1


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after the month of `day`."""
    return _add_months(day.replace(day=1), months)


def period_end(period: date) -> date:
    """The last day of the month of `period`."""
    return period.replace(day=calendar.monthrange(period.year, period.month)[1])


def rounded_cumulative_partial(basis: Basis, k: int, fraction: Fraction | Decimal) -> Decimal:
    """R(cum) part-way through period k (fraction of it elapsed, in [0, 1]): a disposal mid-month."""
    part = Fraction(fraction)
    if not 0 <= part <= 1:
        raise ValueError(f"The part of the period must be between 0 and 1, not {fraction}.")
    before = _cumulative_exact(basis, k - 1)
    return _round_minor(before + part * (_cumulative_exact(basis, k) - before), basis.currency)
