"""Every read of holdings that is more than a `get()`: positions, cash, prices and FX on a date, market value.

Positions and cash are derived from the effective ledger (transactions no correction has replaced) with one
query per portfolio; prices for all of a portfolio's instruments come in one query. A missing price or rate
carries the last known one forward and is flagged `stale`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from ledgerline.money import Money

from . import ledger
from .choices import TransactionKind
from .models import FxRate, Instrument, Portfolio, PricePoint, Transaction
from .permissions import HOLDINGS

ZERO = Decimal(0)


# --------------------------------------------------------------------------------------------------
# What an actor may see
# --------------------------------------------------------------------------------------------------


def portfolios_visible_to(actor: Any) -> QuerySet[Portfolio]:
    """Every portfolio for finance staff, auditors and the system; none for anyone else."""
    rows = Portfolio.objects.select_related("client").order_by("code")
    return rows if HOLDINGS.can(actor, "view_holdings") else rows.none()


# --------------------------------------------------------------------------------------------------
# Ledger
# --------------------------------------------------------------------------------------------------


def effective_transactions(portfolio: Portfolio, on: date | None = None) -> QuerySet[Transaction]:
    """The entries that count: every transaction no correction has replaced, up to `on` if given."""
    rows = Transaction.objects.filter(portfolio=portfolio, corrected_by__isnull=True)
    if on is not None:
        rows = rows.filter(trade_date__lte=on)
    return rows.order_by("trade_date", "pk")


def ledger_entries(portfolio: Portfolio, on: date | None = None, exclude_pk: int | None = None) -> list[ledger.Entry]:
    rows = effective_transactions(portfolio, on)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return [ledger.Entry.of(row, (0, row.pk)) for row in rows]


def instrument_facts(instrument_ids: set[int]) -> tuple[dict[int, str], dict[int, Decimal | None]]:
    """Currency and declared dividend per share of each instrument (one query)."""
    rows = Instrument.objects.filter(pk__in=instrument_ids).values_list("pk", "currency", "declared_dividend_per_share")
    return {pk: currency for pk, currency, _ in rows}, {pk: dps for pk, _, dps in rows}


def ledger_state(portfolio: Portfolio, on: date | None = None) -> ledger.LedgerState:
    """Positions, cash, income and fees of a portfolio as of a date."""
    entries = ledger_entries(portfolio, on)
    currencies, declared = instrument_facts({e.instrument_id for e in entries if e.instrument_id is not None})
    return ledger.walk(
        entries,
        method=portfolio.cost_basis_method,
        reporting_currency=portfolio.reporting_currency,
        currencies=currencies,
        declared_dividends=declared,
    )


def cash_balances(portfolio: Portfolio, on: date) -> dict[str, Money]:
    """Cash held per currency on a date (deposits, withdrawals, trades, income, fees and exchanges)."""
    state = ledger_state(portfolio, on)
    return {currency: Money(amount, currency).rounded() for currency, amount in sorted(state.cash.items()) if amount}


# --------------------------------------------------------------------------------------------------
# Prices and FX
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceOnDate:
    close: Decimal
    currency: str
    price_date: date
    stale: bool


def current_prices() -> QuerySet[PricePoint]:
    """Price rows no correction has superseded."""
    return PricePoint.objects.filter(superseded_by__isnull=True)


def prices_on(instrument_ids: set[int], on: date) -> dict[int, PriceOnDate]:
    """The close of each instrument on a date, or the last one before it (then `stale`); two queries.

    A close carried forward across a split is divided by the ratio of every split after its date and on or before
    `on` (as `price_history` adjusts), so quantity held x close keeps the value the split did not change."""
    latest = current_prices().filter(instrument=OuterRef("pk"), price_date__lte=on).order_by("-price_date")
    rows = (
        Instrument.objects.filter(pk__in=instrument_ids)
        .annotate(
            last_date=Subquery(latest.values("price_date")[:1]),
            last_close=Subquery(latest.values("close")[:1]),
            last_currency=Subquery(latest.values("currency")[:1]),
        )
        .values_list("pk", "last_date", "last_close", "last_currency")
    )
    found = {pk: (day, Decimal(close), currency) for pk, day, close, currency in rows if day is not None}
    factors = _split_factors({pk: day for pk, (day, _, _) in found.items() if day < on}, on)
    return {
        pk: PriceOnDate(close / factors.get(pk, 1), currency, day, day < on)
        for pk, (day, close, currency) in found.items()
    }


def _split_factors(since: dict[int, date], on: date) -> dict[int, Decimal]:
    """Per instrument, the product of the ratios of its splits dated after `since[pk]` and on or before `on`
    (each date once, as `split_ratios` counts them); one query. Instruments without such a split are left out."""
    if not since:
        return {}
    rows = (
        Transaction.objects.filter(
            instrument_id__in=since,
            kind=TransactionKind.SPLIT,
            corrected_by__isnull=True,
            trade_date__gt=min(since.values()),
            trade_date__lte=on,
        )
        .values_list("instrument_id", "trade_date", "quantity")
        .order_by("instrument_id", "trade_date", "pk")
    )
    ratios: dict[tuple[int, date], Decimal] = {}
    for pk, day, ratio in rows:
        if ratio is not None and day > since[pk]:
            ratios.setdefault((pk, day), ratio)
    factors: dict[int, Decimal] = {}
    for (pk, _), ratio in ratios.items():
        factors[pk] = factors.get(pk, Decimal(1)) * ratio
    return factors


def price_on(instrument: Instrument, on: date) -> PriceOnDate | None:
    return prices_on({instrument.pk}, on).get(instrument.pk)


def split_ratios(instrument: Instrument) -> list[tuple[date, Decimal]]:
    """The splits of an instrument as recorded in any portfolio (each date once)."""
    rows = (
        Transaction.objects.filter(instrument=instrument, kind=TransactionKind.SPLIT, corrected_by__isnull=True)
        .values_list("trade_date", "quantity")
        .distinct()
        .order_by("trade_date")
    )
    seen: dict[date, Decimal] = {}
    for day, ratio in rows:
        if ratio is not None:
            seen.setdefault(day, ratio)
    return sorted(seen.items())


def price_history(
    instrument: Instrument, start: date, end: date, *, adjusted: bool = True
) -> list[tuple[date, Decimal]]:
    """Daily closes between two dates; `adjusted` divides closes before each split by its ratio, so the
    per-share history is comparable across a split."""
    rows = list(
        current_prices()
        .filter(instrument=instrument, price_date__gte=start, price_date__lte=end)
        .order_by("price_date")
        .values_list("price_date", "close")
    )
    if not adjusted:
        return rows
    splits = split_ratios(instrument)
    history = []
    for day, close in rows:
        factor = Decimal(1)
        for split_day, ratio in splits:
            if day < split_day:
                factor *= ratio
        history.append((day, close / factor))
    return history


@dataclass(frozen=True)
class RateOnDate:
    """`rate` converts one unit of `base` into `quote` (already inverted when only the other pair is known)."""

    base: str
    quote: str
    rate: Decimal
    rate_date: date
    stale: bool
    inverse: bool


def current_rates() -> QuerySet[FxRate]:
    return FxRate.objects.filter(superseded_by__isnull=True)


def _pair(base: str, quote: str) -> Q:
    return Q(base=base, quote=quote) | Q(base=quote, quote=base)


def fx_rate_on(base: str, quote: str, on: date, *, exact: bool = False) -> RateOnDate | None:
    """The rate from `base` to `quote` on a date: the direct pair or the inverse of the other, whichever is the
    more recent (direct on a tie); the last known before the date when none is on it (`stale`), unless
    `exact`."""
    if base == quote:
        return RateOnDate(base, quote, Decimal(1), on, False, False)
    rows = current_rates().filter(_pair(base, quote))
    rows = rows.filter(rate_date=on) if exact else rows.filter(rate_date__lte=on)
    candidates = list(rows.order_by("-rate_date").values_list("base", "rate", "rate_date")[:2])
    if not candidates:
        return None
    latest_day = candidates[0][2]
    same_day = [c for c in candidates if c[2] == latest_day]
    row_base, rate, day = next((c for c in same_day if c[0] == base), same_day[0])
    inverse = row_base != base
    return RateOnDate(base, quote, (Decimal(1) / rate) if inverse else rate, day, day < on, inverse)


def convert(money: Money, to: str, on: date) -> tuple[Money, RateOnDate] | None:
    """`money` in another currency on a date (unrounded), with the rate used; None without any rate."""
    rate = fx_rate_on(money.currency, to, on)
    if rate is None:
        return None
    return Money(money.amount * rate.rate, to), rate


# --------------------------------------------------------------------------------------------------
# Positions and market value
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    """A holding on a date. Money is in the instrument's currency, rounded to its minor unit."""

    instrument: Instrument
    quantity: Decimal
    cost_basis: Money
    average_cost: Decimal | None
    realised_gain: Money
    income: Money
    price: PriceOnDate | None
    market_value: Money | None
    unrealised_gain: Money | None


