"""Every write of holdings: transactions and their corrections, prices, FX rates, and the CSV imports.

Each service takes an explicit `actor` and asks `permissions.HOLDINGS` (management commands act as
`ledgerline.policy.SYSTEM`), runs
in one database transaction, checks every input against its bound and writes append-only rows: nothing is
edited in place. Refusals are ValidationErrors keyed by field; nothing is written then.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ledgerline.money import CURRENCY_MINOR_UNITS, Money
from ledgerline.policy import user_or_none

from . import ledger, selectors
from .choices import NEEDS_INSTRUMENT, NO_INSTRUMENT, SETTLED_KINDS, TransactionKind
from .models import FxRate, Instrument, Portfolio, PricePoint, Transaction
from .permissions import HOLDINGS

MIN_DATE = date(1900, 1, 1)
MAX_AMOUNT = Decimal("1e15")  # below the 16 integer digits of a money column
MAX_QUANTITY = Decimal("1e15")
MAX_PRICE = Decimal("1e12")
MAX_RATE = Decimal("1e9")
MAX_SPLIT_RATIO = Decimal(1000)
MAX_SOURCE = 60
MAX_NOTE = 500
MAX_IMPORT_ROWS = 20_000
IMPORT_BATCH = 1000
KINDS = {k.value for k in TransactionKind}


# --------------------------------------------------------------------------------------------------
# Checking input
# --------------------------------------------------------------------------------------------------


class FieldErrors:
    """Collects field errors so that one refusal names every bad field."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def raise_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _decimal(
    errors: FieldErrors, name: str, value: Any, *, places: int, maximum: Decimal, positive: bool = True
) -> Decimal | None:
    """A bounded Decimal from user input; None for an empty value (the caller decides whether it is needed)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float):
        errors.add(name, "Give numbers as text or Decimal, never as a float.")
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.add(name, f"{value!s:.40} is not a number.")
        return None
    if not number.is_finite():
        errors.add(name, "Must be a finite number.")
        return None
    if positive and number <= 0:
        errors.add(name, "Must be greater than zero.")
        return None
    if not positive and number < 0:
        errors.add(name, "Must not be negative.")
        return None
    if abs(number) >= maximum:
        errors.add(name, f"Must be less than {maximum:,.0f}.")
        return None
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        errors.add(name, f"At most {places} decimal places.")
        return None
    return number


def _money_amount(errors: FieldErrors, name: str, value: Any, currency: str) -> Decimal | None:
    """A non-negative amount no finer than the currency's minor unit."""
    amount = _decimal(errors, name, value, places=4, maximum=MAX_AMOUNT, positive=False)
    if amount is None or currency not in CURRENCY_MINOR_UNITS:
        return amount
    minor = CURRENCY_MINOR_UNITS[currency]
    if amount != amount.quantize(Decimal(1).scaleb(-minor)):
        errors.add(name, f"{currency} amounts have at most {minor} decimal places; {amount} is finer.")
        return None
    return amount


def _currency(errors: FieldErrors, name: str, value: Any) -> str:
    code = str(value or "").strip().upper()
    if code not in CURRENCY_MINOR_UNITS:
        errors.add(name, f"{code or 'An empty value'} is not an ISO 4217 currency code (for example EUR, USD).")
        return ""
    return code


def _date(errors: FieldErrors, name: str, value: Any, *, today: date) -> date | None:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            errors.add(name, f"{value!s:.40} is not a date (YYYY-MM-DD).")
            return None
    if not isinstance(value, date):
        errors.add(name, "A date is required.")
        return None
    if value > today:
        errors.add(name, f"{value} is in the future.")
        return None
    if value < MIN_DATE:
        errors.add(name, f"Dates before {MIN_DATE} are not accepted.")
        return None
    return value


