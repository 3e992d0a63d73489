"""Tables of holdings.

- `Client` and `Portfolio` (a mandate: reporting currency, cost-basis method, fee rate, allocation targets).
- `Instrument`: what a portfolio can hold or be benchmarked against (identified by ISIN and/or ticker).
- `Transaction`: the append-only ledger of a portfolio; positions and cash are derived from it, never stored.
  A correction is a new entry naming the one it corrects; the corrected entry then no longer counts.
- `PricePoint` and `FxRate`: append-only daily closes and currency rates with their source; a correction is a
  new row that supersedes the current one for the same day.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from ledgerline.money import CURRENCY_CHOICES

from .choices import (
    NEEDS_INSTRUMENT,
    NO_INSTRUMENT,
    AssetClass,
    CostBasisMethod,
    CouponFrequency,
    InstrumentKind,
    TransactionKind,
)

QUANTITY_DIGITS, QUANTITY_PLACES = 28, 8
PRICE_DIGITS, PRICE_PLACES = 20, 6
RATE_DIGITS, RATE_PLACES = 20, 10
_PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


def _money_field(**kwargs):  # type: ignore[no-untyped-def]
    return models.DecimalField(max_digits=20, decimal_places=4, **kwargs)


class Client(models.Model):
    """Whose money a portfolio manages."""

    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Instrument(models.Model):
    """A security, fund, cash account or benchmark index, priced in one currency."""

    kind = models.CharField(max_length=10, choices=InstrumentKind.choices)
    name = models.CharField(max_length=200)
    isin = models.CharField(max_length=12, blank=True, help_text="12 characters, e.g. US0378331005.")
    ticker = models.CharField(max_length=20, blank=True)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    asset_class = models.CharField(max_length=20, choices=AssetClass.choices)
    sector = models.CharField(max_length=60, blank=True)
    region = models.CharField(max_length=60, blank=True)
    coupon_rate = models.DecimalField(
        max_digits=7, decimal_places=4, null=True, blank=True, validators=_PERCENT, help_text="Bonds: percent a year."
    )
    coupon_frequency = models.PositiveSmallIntegerField(choices=CouponFrequency.choices, null=True, blank=True)
    maturity_date = models.DateField(null=True, blank=True)
    face_value = _money_field(null=True, blank=True)
    declared_dividend_per_share = models.DecimalField(
        max_digits=PRICE_DIGITS,
        decimal_places=PRICE_PLACES,
        null=True,
        blank=True,
        help_text="Used by a dividend recorded without an amount.",
    )

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(isin="") | ~Q(ticker=""), name="instrument_isin_or_ticker"),
            models.UniqueConstraint(fields=["isin"], condition=~Q(isin=""), name="instrument_unique_isin"),
            models.UniqueConstraint(fields=["ticker"], condition=~Q(ticker=""), name="instrument_unique_ticker"),
            models.CheckConstraint(
                condition=Q(coupon_rate__isnull=True) | Q(coupon_rate__gte=0, coupon_rate__lte=100),
                name="instrument_coupon_rate_percent",
            ),
            models.CheckConstraint(
                condition=Q(face_value__isnull=True) | Q(face_value__gt=0), name="instrument_face_value_positive"
            ),
            models.CheckConstraint(
                condition=Q(declared_dividend_per_share__isnull=True) | Q(declared_dividend_per_share__gt=0),
                name="instrument_dividend_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticker or self.isin} {self.name}"

    def clean(self) -> None:
        """An ISIN is 12 letters and digits; coupon, frequency, maturity and face value belong to bonds."""
        errors: dict[str, str] = {}
        self.isin, self.ticker = self.isin.strip().upper(), self.ticker.strip().upper()
        if self.isin and not (len(self.isin) == 12 and self.isin.isalnum() and self.isin[:2].isalpha()):
            errors["isin"] = "An ISIN is 12 characters: a 2-letter country code, then letters and digits."
        if self.kind != InstrumentKind.BOND:
            for name in ("coupon_rate", "coupon_frequency", "maturity_date", "face_value"):
                if getattr(self, name) is not None:
                    errors[name] = "Only bonds have a coupon, frequency, maturity and face value."
        if errors:
            raise ValidationError(errors)


class Portfolio(models.Model):
    """A mandate managed for a client, valued in its reporting currency."""

    code = models.CharField(max_length=20, unique=True, help_text="Upper-case letters, digits and dashes.")
    name = models.CharField(max_length=200)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="portfolios")
    reporting_currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    benchmark = models.ForeignKey(Instrument, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cost_basis_method = models.CharField(
        max_length=10, choices=CostBasisMethod.choices, default=CostBasisMethod.AVERAGE
    )
    allows_short = models.BooleanField(default=False, help_text="May sell more than it holds.")
    settle_in_reporting_currency = models.BooleanField(
        default=False,
        help_text="Foreign trades and income move reporting-currency cash at that day's FX rate.",
    )
    management_fee_bps = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(10000)],
        help_text="Basis points a year (100 = 1%).",
    )
    shares_outstanding = models.DecimalField(
        max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, null=True, blank=True, help_text="Funds only."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(management_fee_bps__gte=0, management_fee_bps__lte=10000), name="portfolio_fee_bps_bound"
            ),
            models.CheckConstraint(
                condition=Q(shares_outstanding__isnull=True) | Q(shares_outstanding__gt=0),
                name="portfolio_shares_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        """Codes are upper-case letters, digits and dashes (they name the portfolio on the command line)."""
        self.code = self.code.strip().upper()
        if not self.code or not all(c.isalnum() or c == "-" for c in self.code) or not self.code.isascii():
            raise ValidationError({"code": "Use upper-case letters, digits and dashes."})


class AllocationTarget(models.Model):
    """A strategic weight for one asset class in a portfolio, with its tolerance band (both in percent)."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="targets")
    asset_class = models.CharField(max_length=20, choices=AssetClass.choices)
    target_percent = models.DecimalField(max_digits=5, decimal_places=2, validators=_PERCENT)
    tolerance_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0, validators=_PERCENT)

    class Meta:
        ordering = ["portfolio", "asset_class"]
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "asset_class"], name="target_one_per_class"),
            models.CheckConstraint(
                condition=Q(target_percent__gte=0, target_percent__lte=100), name="target_percent_bound"
            ),
            models.CheckConstraint(
                condition=Q(tolerance_percent__gte=0, tolerance_percent__lte=100), name="target_tolerance_bound"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.portfolio_id} {self.asset_class} {self.target_percent}% +/- {self.tolerance_percent}%"


