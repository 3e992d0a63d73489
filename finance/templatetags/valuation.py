"""Template filters for the valuation pages: money amounts, run totals and durations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from ledgerline.money import Money

register = template.Library()


def _as_money(value: Any, currency: str | None) -> Money | None:
    if isinstance(value, Money):
        return value
    if value is None or value == "" or not currency:
        return None
    return Money(Decimal(str(value)), currency)


@register.filter
def money(value: Any, currency: str | None = None) -> str:
    """`EUR 1,234.50` from a Money, or from an amount and a currency code."""
    amount = _as_money(value, currency)
    return amount.format() if amount is not None else "—"


@register.filter
def amount(value: Any, currency: str | None = None) -> str:
    """`1,234.50`: the amount alone, rounded to the currency's minor unit (the currency is in the heading)."""
    parsed = _as_money(value, currency)
    if parsed is None:
        return "—"
    rounded = parsed.rounded()
    return f"{rounded.amount:,.{rounded.minor_units}f}"


@register.filter
def signed(value: Any, currency: str | None = None) -> str:
    """`+960.00` or `-150.00`: a change of value with its sign; `0.00` without one."""
    parsed = _as_money(value, currency)
    if parsed is None:
        return "—"
    text = amount(parsed)
    return f"+{text}" if parsed.rounded().amount > 0 else text


@register.filter
def run_totals(totals: dict[str, str] | None) -> list[Money]:
    """A run's depreciation totals (stored as text per currency code) as Money, by currency."""
    return [Money(Decimal(value), code) for code, value in sorted((totals or {}).items())]


@register.filter
def duration(seconds: float | None) -> str:
    """`45 s`, `3 min 05 s` or `1 h 02 min`; a dash when the run has not finished."""
    if seconds is None:
        return "—"
    whole = int(round(seconds))
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