def _text(errors: FieldErrors, name: str, value: Any, limit: int, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        errors.add(name, f"At most {limit} characters.")
    if required and not text:
        errors.add(name, "This field is required.")
    return text


def _split_ratio(errors: FieldErrors, value: Any) -> Decimal | None:
    """A split's ratio, given as a decimal (2, 0.5, 1.5) or as new:old shares ("2:1", "1:2", "3:2").

    The ledger multiplies quantities by the stored decimal (8 places), so only a ratio that is exactly a fraction
    of whole numbers up to MAX_SPLIT_RATIO is accepted: 1:3 (0.333...) has no exact decimal and is refused rather
    than stored rounded, which would leave 300 shares as 99.999999."""
    text = value if isinstance(value, str) else None
    if text is not None and ":" in text:
        new, _, old = text.partition(":")
        if not (new.strip().isdecimal() and old.strip().isdecimal() and 0 < len(new.strip() + old.strip()) <= 8):
            errors.add("quantity", f"{text!s:.40} is not a split ratio like 2:1 (new shares : old shares).")
            return None
        exact = Fraction(int(new), int(old)) if int(old) else Fraction(0)
    else:
        ratio = _decimal(errors, "quantity", value, places=8, maximum=MAX_SPLIT_RATIO + 1)
        if ratio is None:
            if "quantity" not in errors.errors:
                errors.add("quantity", "A split needs its ratio (2 or 2:1 for 2-for-1, 0.5 or 1:2 for 1-for-2).")
            return None
        exact = Fraction(ratio)
    if exact == 1 or not (Fraction(1, int(MAX_SPLIT_RATIO)) <= exact <= MAX_SPLIT_RATIO):
        errors.add("quantity", f"A split ratio is not 1 and lies between 1/{MAX_SPLIT_RATIO} and {MAX_SPLIT_RATIO}.")
        return None
    if exact.numerator > MAX_SPLIT_RATIO or exact.denominator > MAX_SPLIT_RATIO:
        errors.add(
            "quantity",
            f"{value!s:.40} is not a ratio of whole numbers up to {MAX_SPLIT_RATIO} (like 3:2 or 0.75); "
            "a rounded ratio such as 0.33333333 for 1-for-3 would leave fractions of shares.",
        )
        return None
    stored = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("1e-8"))
    if Fraction(stored) != exact:
        errors.add(
            "quantity",
            f"A {exact.numerator}-for-{exact.denominator} split has no exact decimal ratio at 8 places "
            "and cannot be recorded.",
        )
        return None
    return stored


def _rounded(amount: Decimal, currency: str) -> Decimal:
    return Money(amount, currency).rounded().amount


# --------------------------------------------------------------------------------------------------
# Transactions
# --------------------------------------------------------------------------------------------------


class _FxCache:
    """Exact-date FX rates to the reporting currency, looked up once per (currency, date)."""

    def __init__(self) -> None:
        self.rates: dict[tuple[str, str, date], Decimal | None] = {}

    def rate(self, currency: str, reporting: str, on: date) -> Decimal | None:
        key = (currency, reporting, on)
        if key not in self.rates:
            found = selectors.fx_rate_on(currency, reporting, on, exact=True)
            self.rates[key] = found.rate.quantize(Decimal(1).scaleb(-10)) if found else None
        return self.rates[key]


