"""Enumerations of holdings: instrument kinds, asset classes, cost-basis methods, transaction kinds."""

from django.db import models


class InstrumentKind(models.TextChoices):
    EQUITY = "equity", "Equity"
    BOND = "bond", "Bond"
    FUND = "fund", "Fund / ETF"
    CASH = "cash", "Cash account"
    OTHER = "other", "Other"
    INDEX = "index", "Benchmark index"


class AssetClass(models.TextChoices):
    EQUITY = "equity", "Equities"
    FIXED_INCOME = "fixed_income", "Fixed income"
    CASH = "cash", "Cash"
    REAL_ESTATE = "real_estate", "Real estate"
    ALTERNATIVE = "alternative", "Alternatives"
    OTHER = "other", "Other"


class CostBasisMethod(models.TextChoices):
    AVERAGE = "average", "Average cost"
    FIFO = "fifo", "FIFO lots"


class CouponFrequency(models.IntegerChoices):
    ANNUAL = 1, "Annual"
    SEMI_ANNUAL = 2, "Semi-annual"
    QUARTERLY = 4, "Quarterly"
    MONTHLY = 12, "Monthly"


class TransactionKind(models.TextChoices):
    BUY = "buy", "Buy"
    SELL = "sell", "Sell"
    DIVIDEND = "dividend", "Dividend"
    INTEREST = "interest", "Interest"
    FEE = "fee", "Fee"
    TAX = "tax", "Tax"
    DEPOSIT = "deposit", "Deposit"
    WITHDRAWAL = "withdrawal", "Withdrawal"
    TRANSFER_IN = "transfer_in", "Transfer in"
    TRANSFER_OUT = "transfer_out", "Transfer out"
    EXCHANGE = "exchange", "Currency exchange"
    SPLIT = "split", "Split"


# Kinds that need an instrument, kinds that must not have one; the rest may name one (interest on a bond, a
# fee charged on a holding, a transfer of securities rather than cash).
NEEDS_INSTRUMENT = frozenset(
    {TransactionKind.BUY, TransactionKind.SELL, TransactionKind.DIVIDEND, TransactionKind.SPLIT}
)
NO_INSTRUMENT = frozenset({TransactionKind.DEPOSIT, TransactionKind.WITHDRAWAL, TransactionKind.EXCHANGE})
# Kinds whose cash is settled from reporting-currency cash when the portfolio settles in its reporting currency.
SETTLED_KINDS = frozenset(
    {
        TransactionKind.BUY,
        TransactionKind.SELL,
        TransactionKind.DIVIDEND,
        TransactionKind.INTEREST,
        TransactionKind.FEE,
        TransactionKind.TAX,
    }
)