def positions(portfolio: Portfolio, on: date, *, include_closed: bool = False) -> list[Position]:
    """The portfolio's positions on a date, derived from its ledger, valued at that day's (or the last) price."""
    state = ledger_state(portfolio, on)
    ids = set(state.positions)
    instruments = Instrument.objects.in_bulk(ids)
    prices = prices_on(ids, on)
    result = []
    for pk, held in state.positions.items():
        quantity, cost = held.quantity, held.cost
        if not quantity and not include_closed:
            continue
        currency = held.currency
        price = prices.get(pk)
        value = Money(quantity * price.close, currency).rounded() if price is not None else None
        result.append(
            Position(
                instrument=instruments[pk],
                quantity=quantity,
                cost_basis=Money(cost, currency).rounded(),
                average_cost=(cost / quantity) if quantity else None,
                realised_gain=Money(held.realised, currency).rounded(),
                income=Money(held.income, currency).rounded(),
                price=price,
                market_value=value,
                unrealised_gain=(value - Money(cost, currency).rounded()) if value is not None else None,
            )
        )
    return sorted(result, key=lambda p: (p.instrument.name, p.instrument.pk))


@dataclass
class PortfolioValue:
    """Market value of a portfolio on a date in its reporting currency. `missing` names what could not be
    valued (no price, or no FX rate) and is left out of the total; `stale` names what used an older figure."""

    on: date
    currency: str
    holdings: Money
    cash: Money
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    @property
    def total(self) -> Money:
        return self.holdings + self.cash

    @property
    def complete(self) -> bool:
        return not self.missing