def _prepare(
    *,
    portfolio: Portfolio,
    kind: Any,
    trade_date: Any,
    instrument: Instrument | None,
    quantity: Any = None,
    price: Any = None,
    amount: Any = None,
    currency: Any = "",
    fee: Any = None,
    counter_currency: Any = "",
    counter_amount: Any = None,
    note: Any = "",
    fx: _FxCache,
) -> Transaction:
    """Check one transaction's own fields and build it, unsaved. A dividend without an amount keeps None: the
    ledger walk fills it from the declared dividend per share and the quantity held."""
    errors = FieldErrors()
    today = timezone.localdate()
    kind = str(kind or "").strip().lower()
    if kind not in KINDS:
        errors.add("kind", f"{kind or 'An empty value'} is not a transaction type ({', '.join(sorted(KINDS))}).")
        errors.raise_any()
    day = _date(errors, "trade_date", trade_date, today=today)
    if kind in NEEDS_INSTRUMENT and instrument is None:
        errors.add("instrument", f"A {kind} needs an instrument.")
    if kind in NO_INSTRUMENT and instrument is not None:
        errors.add("instrument", f"A {kind} takes no instrument.")
    given_currency = str(currency or "").strip().upper()
    if instrument is not None and kind != TransactionKind.EXCHANGE:
        code = given_currency or instrument.currency
        if code != instrument.currency:
            errors.add("currency", f"{instrument} is traded in {instrument.currency}, not {code}.")
        code = instrument.currency
    else:
        code = _currency(errors, "currency", given_currency)
    note_text = _text(errors, "note", note, MAX_NOTE)
    fee_value = _money_amount(errors, "fee", fee, code) or Decimal(0)
    txn = Transaction(
        portfolio=portfolio, kind=kind, trade_date=day or today, instrument=instrument, currency=code, note=note_text
    )
    txn.fee = fee_value
    with_position = instrument is not None and kind in (
        TransactionKind.BUY,
        TransactionKind.SELL,
        TransactionKind.TRANSFER_IN,
        TransactionKind.TRANSFER_OUT,
    )
    if kind == TransactionKind.SPLIT:
        txn.quantity, txn.amount = _split_ratio(errors, quantity), Decimal(0)
    elif with_position:
        qty = _decimal(errors, "quantity", quantity, places=8, maximum=MAX_QUANTITY)
        if qty is None and "quantity" not in errors.errors:
            errors.add("quantity", f"A {kind} needs a quantity.")
        unit_price = _decimal(errors, "price", price, places=6, maximum=MAX_PRICE)
        needs_price = kind != TransactionKind.TRANSFER_OUT
        if unit_price is None and needs_price and "price" not in errors.errors:
            errors.add("price", f"A {kind} needs a price greater than zero.")
        value = _money_amount(errors, "amount", amount, code)
        if value is None and qty is not None and unit_price is not None:
            value = _rounded(qty * unit_price, code)
            if value >= MAX_AMOUNT:
                errors.add("amount", f"Quantity times price must be less than {MAX_AMOUNT:,.0f}.")
        txn.quantity, txn.price, txn.amount = qty, unit_price, value if value is not None else Decimal(0)
    elif kind == TransactionKind.EXCHANGE:
        bought = _currency(errors, "counter_currency", counter_currency)
        if bought and bought == code:
            errors.add("counter_currency", "An exchange is between two different currencies.")
        sold = _money_amount(errors, "amount", amount, code)
        if sold is None and "amount" not in errors.errors:
            errors.add("amount", "An exchange needs the amount sold.")
        rate = _decimal(errors, "price", price, places=6, maximum=MAX_RATE)
        received = _money_amount(errors, "counter_amount", counter_amount, bought) if bought else None
        if received is None and rate is None and not errors.errors:
            errors.add("price", "An exchange needs its rate or the amount bought.")
        if received is None and rate is not None and sold is not None and bought:
            received = _rounded(sold * rate, bought)
            if received >= MAX_AMOUNT:
                errors.add("counter_amount", f"The amount bought must be less than {MAX_AMOUNT:,.0f}.")
        txn.amount, txn.counter_currency, txn.counter_amount = sold or Decimal(0), bought, received
        txn.price = rate
    else:
        value = _money_amount(errors, "amount", amount, code)
        if value is None and "amount" not in errors.errors and kind != TransactionKind.DIVIDEND:
            errors.add("amount", f"A {kind} needs an amount.")
        if value is not None and value == 0:
            errors.add("amount", "Must be greater than zero.")
        txn.amount = value  # type: ignore[assignment]  # None: a dividend at the declared rate, filled by the walk
        if kind == TransactionKind.DIVIDEND and value is None and instrument is not None:
            if instrument.declared_dividend_per_share is None:
                errors.add("amount", f"No amount given and {instrument} has no declared dividend per share.")
    if (
        day is not None
        and code
        and portfolio.settle_in_reporting_currency
        and kind in SETTLED_KINDS
        and code != portfolio.reporting_currency
    ):
        rate = fx.rate(code, portfolio.reporting_currency, day)
        if rate is None:
            errors.add("currency", f"No {code}/{portfolio.reporting_currency} FX rate on {day} to settle it.")
        txn.fx_rate = rate
    errors.raise_any()
    return txn


