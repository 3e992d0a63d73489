"""Planned depreciation schedules: textbook figures, rounding, conventions, prospective changes."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from assetreg.choices import DepreciationMethod, FirstPeriodConvention
from finance.schedule import (
    Basis,
    basis_for,
    cumulative,
    cumulative_units,
    declining_switch,
    period_amount,
    period_count,
    replan,
    schedule,
)

SL = DepreciationMethod.STRAIGHT_LINE
DB = DepreciationMethod.DECLINING_BALANCE
SYD = DepreciationMethod.SUM_OF_YEARS_DIGITS
UOP = DepreciationMethod.UNITS_OF_PRODUCTION
FULL = FirstPeriodConvention.FULL_MONTH
DAILY = FirstPeriodConvention.DAILY_PRO_RATA


def textbook(method=SL, convention=FULL, in_service=date(2024, 1, 1), **overrides):
    """Cost 10,000, salvage 1,000, five years."""
    kwargs = dict(
        currency="EUR",
        method=method,
        in_service_date=in_service,
        cost=Decimal("10000.00"),
        salvage=Decimal("1000.00"),
        life_months=60,
        convention=convention,
    )
    kwargs.update(overrides)
    return basis_for(**kwargs)


def cents(value):
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def amounts(planned):
    return [p.amount for p in planned]


def yearly_totals(planned):
    return [sum(amounts(planned[i : i + 12]), Decimal(0)) for i in range(0, len(planned), 12)]


def test_straight_line_is_150_a_month_and_1800_a_year():
    planned = schedule(textbook())

    assert len(planned) == 60
    assert set(amounts(planned)) == {Decimal("150.00")}
    assert yearly_totals(planned) == [Decimal("1800.00")] * 5
    assert planned[0].period == date(2024, 1, 1)
    assert planned[-1].period == date(2028, 12, 1)
    assert planned[-1].accumulated == Decimal("9000.00")
    assert planned[-1].remaining == Decimal("0.00")


def test_sum_of_the_years_digits_gives_3000_2400_1800_1200_600():
    planned = schedule(textbook(SYD))

    assert yearly_totals(planned) == [Decimal(x) for x in ("3000.00", "2400.00", "1800.00", "1200.00", "600.00")]
    assert set(amounts(planned[:12])) == {Decimal("250.00")}
    assert set(amounts(planned[48:])) == {Decimal("50.00")}


def test_sum_of_the_years_digits_over_a_life_of_a_year_and_a_half():
    # Y = 1.5 years: year 1 weighs 1.5, the last half year 0.5 (over its six months); G(18) = 1.75.
    basis = basis_for(
        currency="EUR",
        method=SYD,
        in_service_date=date(2024, 1, 1),
        cost=Decimal("1750.00"),
        salvage=Decimal(0),
        life_months=18,
        convention=FULL,
    )
    planned = schedule(basis)

    assert set(amounts(planned[:12])) == {Decimal("125.00")}
    assert sum(amounts(planned[12:]), Decimal(0)) == Decimal("250.00")
    assert amounts(planned[12:]) == [Decimal(x) for x in ("41.67", "41.66", "41.67", "41.67", "41.66", "41.67")]


def double_declining_by_hand(cost, salvage, months):
    """Month by month: 2/months of the carrying amount until straight line over the months left is more."""
    carrying, rate, planned, on_straight_line = Fraction(cost), Fraction(2, months), [], False
    for month in range(months):
        left = months - month
        if not on_straight_line and (carrying - salvage) / left >= rate * carrying:
            on_straight_line, start, months_left = True, carrying, left
        charge = (start - salvage) / months_left if on_straight_line else rate * carrying
        planned.append(charge)
        carrying -= charge
    return planned


def test_double_declining_starts_at_a_thirtieth_of_the_carrying_amount():
    planned = schedule(textbook(DB))

    # cum(1) = 10,000 / 30 = 333.333..., cum(2) = 10,000 * (1 - (29/30)^2) = 655.555..., cum(3) = 967.037...
    assert amounts(planned[:3]) == [Decimal("333.33"), Decimal("322.23"), Decimal("311.48")]


def test_double_declining_switches_to_straight_line_and_ends_exactly_at_salvage():
    basis = textbook(DB)
    planned = schedule(basis)

    switch_period, at_switch = declining_switch(basis)
    # Start of month 44: 17 months left, carrying 2,327.56: (2,327.56 - 1,000) / 17 = 78.09 >= 2,327.56 / 30.
    assert (switch_period, at_switch) == (44, Decimal("7672.44"))
    assert planned[switch_period - 2].accumulated == at_switch
    assert set(amounts(planned[switch_period - 1 :])) <= {Decimal("78.09"), Decimal("78.10")}
    assert all(a > b for a, b in zip(amounts(planned[: switch_period - 1]), amounts(planned[1:]), strict=False))
    assert sum(amounts(planned), Decimal(0)) == Decimal("9000.00")
    assert planned[-1].remaining == Decimal("0.00")
    # The closed form agrees with a month-by-month computation to a cent, cumulatively.
    by_hand = double_declining_by_hand(10000, 1000, 60)
    for k, period in enumerate(planned, start=1):
        assert abs(Fraction(period.accumulated) - sum(by_hand[:k])) <= Fraction(1, 100)


def test_declining_balance_charges_are_rounded_from_the_exact_value():
    # 10,000.05 / 30 = 333.335 exactly: half a cent rounds up, which a truncated 1/30 would miss.
    basis = textbook(DB, cost=Decimal("10000.05"), salvage=Decimal(0))
    assert period_amount(basis, 1) == Decimal("333.34")


def test_daily_pro_rata_takes_the_unused_half_month_at_the_end():
    # In service on 16 June 2024 (June has 30 days): 15 of 30 days in the first month.
    basis = textbook(SL, DAILY, in_service=date(2024, 6, 16))
    planned = schedule(basis)

    assert basis.first_fraction == Decimal("0.5")
    assert period_count(basis) == 61
    assert planned[0].period == date(2024, 6, 1)
    assert planned[0].amount == Decimal("75.00")
    assert set(amounts(planned[1:60])) == {Decimal("150.00")}
    assert planned[-1].period == date(2029, 6, 1)
    assert planned[-1].amount == Decimal("75.00")
    assert sum(amounts(planned), Decimal(0)) == Decimal("9000.00")


@pytest.mark.parametrize("method", [SL, SYD, DB])
def test_daily_pro_rata_first_month_is_its_share_of_a_full_month(method):
    full = textbook(method)
    partial = textbook(method, DAILY, in_service=date(2024, 6, 16))

    assert period_amount(partial, 1) == cents(cumulative(full, 1) / 2)
    assert sum(amounts(schedule(partial)), Decimal(0)) == Decimal("9000.00")


def test_in_service_on_the_first_is_a_full_month_either_way():
    basis = textbook(SL, DAILY, in_service=date(2024, 2, 1))

    assert basis.first_fraction == 1
    assert period_count(basis) == 60


def test_awkward_amounts_sum_exactly_and_differ_by_at_most_a_cent():
    basis = basis_for(
        currency="EUR",
        method=SL,
        in_service_date=date(2024, 3, 5),
        cost=Decimal("1000.00"),
        salvage=Decimal(0),
        life_months=7,
        convention=FULL,
    )
    planned = amounts(schedule(basis))

    assert planned == [Decimal(x) for x in ("142.86", "142.85", "142.86", "142.86", "142.86", "142.85", "142.86")]
    assert sum(planned, Decimal(0)) == Decimal("1000.00")
    assert max(planned) - min(planned) <= Decimal("0.01")


def test_half_a_minor_unit_rounds_up():
    basis = basis_for(
        currency="EUR",
        method=SL,
        in_service_date=date(2024, 1, 1),
        cost=Decimal("0.05"),
        salvage=Decimal(0),
        life_months=2,
        convention=FULL,
    )

    assert amounts(schedule(basis)) == [Decimal("0.03"), Decimal("0.02")]


def test_yen_has_no_decimals():
    basis = basis_for(
        currency="JPY",
        method=SL,
        in_service_date=date(2024, 1, 1),
        cost=Decimal(1000000),
        salvage=Decimal(0),
        life_months=7,
        convention=FULL,
    )
    planned = amounts(schedule(basis))

    assert planned == [Decimal(x) for x in ("142857", "142857", "142857", "142858", "142857", "142857", "142857")]
    assert all(a.as_tuple().exponent == 0 for a in planned)
    assert sum(planned, Decimal(0)) == Decimal(1000000)


def test_yen_depreciable_amount_is_truncated_so_salvage_is_never_crossed():
    basis = basis_for(
        currency="JPY",
        method=SL,
        in_service_date=date(2024, 1, 1),
        cost=Decimal("1000.75"),
        salvage=Decimal("0.25"),
        life_months=3,
        convention=FULL,
    )

    assert basis.depreciable_amount == Decimal(1000)
    assert amounts(schedule(basis)) == [Decimal(333), Decimal(334), Decimal(333)]


def test_kuwaiti_dinar_has_three_decimals():
    basis = basis_for(
        currency="KWD",
        method=SL,
        in_service_date=date(2024, 1, 1),
        cost=Decimal("1000.000"),
        salvage=Decimal(0),
        life_months=7,
        convention=FULL,
    )
    planned = amounts(schedule(basis))

    assert planned[:4] == [Decimal(x) for x in ("142.857", "142.857", "142.857", "142.858")]
    assert all(a.as_tuple().exponent == -3 for a in planned)
    assert sum(planned, Decimal(0)) == Decimal("1000.000")


def test_cumulative_is_exact_and_accrues_evenly_within_a_period():
    basis = textbook(SYD)

    assert cumulative(basis, 0) == 0
    assert cumulative(basis, 12) == Decimal(3000)
    assert cumulative(basis, Decimal("1.5")) == Decimal(375)
    assert cumulative(basis, 60) == cumulative(basis, 61) == Decimal(9000)
    assert period_amount(basis, 61) == 0


def test_shorter_life_after_twelve_posted_months_spreads_the_rest_over_the_new_remaining_life():
    basis = textbook()
    posted = schedule(basis)[:12]
    carrying = Decimal("10000.00") - posted[-1].accumulated

    new_basis = replan(basis=basis, posted_periods=12, carrying_amount=carrying, new_life_remaining=36)
    future = schedule(new_basis)

    assert new_basis.start_period == date(2025, 1, 1)
    assert new_basis.depreciable_amount == Decimal("7200.00")
    assert len(future) == 36
    assert set(amounts(future)) == {Decimal("200.00")}
    assert future[0].period == date(2025, 1, 1)
    assert future[-1].period == date(2027, 12, 1)
    assert sum(amounts(posted + future), Decimal(0)) == Decimal("9000.00")


def test_capital_improvement_is_spread_over_the_remaining_life():
    basis = textbook()

    new_basis = replan(
        basis=basis, posted_periods=12, carrying_amount=Decimal("8200.00"), added_cost=Decimal("2400.00")
    )
    future = schedule(new_basis)

    assert new_basis.depreciable_amount == Decimal("9600.00")
    assert new_basis.life_months == 48
    assert set(amounts(future)) == {Decimal("200.00")}
    assert future[-1].period == date(2028, 12, 1)


def test_new_salvage_changes_what_is_left_to_depreciate():
    new_basis = replan(
        basis=textbook(), posted_periods=12, carrying_amount=Decimal("8200.00"), new_salvage=Decimal("2200.00")
    )

    assert new_basis.depreciable_amount == Decimal("6000.00")
    assert set(amounts(schedule(new_basis))) == {Decimal("125.00")}


def test_replan_without_changes_keeps_a_pro_rata_straight_line_plan():
    basis = textbook(SL, DAILY, in_service=date(2024, 6, 16))
    planned = schedule(basis)

    new_basis = replan(basis=basis, posted_periods=12, carrying_amount=Decimal("10000.00") - planned[11].accumulated)

    assert new_basis.life_months == Decimal("48.5")
    assert amounts(schedule(new_basis)) == amounts(planned[12:])


def test_replan_after_posting_starts_the_declining_balance_afresh_over_the_remaining_life():
    basis = textbook(DB)
    posted = schedule(basis)[:12]

    new_basis = replan(basis=basis, posted_periods=12, carrying_amount=Decimal("10000.00") - posted[-1].accumulated)
    future = schedule(new_basis)

    # The rate becomes 2 / 48 of the carrying amount.
    assert future[0].amount == cents((Decimal("10000.00") - posted[-1].accumulated) / 24)
    assert sum(amounts(posted + future), Decimal(0)) == Decimal("9000.00")


def test_replan_refuses_a_salvage_above_the_carrying_amount():
    with pytest.raises(ValueError, match="cannot be above the carrying amount"):
        replan(basis=textbook(), posted_periods=12, carrying_amount=Decimal("8200.00"), new_salvage=Decimal("8200.01"))


def test_replan_needs_a_new_life_once_the_life_is_used_up():
    with pytest.raises(ValueError, match="life is used up"):
        replan(basis=textbook(), posted_periods=60, carrying_amount=Decimal("1000.00"))

    extended = replan(
        basis=textbook(),
        posted_periods=60,
        carrying_amount=Decimal("1000.00"),
        new_salvage=Decimal(0),
        new_life_remaining=10,
    )
    assert set(amounts(schedule(extended))) == {Decimal("100.00")}


def test_units_of_production_follows_the_readings():
    basis = basis_for(
        currency="EUR",
        method=UOP,
        in_service_date=date(2024, 1, 10),
        cost=Decimal("50000.00"),
        salvage=Decimal("5000.00"),
        life_months=60,
        convention=FULL,
        total_units=Decimal(100000),
    )
    used = [Decimal(x) for x in ("10000", "25000", "0", "40000", "30000", "5000")]
    planned = schedule(basis, used)

    assert amounts(planned) == [Decimal(x) for x in ("4500.00", "11250.00", "0.00", "18000.00", "11250.00", "0.00")]
    assert planned[-1].accumulated == Decimal("45000.00")
    assert cumulative_units(basis, Decimal(35000)) == Decimal(15750)
    assert cumulative_units(basis, Decimal(250000)) == Decimal(45000)
    assert period_amount(basis, 4, used) == Decimal("18000.00")


def test_units_of_production_rounds_each_period_from_the_cumulative_reading():
    basis = basis_for(
        currency="EUR",
        method=UOP,
        in_service_date=date(2024, 1, 1),
        cost=Decimal("100.00"),
        salvage=Decimal(0),
        life_months=12,
        convention=FULL,
        total_units=Decimal(3),
    )

    assert amounts(schedule(basis, [Decimal(1)] * 3)) == [Decimal("33.33"), Decimal("33.34"), Decimal("33.33")]


def test_units_of_production_replan_uses_the_units_still_expected():
    basis = basis_for(
        currency="EUR",
        method=UOP,
        in_service_date=date(2024, 1, 1),
        cost=Decimal("50000.00"),
        salvage=Decimal("5000.00"),
        life_months=60,
        convention=FULL,
        total_units=Decimal(100000),
    )

    new_basis = replan(
        basis=basis, posted_periods=2, carrying_amount=Decimal("34250.00"), new_total_units=Decimal(50000)
    )

    assert new_basis.depreciable_amount == Decimal("29250.00")
    assert amounts(schedule(new_basis, [Decimal(25000)] * 2)) == [Decimal("14625.00")] * 2


def test_no_depreciation_has_no_periods():
    basis = textbook(DepreciationMethod.NONE)

    assert schedule(basis) == []
    assert cumulative(basis, 12) == 0
    assert period_amount(basis, 1) == 0


def test_declining_rate_is_capped_at_the_whole_carrying_amount():
    # Double declining over two months is a 100 % monthly rate: all of it in the first month.
    basis = textbook(DB, life_months=2)

    assert amounts(schedule(basis)) == [Decimal("9000.00"), Decimal("0.00")]


def valid_basis(**overrides):
    kwargs = dict(
        currency="EUR",
        method=SL,
        start_period=date(2024, 1, 1),
        depreciable_amount=Decimal("9000.00"),
        life_months=Decimal(60),
    )
    kwargs.update(overrides)
    return Basis(**kwargs)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"depreciable_amount": Decimal("-1.00")}, "cannot be negative"),
        ({"depreciable_amount": Decimal("1.005")}, "whole number of EUR minor units"),
        ({"life_months": Decimal(0)}, "more than zero months"),
        ({"first_fraction": Decimal(0)}, r"must be in \(0, 1\]"),
        ({"first_fraction": Decimal("1.1")}, r"must be in \(0, 1\]"),
        ({"method": DB, "declining_factor": Decimal(0)}, "factor must be more than zero"),
        ({"salvage": Decimal(-1)}, "salvage value cannot be negative"),
        ({"start_period": date(2024, 1, 2)}, "first day of a month"),
        ({"currency": "EURO"}, "not an ISO 4217 currency code"),
        ({"method": "reducing"}, "not a depreciation method"),
        ({"method": UOP}, "needs the total units"),
        ({"method": UOP, "total_units": Decimal(0)}, "total units must be more than zero"),
    ],
)
def test_basis_refuses_what_cannot_be_depreciated(overrides, message):
    with pytest.raises(ValueError, match=message):
        valid_basis(**overrides)


def test_basis_refuses_floats():
    with pytest.raises(TypeError, match="never a float"):
        valid_basis(depreciable_amount=9000.0)


def test_basis_for_refuses_a_salvage_above_cost_and_a_life_of_zero():
    with pytest.raises(ValueError, match="cannot be above the cost"):
        textbook(salvage=Decimal("10000.01"))
    with pytest.raises(ValueError, match="at least 1"):
        textbook(life_months=0)


def test_units_are_refused_for_time_based_methods_and_required_for_production():
    with pytest.raises(ValueError, match="only used by units of production"):
        schedule(textbook(), [Decimal(1)])
    basis = textbook(UOP, total_units=Decimal(10))
    with pytest.raises(ValueError, match="needs the units used"):
        schedule(basis)
    with pytest.raises(ValueError, match="use cumulative_units"):
        cumulative(basis, 1)
