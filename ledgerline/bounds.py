"""The sane range of every kind of input, shared by the models, services, forms and API serializers.

Past a bound is a field error (a 400 with a field message in the API, a form error on a page), never a 500 or a
silent truncation. The figures are the register's: an asset bought before 1900 or a life beyond a century is a
typing mistake, and money must fit its column (`DecimalField(max_digits=20, decimal_places=4)`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError

from .money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
MAX_USEFUL_LIFE_MONTHS = 1200  # a century
MAX_TEXT_LENGTH = 10_000  # notes, addresses and other free text without a column limit
# The largest amount the money columns hold: 16 digits before the point, 4 after.
MAX_AMOUNT = Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES) - Decimal(1).scaleb(-MONEY_DECIMAL_PLACES)


def date_error(value: date | None) -> str | None:
    """The message for a date outside the sane range, or None when it is inside (or empty)."""
    if value is None or EARLIEST_DATE <= value <= LATEST_DATE:
        return None
    return f"Enter a date between {EARLIEST_DATE:%Y-%m-%d} and {LATEST_DATE:%Y-%m-%d}."


def validate_date_in_range(value: date | None) -> None:
    """Validator form of `date_error`."""
    message = date_error(value)
    if message:
        raise ValidationError(message, code="date_out_of_range")


def useful_life_error(months: int | None) -> str | None:
    """The message for a useful life outside 1 to MAX_USEFUL_LIFE_MONTHS months, or None."""
    if months is None or 1 <= months <= MAX_USEFUL_LIFE_MONTHS:
        return None
    return f"Enter a useful life between 1 and {MAX_USEFUL_LIFE_MONTHS} months."