def _check_ledger(portfolio: Portfolio, new: list[Transaction], *, replacing: int | None = None) -> ledger.LedgerState:
    """Walk the effective ledger with the new entries in it: a sale or transfer that would leave a position below
    zero, or a dividend with nothing to pay on, is refused (a ValidationError on the new entry that causes it,
    keyed by position in `new` for an import)."""
    entries = selectors.ledger_entries(portfolio, exclude_pk=replacing)
    entries += [ledger.Entry.of(t, (1, index)) for index, t in enumerate(new)]
    currencies, declared = selectors.instrument_facts({e.instrument_id for e in entries if e.instrument_id})
    state = ledger.walk(
        entries,
        method=portfolio.cost_basis_method,
        reporting_currency=portfolio.reporting_currency,
        currencies=currencies,
        declared_dividends=declared,
        allows_short=portfolio.allows_short,
    )
    return state


def _ledger_errors(state: ledger.LedgerState, new: list[Transaction]) -> dict[int, dict[str, list[str]]]:
    """Errors of a walk per index in `new` (a shortfall a new entry causes later is blamed on the first new
    entry dated on or before it)."""
    index_of = {id(t): i for i, t in enumerate(new)}
    found: dict[int, dict[str, list[str]]] = {}
    for shortfall in state.shortfalls:
        entry = shortfall.entry
        index = index_of.get(id(entry.source))
        if index is None:
            earlier = [i for i, t in enumerate(new) if t.trade_date <= entry.trade_date]
            index = earlier[0] if earlier else 0
            message = f"It would leave the position short on {entry.trade_date} (a later sale or transfer)."
        else:
            message = f"Selling or moving out {entry.quantity} but only {shortfall.held} held on {entry.trade_date}."
        found.setdefault(index, {}).setdefault("quantity", []).append(message)
    for entry in state.unpriced_dividends:
        index = index_of.get(id(entry.source), 0)
        found.setdefault(index, {}).setdefault("amount", []).append(
            f"No amount given and nothing held on {entry.trade_date} to pay a declared dividend on."
        )
    return found


def transaction_record(
    *,
    actor: Any,
    portfolio: Portfolio,
    kind: str,
    trade_date: date | str,
    instrument: Instrument | None = None,
    quantity: Any = None,
    price: Any = None,
    amount: Any = None,
    currency: str = "",
    fee: Any = None,
    counter_currency: str = "",
    counter_amount: Any = None,
    note: str = "",
    corrects: Transaction | None = None,
) -> Transaction:
    """Append one entry to a portfolio's ledger after checking it against the rules and the ledger itself."""
    HOLDINGS.require(actor, "record_transaction")
    with transaction.atomic():
        locked = Portfolio.objects.select_for_update().get(pk=portfolio.pk)
        txn = _prepare(
            portfolio=locked,
            kind=kind,
            trade_date=trade_date,
            instrument=instrument,
            quantity=quantity,
            price=price,
            amount=amount,
            currency=currency,
            fee=fee,
            counter_currency=counter_currency,
            counter_amount=counter_amount,
            note=note,
            fx=_FxCache(),
        )
        errors = _ledger_errors(_check_ledger(locked, [txn], replacing=corrects.pk if corrects else None), [txn])
        if errors:
            raise ValidationError(errors[0])
        txn.corrects = corrects
        txn.recorded_by = user_or_none(actor)
        txn.full_clean(exclude=["recorded_by"])
        txn.save()
    return txn