def portfolio_value(portfolio: Portfolio, on: date) -> PortfolioValue:
    """Holdings at market value plus cash, converted to the reporting currency on the date."""
    reporting = portfolio.reporting_currency
    state = ledger_state(portfolio, on)
    held = {pk: p for pk, p in state.positions.items() if p.quantity}
    prices = prices_on(set(held), on)
    names = dict(Instrument.objects.filter(pk__in=held).values_list("pk", "ticker"))
    by_currency: dict[str, Decimal] = {}
    result = PortfolioValue(on, reporting, Money(ZERO, reporting), Money(ZERO, reporting))
    for pk, position in held.items():
        price = prices.get(pk)
        label = names.get(pk) or f"instrument {pk}"
        if price is None:
            result.missing.append(f"{label}: no price on or before {on}")
            continue
        if price.stale:
            result.stale.append(f"{label}: last price {price.price_date}")
        by_currency[position.currency] = by_currency.get(position.currency, ZERO) + position.quantity * price.close
    holdings, cash = Money(ZERO, reporting), Money(ZERO, reporting)
    for bucket, amounts in (("holdings", by_currency), ("cash", state.cash)):
        for currency, amount in sorted(amounts.items()):
            if not amount:
                continue
            converted = convert(Money(amount, currency), reporting, on)
            if converted is None:
                result.missing.append(f"{currency}: no FX rate to {reporting} on or before {on}")
                continue
            money, rate = converted
            note = f"{currency}/{reporting}: last rate {rate.rate_date}"
            if rate.stale and note not in result.stale:
                result.stale.append(note)
            if bucket == "holdings":
                holdings += money
            else:
                cash += money
    result.holdings, result.cash = holdings.rounded(), cash.rounded()
    return result