class Transaction(models.Model):
    """One entry of a portfolio's ledger. Amounts are gross and never negative; the kind gives the direction.

    `amount` is in `currency` (the instrument's currency for trades and income). When the portfolio settles in
    its reporting currency, `fx_rate` is that day's rate (reporting currency per unit of `currency`) used to
    move its cash. A currency exchange sells `amount` of `currency` for `counter_amount` of `counter_currency`
    at `price` (units of counter currency per unit sold). A split's `quantity` is its ratio.
    """

    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(max_length=20, choices=TransactionKind.choices)
    trade_date = models.DateField()
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, null=True, blank=True, related_name="transactions"
    )
    quantity = models.DecimalField(max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, null=True, blank=True)
    price = models.DecimalField(max_digits=PRICE_DIGITS, decimal_places=PRICE_PLACES, null=True, blank=True)
    amount = _money_field(default=0)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    fee = _money_field(default=0)
    fx_rate = models.DecimalField(max_digits=RATE_DIGITS, decimal_places=RATE_PLACES, null=True, blank=True)
    counter_currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, blank=True)
    counter_amount = _money_field(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrected_by"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["trade_date", "pk"]
        indexes = [models.Index(fields=["portfolio", "trade_date"], name="transaction_portfolio_date")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="transaction_amount_not_negative"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="transaction_fee_not_negative"),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gt=0), name="transaction_quantity_positive"
            ),
            models.CheckConstraint(condition=Q(price__isnull=True) | Q(price__gt=0), name="transaction_price_positive"),
            models.CheckConstraint(
                condition=Q(fx_rate__isnull=True) | Q(fx_rate__gt=0), name="transaction_fx_rate_positive"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=sorted(NEEDS_INSTRUMENT)) | Q(instrument__isnull=False),
                name="transaction_needs_instrument",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=sorted(NO_INSTRUMENT)) | Q(instrument__isnull=True),
                name="transaction_no_instrument",
            ),
            models.CheckConstraint(
                condition=~Q(kind=TransactionKind.EXCHANGE)
                | (Q(counter_amount__isnull=False) & ~Q(counter_currency="") & ~Q(counter_currency=F("currency"))),
                name="transaction_exchange_has_counter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trade_date} {self.kind} {self.amount} {self.currency}"


class PricePoint(models.Model):
    """The close of an instrument on a day, from a source. A correction supersedes the current row."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="prices")
    price_date = models.DateField()
    close = models.DecimalField(max_digits=PRICE_DIGITS, decimal_places=PRICE_PLACES)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    source = models.CharField(max_length=60)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instrument", "price_date", "pk"]
        indexes = [models.Index(fields=["instrument", "price_date"], name="price_instrument_date")]
        constraints = [
            models.CheckConstraint(condition=Q(close__gt=0), name="price_close_positive"),
            # Only the first price of a day stands alone; every later one names the row it supersedes.
            models.UniqueConstraint(
                fields=["instrument", "price_date"], condition=Q(supersedes__isnull=True), name="price_one_original"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.price_date} {self.close} {self.currency}"


class FxRate(models.Model):
    """How many units of `quote` one unit of `base` buys on a day, from a source. Append-only like prices."""

    rate_date = models.DateField()
    base = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    quote = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    rate = models.DecimalField(max_digits=RATE_DIGITS, decimal_places=RATE_PLACES)
    source = models.CharField(max_length=60)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["base", "quote", "rate_date", "pk"]
        indexes = [models.Index(fields=["base", "quote", "rate_date"], name="fx_pair_date")]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gt=0), name="fx_rate_positive"),
            models.CheckConstraint(condition=~Q(base=F("quote")), name="fx_two_currencies"),
            models.UniqueConstraint(
                fields=["base", "quote", "rate_date"], condition=Q(supersedes__isnull=True), name="fx_one_original"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rate_date} {self.base}/{self.quote} {self.rate}"