_PRICED_KINDS = frozenset(
    {TransactionKind.BUY, TransactionKind.SELL, TransactionKind.TRANSFER_IN, TransactionKind.TRANSFER_OUT}
)


def transaction_correct(*, actor: Any, transaction_id: int, **changes: Any) -> Transaction:
    """Replace an entry by a new one naming it: the new entry takes the old one's fields, changed as given.
    Only the entry in force can be corrected (a corrected entry's correction is corrected instead)."""
    HOLDINGS.require(actor, "record_transaction")
    allowed = {
        "kind",
        "trade_date",
        "instrument",
        "quantity",
        "price",
        "amount",
        "currency",
        "fee",
        "counter_currency",
        "counter_amount",
        "note",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: ["This field cannot be corrected."] for name in sorted(unknown)})
    with transaction.atomic():
        original = (
            Transaction.objects.select_for_update(of=("self",))
            .select_related("portfolio", "instrument")
            .get(pk=transaction_id)
        )
        if Transaction.objects.filter(corrects=original).exists():
            raise ValidationError({"corrects": ["This entry has been corrected already; correct its correction."]})
        values = {name: getattr(original, name) for name in allowed}
        # A changed quantity or price gives a new amount unless one is given (and a changed rate a new amount
        # bought), as when the entry was first recorded.
        if "amount" not in changes and {"quantity", "price"} & set(changes) and original.kind in _PRICED_KINDS:
            values["amount"] = None
        if (
            original.kind == TransactionKind.EXCHANGE
            and "counter_amount" not in changes
            and {"price", "amount"} & set(changes)
        ):
            values["counter_amount"] = None
        values.update(changes)
        return transaction_record(actor=actor, portfolio=original.portfolio, corrects=original, **values)


# --------------------------------------------------------------------------------------------------
# Prices and FX
# --------------------------------------------------------------------------------------------------


def _price_row(
    errors: FieldErrors, instrument: Instrument, price_date: Any, close: Any, currency: Any, source: Any
) -> PricePoint:
    day = _date(errors, "date", price_date, today=timezone.localdate())
    value = _decimal(errors, "close", close, places=6, maximum=MAX_PRICE)
    if value is None and "close" not in errors.errors:
        errors.add("close", "A close price is required.")
    code = str(currency or "").strip().upper() or instrument.currency
    if code != instrument.currency:
        errors.add("currency", f"{instrument} is priced in {instrument.currency}, not {code}.")
    text = _text(errors, "source", source, MAX_SOURCE, required=True)
    return PricePoint(
        instrument=instrument, price_date=day or MIN_DATE, close=value or 0, currency=instrument.currency, source=text
    )


def _fx_row(errors: FieldErrors, rate_date: Any, base: Any, quote: Any, rate: Any, source: Any) -> FxRate:
    day = _date(errors, "date", rate_date, today=timezone.localdate())
    base_code = _currency(errors, "base", base)
    quote_code = _currency(errors, "quote", quote)
    if base_code and base_code == quote_code:
        errors.add("quote", "A rate is between two different currencies.")
    value = _decimal(errors, "rate", rate, places=10, maximum=MAX_RATE)
    if value is None and "rate" not in errors.errors:
        errors.add("rate", "A rate is required.")
    text = _text(errors, "source", source, MAX_SOURCE, required=True)
    return FxRate(rate_date=day or MIN_DATE, base=base_code, quote=quote_code, rate=value or 0, source=text)


def _supersede_prices(rows: list[PricePoint], actor: Any) -> tuple[list[PricePoint], int]:
    """Link each new price to the current one of its day; drop those equal to it. Returns (to write, unchanged)."""
    current: dict[tuple[int, date], PricePoint] = {}
    keys = {(r.instrument_id, r.price_date) for r in rows}
    for start in range(0, len(rows), IMPORT_BATCH):
        chunk = rows[start : start + IMPORT_BATCH]
        condition = Q(pk__in=[])
        for row in chunk:
            condition |= Q(instrument_id=row.instrument_id, price_date=row.price_date)
        for found in selectors.current_prices().select_for_update(of=("self",)).filter(condition):
            if (found.instrument_id, found.price_date) in keys:
                current[(found.instrument_id, found.price_date)] = found
    to_write, unchanged = [], 0
    for row in rows:
        before = current.get((row.instrument_id, row.price_date))
        if before is not None and before.close == row.close:
            unchanged += 1
            continue
        row.supersedes = before
        row.recorded_by = user_or_none(actor)
        to_write.append(row)
    return to_write, unchanged


