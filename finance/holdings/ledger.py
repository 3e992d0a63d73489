"""The arithmetic of a portfolio's ledger: positions (average cost or FIFO lots), cash per currency, income.

Pure functions over entries in date order, no database: selectors feed them the effective transactions of a
portfolio (one query) and services feed them the ledger with a new entry in it, to refuse what would leave a
position short. Quantities and costs are signed (a short lot has a negative quantity and cost).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.money import Money

from .choices import CostBasisMethod, TransactionKind

ZERO = Decimal(0)


@dataclass
class Entry:
    """One effective ledger entry as the arithmetic sees it; `source` is the row or unsaved transaction."""

    kind: str
    trade_date: date
    instrument_id: int | None
    quantity: Decimal | None
    price: Decimal | None
    amount: Decimal | None
    fee: Decimal
    currency: str
    fx_rate: Decimal | None = None
    counter_currency: str = ""
    counter_amount: Decimal | None = None
    order: tuple[int, int] = (0, 0)
    source: Any = None

    @classmethod
    def of(cls, obj: Any, order: tuple[int, int]) -> Entry:
        return cls(
            kind=obj.kind,
            trade_date=obj.trade_date,
            instrument_id=obj.instrument_id,
            quantity=obj.quantity,
            price=obj.price,
            amount=obj.amount,
            fee=obj.fee or ZERO,
            currency=obj.currency,
            fx_rate=obj.fx_rate,
            counter_currency=obj.counter_currency or "",
            counter_amount=obj.counter_amount,
            order=order,
            source=obj,
        )


@dataclass
class Lot:
    quantity: Decimal
    cost: Decimal


def _sign(value: Decimal) -> int:
    return 1 if value > 0 else -1 if value < 0 else 0


@dataclass
class PositionState:
    """A holding of one instrument: quantity, cost basis (in the instrument's currency), gains and income."""

    instrument_id: int
    currency: str
    lots: list[Lot] = field(default_factory=list)
    realised: Decimal = ZERO
    income: Decimal = ZERO

    @property
    def quantity(self) -> Decimal:
        return sum((lot.quantity for lot in self.lots), ZERO)

    @property
    def cost(self) -> Decimal:
        return sum((lot.cost for lot in self.lots), ZERO)

    def trade(self, quantity: Decimal, value: Decimal | None, method: str) -> None:
        """Add `quantity` (negative to sell) for `value` (cash paid, negative when received). A trade against
        the position closes lots first (oldest first for FIFO; the one average lot otherwise) and realises the
        difference; `value=None` moves quantity out at cost (a transfer), realising nothing."""
        remaining_q = quantity
        remaining_v = value
        while remaining_q and self.lots and _sign(self.lots[0].quantity) != _sign(remaining_q):
            lot = self.lots[0]
            closed = min(abs(remaining_q), abs(lot.quantity))
            lot_cost = lot.cost * closed / abs(lot.quantity)
            if remaining_v is not None:
                trade_part = remaining_v * closed / abs(remaining_q)
                self.realised += -trade_part - lot_cost
                remaining_v -= trade_part
            lot.quantity += _sign(remaining_q) * closed
            lot.cost -= lot_cost
            remaining_q -= _sign(remaining_q) * closed
            if not lot.quantity:
                self.lots.pop(0)
        if remaining_q:
            self.lots.append(Lot(remaining_q, remaining_v if remaining_v is not None else ZERO))
        if method == CostBasisMethod.AVERAGE and len(self.lots) > 1:
            self.lots = [Lot(self.quantity, self.cost)]

    def split(self, ratio: Decimal) -> None:
        """A split multiplies every lot's quantity by the ratio; cost, and so value, do not change."""
        for lot in self.lots:
            lot.quantity *= ratio


@dataclass
class Shortfall:
    """An entry that took a position below zero (the portfolio does not allow short positions)."""

    entry: Entry
    held: Decimal


@dataclass
class LedgerState:
    """Everything derived from a ledger up to a date."""

    positions: dict[int, PositionState] = field(default_factory=dict)
    cash: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    income: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    fees: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    net_flows: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    shortfalls: list[Shortfall] = field(default_factory=list)
    unpriced_dividends: list[Entry] = field(default_factory=list)


def settled(entry: Entry, amount: Decimal, reporting_currency: str) -> tuple[str, Decimal]:
    """The currency and amount of cash an entry moves: its own, or reporting-currency cash at its FX rate,
    rounded to that currency's minor unit."""
    if entry.fx_rate is None:
        return entry.currency, amount
    return reporting_currency, Money(amount * entry.fx_rate, reporting_currency).rounded().amount


def walk(
    entries: list[Entry],
    *,
    method: str,
    reporting_currency: str,
    currencies: dict[int, str],
    declared_dividends: dict[int, Decimal | None] | None = None,
    allows_short: bool = True,
) -> LedgerState:
    """Apply entries in (date, order) order. A dividend without an amount takes the declared dividend per share
    times the quantity held, rounded to the currency's minor unit, and writes it back to its source."""
    state = LedgerState()
    declared = declared_dividends or {}
    for entry in sorted(entries, key=lambda e: (e.trade_date, e.order)):
        kind, fee = entry.kind, entry.fee
        position = None
        if entry.instrument_id is not None:
            position = state.positions.get(entry.instrument_id)
            if position is None:
                position = state.positions[entry.instrument_id] = PositionState(
                    entry.instrument_id, currencies[entry.instrument_id]
                )
        held = position.quantity if position is not None else ZERO
        if kind == TransactionKind.DIVIDEND and entry.amount is None:
            per_share = declared.get(entry.instrument_id or 0)
            if per_share is None or held <= 0:
                state.unpriced_dividends.append(entry)
                continue
            entry.amount = Money(per_share * held, entry.currency).rounded().amount
            if entry.source is not None:
                entry.source.amount = entry.amount
        amount = entry.amount or ZERO

        def move(delta: Decimal, entry: Entry = entry) -> None:
            currency, value = settled(entry, abs(delta), reporting_currency)
            state.cash[currency] += value if delta > 0 else -value

        if kind == TransactionKind.BUY and position is not None:
            position.trade(entry.quantity or ZERO, amount + fee, method)
            move(-(amount + fee))
        elif kind == TransactionKind.SELL and position is not None:
            position.trade(-(entry.quantity or ZERO), -(amount - fee), method)
            move(amount - fee)
        elif kind in (TransactionKind.DIVIDEND, TransactionKind.INTEREST):
            if position is not None:
                position.income += amount
            income_currency, income = settled(entry, amount, reporting_currency)
            state.income[income_currency] += income
            move(amount - fee)
        elif kind in (TransactionKind.FEE, TransactionKind.TAX):
            fee_currency, charged = settled(entry, amount + fee, reporting_currency)
            state.fees[fee_currency] += charged
            move(-(amount + fee))
        elif kind == TransactionKind.SPLIT and position is not None:
            position.split(entry.quantity or Decimal(1))
        elif kind == TransactionKind.EXCHANGE:
            state.cash[entry.currency] -= amount + fee
            state.cash[entry.counter_currency] += entry.counter_amount or ZERO
        elif kind in (TransactionKind.TRANSFER_IN, TransactionKind.DEPOSIT):
            if position is not None:
                position.trade(entry.quantity or ZERO, amount, method)
                state.cash[entry.currency] -= fee
            else:
                state.cash[entry.currency] += amount - fee
                state.net_flows[entry.currency] += amount
        elif kind in (TransactionKind.TRANSFER_OUT, TransactionKind.WITHDRAWAL):
            if position is not None:
                position.trade(-(entry.quantity or ZERO), None, method)
                state.cash[entry.currency] -= fee
            else:
                state.cash[entry.currency] -= amount + fee
                state.net_flows[entry.currency] -= amount
        if (
            position is not None
            and position.quantity < 0
            and kind
            in (
                TransactionKind.SELL,
                TransactionKind.TRANSFER_OUT,
            )
        ):
            if kind == TransactionKind.TRANSFER_OUT or not allows_short:
                state.shortfalls.append(Shortfall(entry, held))
    return state
