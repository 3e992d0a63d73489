"""Money: an exact amount with an explicit ISO 4217 currency.

Amounts are stored as DecimalField(max_digits=20, decimal_places=4) beside a 3-letter currency code and
rounded to the currency's minor unit only when posted or displayed, always with ROUND_HALF_UP, which
rounds half away from zero and is therefore symmetric for negative amounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError

MONEY_MAX_DIGITS = 20
MONEY_DECIMAL_PLACES = 4
ROUNDING = ROUND_HALF_UP

# Active ISO 4217 codes and their minor units (exponent).
CURRENCY_MINOR_UNITS: dict[str, int] = {
    "AED": 2,
    "AFN": 2,
    "ALL": 2,
    "AMD": 2,
    "ANG": 2,
    "AOA": 2,
    "ARS": 2,
    "AUD": 2,
    "AWG": 2,
    "AZN": 2,
    "BAM": 2,
    "BBD": 2,
    "BDT": 2,
    "BGN": 2,
    "BHD": 3,
    "BIF": 0,
    "BMD": 2,
    "BND": 2,
    "BOB": 2,
    "BRL": 2,
    "BSD": 2,
    "BTN": 2,
    "BWP": 2,
    "BYN": 2,
    "BZD": 2,
    "CAD": 2,
    "CDF": 2,
    "CHF": 2,
    "CLP": 0,
    "CNY": 2,
    "COP": 2,
    "CRC": 2,
    "CUP": 2,
    "CVE": 2,
    "CZK": 2,
    "DJF": 0,
    "DKK": 2,
    "DOP": 2,
    "DZD": 2,
    "EGP": 2,
    "ERN": 2,
    "ETB": 2,
    "EUR": 2,
    "FJD": 2,
    "FKP": 2,
    "GBP": 2,
    "GEL": 2,
    "GHS": 2,
    "GIP": 2,
    "GMD": 2,
    "GNF": 0,
    "GTQ": 2,
    "GYD": 2,
    "HKD": 2,
    "HNL": 2,
    "HTG": 2,
    "HUF": 2,
    "IDR": 2,
    "ILS": 2,
    "INR": 2,
    "IQD": 3,
    "IRR": 2,
    "ISK": 0,
    "JMD": 2,
    "JOD": 3,
    "JPY": 0,
    "KES": 2,
    "KGS": 2,
    "KHR": 2,
    "KMF": 0,
    "KPW": 2,
    "KRW": 0,
    "KWD": 3,
    "KYD": 2,
    "KZT": 2,
    "LAK": 2,
    "LBP": 2,
    "LKR": 2,
    "LRD": 2,
    "LSL": 2,
    "LYD": 3,
    "MAD": 2,
    "MDL": 2,
    "MGA": 2,
    "MKD": 2,
    "MMK": 2,
    "MNT": 2,
    "MOP": 2,
    "MRU": 2,
    "MUR": 2,
    "MVR": 2,
    "MWK": 2,
    "MXN": 2,
    "MYR": 2,
    "MZN": 2,
    "NAD": 2,
    "NGN": 2,
    "NIO": 2,
    "NOK": 2,
    "NPR": 2,
    "NZD": 2,
    "OMR": 3,
    "PAB": 2,
    "PEN": 2,
    "PGK": 2,
    "PHP": 2,
    "PKR": 2,
    "PLN": 2,
    "PYG": 0,
    "QAR": 2,
    "RON": 2,
    "RSD": 2,
    "RUB": 2,
    "RWF": 0,
    "SAR": 2,
    "SBD": 2,
    "SCR": 2,
    "SDG": 2,
    "SEK": 2,
    "SGD": 2,
    "SHP": 2,
    "SLE": 2,
    "SOS": 2,
    "SRD": 2,
    "SSP": 2,
    "STN": 2,
    "SVC": 2,
    "SYP": 2,
    "SZL": 2,
    "THB": 2,
    "TJS": 2,
    "TMT": 2,
    "TND": 3,
    "TOP": 2,
    "TRY": 2,
    "TTD": 2,
    "TWD": 2,
    "TZS": 2,
    "UAH": 2,
    "UGX": 0,
    "USD": 2,
    "UYU": 2,
    "UZS": 2,
    "VES": 2,
    "VND": 0,
    "VUV": 0,
    "WST": 2,
    "XAF": 0,
    "XCD": 2,
    "XOF": 0,
    "XPF": 0,
    "YER": 2,
    "ZAR": 2,
    "ZMW": 2,
    "ZWG": 2,
}
CURRENCY_CHOICES = [(code, code) for code in sorted(CURRENCY_MINOR_UNITS)]


def validate_currency(code: str) -> None:
    """Refuse anything that is not an active ISO 4217 currency code."""
    if code not in CURRENCY_MINOR_UNITS:
        raise ValidationError(
            "%(code)s is not an ISO 4217 currency code (for example EUR, USD, GBP).",
            code="invalid_currency",
            params={"code": code},
        )


def parse_amount(value: object) -> Decimal:
    """Turn user input into an exact Decimal; refuse floats, NaN, infinities and excess precision."""
    if isinstance(value, float):
        raise ValidationError("Amounts must be given as text or Decimal, never as a float.", code="float_amount")
    try:
        amount = Decimal(str(value).strip().replace(",", "")) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ValidationError("%(value)s is not a number.", code="invalid_amount", params={"value": value}) from None
    if not amount.is_finite():
        raise ValidationError("Amounts must be finite numbers.", code="invalid_amount")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MONEY_DECIMAL_PLACES:
        raise ValidationError(
            "Amounts may have at most %(places)d decimal places.",
            code="too_precise",
            params={"places": MONEY_DECIMAL_PLACES},
        )
    return amount


def amount_error(amount: Decimal, currency: str) -> str | None:
    """Why `amount` cannot be stored as money in `currency`: finer than the currency's minor unit (EUR 42500.123,
    JPY 100000.5) or too large for the money columns. None when it is fine (or the currency is unknown, which
    `validate_currency` reports)."""
    limit = Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES)
    if not amount.is_finite() or abs(amount) >= limit:
        return f"Enter an amount below {limit:,}."
    places = CURRENCY_MINOR_UNITS.get(currency)
    if places is None:
        return None
    if amount != amount.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING):
        if places == 0:
            return f"{currency} amounts are whole numbers: no decimals."
        return f"{currency} amounts have at most {places} decimal places."
    return None


def validate_amount(amount: Decimal, currency: str) -> None:
    """Validator form of `amount_error`."""
    message = amount_error(amount, currency)
    if message:
        raise ValidationError(message, code="invalid_amount")


@dataclass(frozen=True, slots=True)
class Money:
    """An immutable amount in one currency. Adding two currencies is refused."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, float):
            raise TypeError("Money amounts are Decimal, never float")
        if not isinstance(self.amount, Decimal):
            object.__setattr__(self, "amount", Decimal(self.amount))
        validate_currency(self.currency)

    def _check(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError("Money can only be combined with Money")
        if other.currency != self.currency:
            raise ValueError(f"Cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, float):
            raise TypeError("Multiply Money by Decimal or int, never float")
        return Money(self.amount * factor, self.currency)

    @property
    def minor_units(self) -> int:
        return CURRENCY_MINOR_UNITS[self.currency]

    def rounded(self) -> Money:
        """Round to the currency's minor unit, half away from zero (symmetric for negatives)."""
        quantum = Decimal(1).scaleb(-self.minor_units)
        return Money(self.amount.quantize(quantum, rounding=ROUNDING), self.currency)

    def format(self) -> str:
        """Display form, e.g. `EUR 1,234.50`."""
        value = self.rounded().amount
        return f"{self.currency} {value:,.{self.minor_units}f}"

    def __str__(self) -> str:
        return self.format()