def _supersede_rates(rows: list[FxRate], actor: Any) -> tuple[list[FxRate], int]:
    current: dict[tuple[str, str, date], FxRate] = {}
    for start in range(0, len(rows), IMPORT_BATCH):
        chunk = rows[start : start + IMPORT_BATCH]
        condition = Q(pk__in=[])
        for row in chunk:
            condition |= Q(base=row.base, quote=row.quote, rate_date=row.rate_date)
        for found in selectors.current_rates().select_for_update(of=("self",)).filter(condition):
            current[(found.base, found.quote, found.rate_date)] = found
    to_write, unchanged = [], 0
    for row in rows:
        before = current.get((row.base, row.quote, row.rate_date))
        if before is not None and before.rate == row.rate:
            unchanged += 1
            continue
        row.supersedes = before
        row.recorded_by = user_or_none(actor)
        to_write.append(row)
    return to_write, unchanged


def price_record(
    *, actor: Any, instrument: Instrument, price_date: date | str, close: Any, source: str, currency: str = ""
) -> PricePoint:
    """Record a close; a different close for a day already priced supersedes it, the same close changes nothing."""
    HOLDINGS.require(actor, "record_prices")
    errors = FieldErrors()
    row = _price_row(errors, instrument, price_date, close, currency, source)
    errors.raise_any()
    with transaction.atomic():
        to_write, _ = _supersede_prices([row], actor)
        if not to_write:
            return selectors.current_prices().get(instrument=instrument, price_date=row.price_date)
        _save_first(row, "date", f"{instrument} on {row.price_date}")
    return row


def fx_record(*, actor: Any, rate_date: date | str, base: str, quote: str, rate: Any, source: str) -> FxRate:
    """Record a rate; a different rate for a pair and day already known supersedes it."""
    HOLDINGS.require(actor, "record_prices")
    errors = FieldErrors()
    row = _fx_row(errors, rate_date, base, quote, rate, source)
    errors.raise_any()
    with transaction.atomic():
        to_write, _ = _supersede_rates([row], actor)
        if not to_write:
            return selectors.current_rates().get(base=row.base, quote=row.quote, rate_date=row.rate_date)
        _save_first(row, "date", f"{row.base}/{row.quote} on {row.rate_date}")
    return row


def _save_first(row: PricePoint | FxRate, name: str, what: str) -> None:
    """Save a checked row. When it is the day's first and another writer recorded that day meanwhile (past the
    lock, which finds no row to lock), the unique constraint refuses it: a field error, not a 500."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise ValidationError(
            {name: [f"{what} was recorded by someone else meanwhile; nothing was written. Check it and try again."]}
        ) from None


# --------------------------------------------------------------------------------------------------
# CSV imports: all or nothing, with a dry run listing every bad row
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


@dataclass
class ImportReport:
    """What an import wrote or, on a dry run or with bad rows, would write."""

    dry_run: bool
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verb = "were" if self.written else "would be"
        text = f"{self.rows} rows: {self.created} {verb} recorded, {self.unchanged} unchanged"
        if self.errors:
            text += f"; {len(self.errors)} errors, nothing was written"
        return text


def _write_superseding(
    report: ImportReport, model: Any, superseded: tuple[list[Any], int], *, dry_run: bool
) -> ImportReport:
    """Finish a price or rate import whose rows are all good: count what is new or unchanged, and write unless it is
    a dry run. Called inside the import's transaction, after `_supersede_*` marked the rows they replace."""
    to_write, report.unchanged = superseded
    report.created = len(to_write)
    if not dry_run:
        _bulk_write(model, to_write)
        report.written = True
    return report


