"""Properties every planned schedule keeps, for any amounts, lives, methods and first-period conventions."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from assetreg.choices import DepreciationMethod, FirstPeriodConvention
from finance.schedule import (
    basis_for,
    cumulative,
    cumulative_units,
    declining_switch,
    period_amount,
    replan,
    schedule,
)
from ledgerline.money import CURRENCY_MINOR_UNITS

TIME_BASED = [
    DepreciationMethod.STRAIGHT_LINE,
    DepreciationMethod.DECLINING_BALANCE,
    DepreciationMethod.SUM_OF_YEARS_DIGITS,
]
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


@st.composite
def assets(draw, methods=tuple(DepreciationMethod)):
    """Keyword arguments of basis_for: amounts with 2 decimals up to 10^9, a life of 1 to 600 months."""
    cost_cents = draw(st.integers(min_value=0, max_value=10**11))
    salvage_cents = draw(st.one_of(st.just(0), st.integers(min_value=0, max_value=cost_cents)))
    method = draw(st.sampled_from(methods))
    return dict(
        currency=draw(st.sampled_from(["EUR", "JPY", "KWD"])),
        method=method,
        in_service_date=draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))),
        cost=Decimal(cost_cents).scaleb(-2),
        salvage=Decimal(salvage_cents).scaleb(-2),
        life_months=draw(st.integers(min_value=1, max_value=600)),
        convention=draw(st.sampled_from(list(FirstPeriodConvention))),
        declining_factor=draw(st.sampled_from([Decimal(1), Decimal("1.5"), Decimal(2), Decimal("2.5"), Decimal(3)])),
        total_units=(
            Decimal(draw(st.integers(min_value=1, max_value=10**7))).scaleb(-1)
            if method == DepreciationMethod.UNITS_OF_PRODUCTION
            else None
        ),
    )


@st.composite
def readings(draw, total_units):
    """Units used per period, ending at or beyond the total (so the asset is fully depreciated)."""
    used = draw(st.lists(st.integers(min_value=0, max_value=int(total_units * 10)), min_size=0, max_size=40))
    units = [Decimal(u).scaleb(-1) for u in used]
    shortfall = total_units - sum(units, Decimal(0))
    if shortfall > 0:
        units.append(shortfall + Decimal(draw(st.integers(min_value=0, max_value=10))))
    return units


def assert_well_formed(basis, planned, cost, salvage):
    places = CURRENCY_MINOR_UNITS[basis.currency]
    total = basis.depreciable_amount
    assert sum((p.amount for p in planned), Decimal(0)) == total
    accumulated = Decimal(0)
    for k, period in enumerate(planned, start=1):
        assert period.index == k
        assert period.amount >= 0
        assert period.amount.as_tuple().exponent == -places
        accumulated += period.amount
        assert period.accumulated == accumulated
        assert accumulated <= total
        assert cost - accumulated >= salvage
        assert period.remaining == total - accumulated


@PROPERTY_SETTINGS
@given(asset=assets(), data=st.data())
def test_every_schedule_sums_exactly_and_never_crosses_salvage(asset, data):
    basis = basis_for(**asset)
    units = None
    if basis.method == DepreciationMethod.UNITS_OF_PRODUCTION:
        units = data.draw(readings(basis.total_units))

    planned = schedule(basis, units)

    if basis.method == DepreciationMethod.NONE:
        assert planned == []
        return
    assert_well_formed(basis, planned, asset["cost"], asset["salvage"])
    if basis.method != DepreciationMethod.UNITS_OF_PRODUCTION:
        partial_first_month = basis.first_fraction < 1
        assert len(planned) == asset["life_months"] + partial_first_month
    for k, period in enumerate(planned, start=1):
        assert period_amount(basis, k, units) == period.amount


@PROPERTY_SETTINGS
@given(asset=assets(methods=TIME_BASED))
def test_accumulated_is_the_rounded_closed_form_cumulative(asset):
    basis = basis_for(**asset)
    quantum = Decimal(1).scaleb(-CURRENCY_MINOR_UNITS[basis.currency])

    planned = schedule(basis)

    # Declining balance restarts from the rounded amount at the switch, so its exact cumulative may dip there
    # by less than half a minor unit; the rounded one never does.
    switch_period = declining_switch(basis)[0] if basis.method == DepreciationMethod.DECLINING_BALANCE else None
    previous = Decimal(0)
    for k, period in enumerate(planned, start=1):
        exact = cumulative(basis, k)
        assert 0 <= exact <= basis.depreciable_amount
        assert exact >= previous or (k == switch_period and previous - exact < quantum / 2)
        assert exact.quantize(quantum, rounding=ROUND_HALF_UP) == period.accumulated
        previous = exact
    assert cumulative(basis, len(planned)) == basis.depreciable_amount


def declining_by_month(basis):
    """An independent month-by-month declining balance: the rate on the carrying amount, a straight-line
    switch from the rounded accumulated amount when that charges more, never below salvage."""
    life, first = Fraction(basis.life_months), Fraction(basis.first_fraction)
    rate = min(Fraction(basis.declining_factor) / life, Fraction(1))
    salvage, total = Fraction(basis.salvage), Fraction(basis.depreciable_amount)
    scale = 10 ** CURRENCY_MINOR_UNITS[basis.currency]
    carrying, elapsed, accumulated, switch = salvage + total, Fraction(0), [], None
    while elapsed < life:
        length = min(first if not accumulated else Fraction(1), life - elapsed)
        if switch is None and (elapsed + length >= life or carrying - salvage >= rate * carrying * (life - elapsed)):
            done = min(total, salvage + total - carrying)
            switch = (Fraction(int(done * scale + Fraction(1, 2)), scale), elapsed)
        if switch is None:
            carrying *= 1 - rate * length
            cum = min(total, salvage + total - carrying)
        else:
            start, at = switch
            cum = start + (total - start) * (elapsed + length - at) / (life - at)
        elapsed += length
        accumulated.append(Decimal(int(cum * scale + Fraction(1, 2))).scaleb(-CURRENCY_MINOR_UNITS[basis.currency]))
    return accumulated


@PROPERTY_SETTINGS
@given(asset=assets(methods=(DepreciationMethod.DECLINING_BALANCE,)))
def test_declining_closed_form_matches_a_month_by_month_computation(asset):
    basis = basis_for(**asset)

    planned = schedule(basis)

    assert [p.accumulated for p in planned] == declining_by_month(basis)
    switch_period, at_switch = declining_switch(basis)
    assert 1 <= switch_period <= len(planned)
    assert at_switch == (planned[switch_period - 2].accumulated if switch_period > 1 else 0)


@PROPERTY_SETTINGS
@given(asset=assets(methods=(*TIME_BASED, DepreciationMethod.UNITS_OF_PRODUCTION)), data=st.data())
def test_a_replan_keeps_the_posted_periods_and_still_ends_exactly_at_salvage(asset, data):
    basis = basis_for(**asset)
    units = data.draw(readings(basis.total_units)) if basis.total_units is not None else None
    planned = schedule(basis, units)
    posted = data.draw(st.integers(min_value=0, max_value=len(planned) - 1)) if planned else 0
    posted_total = planned[posted - 1].accumulated if posted else Decimal(0)
    carrying = asset["salvage"] + basis.depreciable_amount - posted_total
    added = Decimal(data.draw(st.integers(min_value=0, max_value=10**8))).scaleb(-2)
    new_salvage = data.draw(st.sampled_from([None, Decimal(0), asset["salvage"]]))
    new_life = data.draw(st.one_of(st.none(), st.integers(min_value=1, max_value=600)))
    new_units = basis.total_units

    new_basis = replan(
        basis=basis,
        posted_periods=posted,
        carrying_amount=carrying,
        added_cost=added,
        new_salvage=new_salvage,
        new_life_remaining=new_life,
        new_total_units=new_units,
    )
    future = schedule(new_basis, [new_units] if new_units is not None else None)

    salvage = asset["salvage"] if new_salvage is None else new_salvage
    assert new_basis.start_period.month == (basis.start_period.month - 1 + posted) % 12 + 1
    assert_well_formed(new_basis, future, carrying + added, salvage)
    if new_salvage is None and new_life is None and basis.method == DepreciationMethod.STRAIGHT_LINE and not added:
        # Nothing changed: the rest of a straight-line plan is redrawn within a minor unit per period.
        quantum = Decimal(1).scaleb(-CURRENCY_MINOR_UNITS[basis.currency])
        for before, after in zip(planned[posted:], future, strict=True):
            assert abs(before.amount - after.amount) <= quantum


@PROPERTY_SETTINGS
@given(asset=assets(methods=(DepreciationMethod.UNITS_OF_PRODUCTION,)), data=st.data())
def test_units_of_production_accumulates_the_rounded_share_of_units_used(asset, data):
    basis = basis_for(**asset)
    units = data.draw(st.lists(st.integers(min_value=0, max_value=10**6), max_size=30))
    units = [Decimal(u).scaleb(-1) for u in units]

    planned = schedule(basis, units)

    used = Decimal(0)
    quantum = Decimal(1).scaleb(-CURRENCY_MINOR_UNITS[basis.currency])
    for period, period_units in zip(planned, units, strict=True):
        used += period_units
        assert period.accumulated == cumulative_units(basis, used).quantize(quantum, rounding=ROUND_HALF_UP)
        assert period.amount >= 0
        assert period.accumulated <= basis.depreciable_amount


@settings(max_examples=300, deadline=None)
@given(
    cost_cents=st.integers(min_value=1, max_value=10**11),
    salvage_share=st.integers(min_value=0, max_value=100),
    life=st.integers(min_value=1, max_value=600),
    factor=st.sampled_from([Decimal("1.25"), Decimal("1.5"), Decimal("2"), Decimal("3")]),
    day=st.integers(min_value=1, max_value=28),
)
def test_fast_declining_switch_agrees_with_the_exact_walk(cost_cents, salvage_share, life, factor, day):
    from finance.schedule import _declining_switch, _declining_switch_walk

    cost = Decimal(cost_cents) / 100
    salvage = (cost * salvage_share / 100).quantize(Decimal("0.01"))
    basis = basis_for(
        currency="EUR",
        method=DepreciationMethod.DECLINING_BALANCE,
        in_service_date=date(2024, 2, day),
        cost=cost,
        salvage=salvage,
        life_months=life,
        convention=FirstPeriodConvention.DAILY_PRO_RATA,
        declining_factor=factor,
    )
    assert _declining_switch(basis) == _declining_switch_walk(basis)