def _bulk_write(model: Any, rows: list[Any]) -> None:
    """Insert checked rows in batches; a row another writer added meanwhile refuses the whole import."""
    try:
        with transaction.atomic():
            model.objects.bulk_create(rows, batch_size=IMPORT_BATCH)
    except IntegrityError:
        raise ValidationError(
            "Another import wrote some of these rows meanwhile; nothing was written. Run it again."
        ) from None


def _row_errors(line: int, exc: ValidationError, renames: Mapping[str, str] | None = None) -> list[RowError]:
    renames = renames or {}
    if hasattr(exc, "error_dict"):
        return [
            RowError(line, renames.get(name, name), message)
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [RowError(line, "row", message) for message in exc.messages]


def _check_size(rows: list[tuple[int, Mapping[str, str]]]) -> None:
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationError(f"At most {MAX_IMPORT_ROWS:,} rows per file; this one has {len(rows):,}.")


def _instruments_named(names: Iterable[str]) -> dict[str, Instrument]:
    """Instruments by ticker or ISIN (upper case), one query per chunk."""
    wanted = sorted({n.strip().upper() for n in names if n and n.strip()})
    found: dict[str, Instrument] = {}
    for start in range(0, len(wanted), IMPORT_BATCH):
        chunk = wanted[start : start + IMPORT_BATCH]
        for instrument in Instrument.objects.filter(Q(ticker__in=chunk) | Q(isin__in=chunk)):
            for key in (instrument.ticker, instrument.isin):
                if key:
                    found[key.upper()] = instrument
    return found


def _unknown_instrument(name: str) -> str:
    return f"No instrument with ticker or ISIN {name!s:.40}." if name else "An instrument is required."


def prices_import(
    *, actor: Any, rows: Iterable[tuple[int, Mapping[str, str]]], dry_run: bool, source: str = "csv"
) -> ImportReport:
    """Import `date,instrument,close[,currency]` rows (line numbers from the file)."""
    HOLDINGS.require(actor, "import")
    rows = list(rows)
    _check_size(rows)
    report = ImportReport(dry_run=dry_run, rows=len(rows))
    instruments = _instruments_named(r.get("instrument", "") for _, r in rows)
    prepared: list[PricePoint] = []
    seen: dict[tuple[int, date], int] = {}
    for line, raw in rows:
        name = (raw.get("instrument") or "").strip().upper()
        instrument = instruments.get(name)
        if instrument is None:
            report.errors.append(RowError(line, "instrument", _unknown_instrument(name)))
            continue
        errors = FieldErrors()
        row = _price_row(errors, instrument, raw.get("date"), raw.get("close"), raw.get("currency"), source)
        if errors.errors:
            report.errors += _row_errors(line, ValidationError(errors.errors))
            continue
        key = (instrument.pk, row.price_date)
        if key in seen:
            report.errors.append(RowError(line, "date", f"{name} on {row.price_date} is on line {seen[key]} too."))
            continue
        seen[key] = line
        prepared.append(row)
    if report.errors:
        return report
    with transaction.atomic():
        return _write_superseding(report, PricePoint, _supersede_prices(prepared, actor), dry_run=dry_run)


def fx_import(
    *, actor: Any, rows: Iterable[tuple[int, Mapping[str, str]]], dry_run: bool, source: str = "csv"
) -> ImportReport:
    """Import `date,base,quote,rate` rows."""
    HOLDINGS.require(actor, "import")
    rows = list(rows)
    _check_size(rows)
    report = ImportReport(dry_run=dry_run, rows=len(rows))
    prepared: list[FxRate] = []
    seen: dict[tuple[str, str, date], int] = {}
    for line, raw in rows:
        errors = FieldErrors()
        row = _fx_row(errors, raw.get("date"), raw.get("base"), raw.get("quote"), raw.get("rate"), source)
        if errors.errors:
            report.errors += _row_errors(line, ValidationError(errors.errors))
            continue
        key = (row.base, row.quote, row.rate_date)
        if key in seen:
            report.errors.append(
                RowError(line, "date", f"{row.base}/{row.quote} on {row.rate_date} is on line {seen[key]} too.")
            )
            continue
        seen[key] = line
        prepared.append(row)
    if report.errors:
        return report
    with transaction.atomic():
        return _write_superseding(report, FxRate, _supersede_rates(prepared, actor), dry_run=dry_run)


# CSV columns named differently from the service's arguments.
_TRANSACTION_COLUMNS = {
    "trade_date": "date",
    "kind": "type",
    "counter_currency": "instrument",
    "counter_amount": "quantity",
}


def transactions_import(
    *, actor: Any, portfolio: Portfolio, rows: Iterable[tuple[int, Mapping[str, str]]], dry_run: bool
) -> ImportReport:
    """Import `date,type,instrument,quantity,price,amount[,currency,fee,note]` rows into a portfolio's ledger.

    Every row passes the same checks as `transaction_record`, and the ledger with all rows in it is walked once:
    a sale beyond what is held (unless short positions are allowed) is an error on its row. For an exchange,
    `instrument` is the currency bought, `price` the rate and `quantity` the amount bought (either may be empty).
    Whoever imports transactions must be allowed to record them one at a time too (the system is not).
    """
    HOLDINGS.require(actor, "import")
    HOLDINGS.require(actor, "record_transaction")
    rows = list(rows)
    _check_size(rows)
    report = ImportReport(dry_run=dry_run, rows=len(rows))
    instruments = _instruments_named(
        r.get("instrument", "") for _, r in rows if (r.get("type") or "").strip().lower() != TransactionKind.EXCHANGE
    )
    fx = _FxCache()
    prepared: list[Transaction] = []
    lines: list[int] = []
    with transaction.atomic():
        locked = Portfolio.objects.select_for_update().get(pk=portfolio.pk)
        for line, raw in rows:
            kind = (raw.get("type") or "").strip().lower()
            name = (raw.get("instrument") or "").strip().upper()
            exchange = kind == TransactionKind.EXCHANGE
            instrument = None
            if name and not exchange:
                instrument = instruments.get(name)
                if instrument is None:
                    report.errors.append(RowError(line, "instrument", _unknown_instrument(name)))
                    continue
            try:
                txn = _prepare(
                    portfolio=locked,
                    kind=kind,
                    trade_date=raw.get("date") or "",
                    instrument=instrument,
                    quantity=None if exchange else raw.get("quantity"),
                    price=raw.get("price"),
                    amount=raw.get("amount"),
                    currency=raw.get("currency") or (locked.reporting_currency if instrument is None else ""),
                    fee=raw.get("fee"),
                    counter_currency=name if exchange else "",
                    counter_amount=raw.get("quantity") if exchange else None,
                    note=raw.get("note") or "",
                    fx=fx,
                )
            except ValidationError as exc:
                report.errors += _row_errors(
                    line, exc, _TRANSACTION_COLUMNS if exchange else {"trade_date": "date", "kind": "type"}
                )
                continue
            prepared.append(txn)
            lines.append(line)
        # The ledger is walked with the good rows even when some are bad, so a dry run lists every bad row.
        if prepared:
            for index, fields in sorted(_ledger_errors(_check_ledger(locked, prepared), prepared).items()):
                for name, messages in fields.items():
                    report.errors += [RowError(lines[index], name, message) for message in messages]
        report.errors.sort(key=lambda e: e.line)
        if report.errors:
            return report
        report.created = len(prepared)
        if not dry_run:
            user = user_or_none(actor)
            for txn in prepared:
                txn.recorded_by = user
            Transaction.objects.bulk_create(prepared, batch_size=IMPORT_BATCH)
            report.written = True
    return report
