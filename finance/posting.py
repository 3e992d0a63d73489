"""Posting depreciation: every unposted period up to a month, for a set of assets, in one pass.

Two executors compute the same thing:
- `post_range_sql` (PostgreSQL): one INSERT ... SELECT over a range of asset ids. Each period's amount comes in
  closed form from the plan row (finance.schedule's formulas written in SQL numeric arithmetic), so no row is
  read into Python. ON CONFLICT on the (asset, period) unique index makes it idempotent.
- `post_plans_python` (any database, used on SQLite and for single assets): the same periods computed with
  finance.schedule, written with one bulk insert that ignores conflicts.
Both post, for each asset, the periods after its last posted one through the target month (catch-up
included), never past the end of the schedule and never for a disposed or not-yet-in-service asset.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q

from assetreg.choices import DepreciationMethod, FirstPeriodConvention
from assetreg.models import Asset, Category, MeterReading
from ledgerline.money import CURRENCY_MINOR_UNITS

from . import plans as plan_math
from . import schedule, selectors
from .choices import EntryKind
from .models import DepreciationPlan, RunFailure, ValueEntry

BULK_BATCH = 5000
ANALYZE_AFTER_PLANS = 10_000


def uses_sql_executor() -> bool:
    """The set-based SQL executor needs PostgreSQL's numeric arithmetic and generate_series."""
    return connection.vendor == "postgresql"


def post_plans_python(
    plans: list[DepreciationPlan], through: date, *, run_id: int | None = None, actor_id: int | None = None
) -> int:
    """Post every unposted period through `through` for these plans; returns the entries written."""
    if not plans:
        return 0
    ids = [p.asset_id for p in plans]
    last = selectors.last_posted_periods(ids)
    uop_ids = [p.asset_id for p in plans if p.method == DepreciationMethod.UNITS_OF_PRODUCTION]
    readings = selectors.readings_for(uop_ids) if uop_ids else {}
    entries: list[ValueEntry] = []
    for plan in plans:
        for period, amount, carrying in plan_math.planned_entries(
            plan, through, last.get(plan.asset_id), readings.get(plan.asset_id)
        ):
            entries.append(
                ValueEntry(
                    asset_id=plan.asset_id,
                    period=period,
                    entry_date=schedule.period_end(period),
                    kind=EntryKind.DEPRECIATION,
                    amount=amount,
                    carrying_after=carrying,
                    profit_or_loss=amount,
                    currency=plan.currency,
                    run_id=run_id,
                    actor_id=actor_id,
                )
            )
    before = ValueEntry.objects.filter(asset_id__in=ids, kind=EntryKind.DEPRECIATION).count()
    ValueEntry.objects.bulk_create(entries, batch_size=BULK_BATCH, ignore_conflicts=True)
    return ValueEntry.objects.filter(asset_id__in=ids, kind=EntryKind.DEPRECIATION).count() - before


# --------------------------------------------------------------------------------------------------
# Names in the SQL: every table, column and enumeration value comes from the models and choices, so that a
# rename changes the statements with it (or fails when they are built), never leaves them matching nothing.
# --------------------------------------------------------------------------------------------------

_SIMPLE_LITERAL = re.compile(r"[A-Za-z0-9_ .-]*")


def sql_literal(value: str) -> str:
    """A code constant (an enumeration value) as an SQL string literal; only plain words are accepted."""
    text = str(value)
    if not _SIMPLE_LITERAL.fullmatch(text):
        raise ValueError(f"{text!r} is not a plain constant")
    return f"'{text}'"


def sql_list(values: Iterable[str]) -> str:
    """Several code constants as a comma-separated list of SQL literals, e.g. for `IN (...)`."""
    return ", ".join(sql_literal(value) for value in values)


class Table:
    """A model's table in SQL text: `{asset}` is its table, `{asset.status}` the column of a field (a foreign key
    gives its `_id` column). An unknown field fails when the statement is built (FieldDoesNotExist)."""

    def __init__(self, model: type[models.Model]) -> None:
        self._meta = model._meta

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        field = self._meta.get_field(name)
        if not isinstance(field, models.Field) or not field.column:
            raise AttributeError(f"{self._meta.label}.{name} has no column")
        return field.column

    def __str__(self) -> str:
        return self._meta.db_table


def _one_depreciation_per_period() -> models.UniqueConstraint:
    """The unique index a depreciation entry per asset and month lives in; ON CONFLICT names its columns and
    repeats its condition, which must therefore stay `kind = depreciation`."""
    unique = next(
        c
        for c in ValueEntry._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.name == "one_depreciation_per_asset_period"
    )
    if unique.condition != Q(kind=EntryKind.DEPRECIATION):
        raise ImproperlyConfigured(f"{unique.name} changed its condition; change ON CONFLICT in finance.posting too.")
    return unique


def sql_names() -> dict[str, Any]:
    """What the statements below are formatted with: tables (with their columns) and enumeration values."""
    entry = Table(ValueEntry)
    unique = _one_depreciation_per_period()
    conflict_columns = ", ".join(getattr(entry, field) for field in unique.fields)
    return {
        "plan": Table(DepreciationPlan),
        "entry": entry,
        "failure": Table(RunFailure),
        "asset": Table(Asset),
        "category": Table(Category),
        "reading": Table(MeterReading),
        "depreciation": sql_literal(EntryKind.DEPRECIATION),
        "valued_statuses": sql_list(plan_math.VALUED_STATUSES),
        "straight_line": sql_literal(DepreciationMethod.STRAIGHT_LINE),
        "declining_balance": sql_literal(DepreciationMethod.DECLINING_BALANCE),
        "years_digits": sql_literal(DepreciationMethod.SUM_OF_YEARS_DIGITS),
        "units": sql_literal(DepreciationMethod.UNITS_OF_PRODUCTION),
        "not_depreciated": sql_literal(DepreciationMethod.NONE),
        "daily_pro_rata": sql_literal(FirstPeriodConvention.DAILY_PRO_RATA),
        "on_conflict": f"ON CONFLICT ({conflict_columns}) WHERE {entry.kind} = {sql_literal(EntryKind.DEPRECIATION)}"
        " DO NOTHING",
    }


# The closed forms of finance.schedule in PostgreSQL numeric arithmetic. {k} is substituted by the column or
# expression of the period index. Every branch must agree with finance.schedule (checked by the tests).
_ELAPSED = "(CASE WHEN ({k}) <= 0 THEN 0::numeric ELSE LEAST(b.l, b.f + ({k}) - 1) END)"
_YEARS_DIGITS = (
    "(FLOOR(({m}) / 12) * (b.l / 12) - FLOOR(({m}) / 12) * (FLOOR(({m}) / 12) - 1) / 2"
    " + ((({m}) - 12 * FLOOR(({m}) / 12)) / 12) * ((b.l / 12) - FLOOR(({m}) / 12)))"
)
_DECLINING_RATE = "LEAST(b.fac / b.l, 1::numeric)"


def _cumulative_sql(k: str, n: dict[str, Any]) -> str:
    elapsed = _ELAPSED.format(k=k)
    elapsed_switch = _ELAPSED.format(k="b.sw - 1")
    q = _DECLINING_RATE
    declining_before = f"LEAST(b.d, (b.s + b.d) - (b.s + b.d) * (1 - {q} * b.f) * POWER(1 - {q}, ({k}) - 1))"
    declining_after = f"(b.sa + (b.d - b.sa) * ({elapsed} - {elapsed_switch}) / NULLIF(b.l - {elapsed_switch}, 0))"
    return f"""(CASE
        WHEN ({k}) <= 0 THEN 0::numeric
        WHEN ({k}) >= b.pc THEN b.d
        WHEN b.method = {n["straight_line"]} THEN b.d * {elapsed} / b.l
        WHEN b.method = {n["years_digits"]} THEN
            b.d * {_YEARS_DIGITS.format(m=elapsed)} / {_YEARS_DIGITS.format(m="b.l")}
        WHEN b.method = {n["declining_balance"]} AND ({k}) < b.sw THEN {declining_before}
        WHEN b.method = {n["declining_balance"]} THEN COALESCE({declining_after}, b.d)
    END)"""


def _units_sql(k: str, n: dict[str, Any]) -> str:
    r = n["reading"]
    return f"""(CASE WHEN ({k}) <= 0 THEN 0::numeric ELSE b.d * LEAST(1::numeric, GREATEST(0::numeric,
        COALESCE((SELECT MAX(r.{r.value}) FROM {r} r WHERE r.{r.asset} = b.asset_id
                  AND r.{r.reading_date} <= (b.start_period + make_interval(months => ({k}))
                                             - interval '1 day')::date), b.u0) - b.u0) / b.tu) END)"""


def _cumulative_any_method_sql(k: str, n: dict[str, Any]) -> str:
    return f"(CASE WHEN b.method = {n['units']} THEN {_units_sql(k, n)} ELSE {_cumulative_sql(k, n)} END)"


POST_SQL = """
WITH base AS (
    SELECT p.{plan.asset} AS asset_id, p.{plan.currency} AS currency, p.{plan.minor_units}::int AS mu,
           p.{plan.method} AS method, p.{plan.start_period} AS start_period,
           p.{plan.depreciable_amount} AS d, p.{plan.salvage} AS s, p.{plan.life_months} AS l,
           p.{plan.first_fraction} AS f, p.{plan.declining_factor} AS fac, p.{plan.total_units} AS tu,
           p.{plan.units_at_basis} AS u0, p.{plan.switch_period} AS sw, p.{plan.switch_amount} AS sa,
           p.{plan.period_count} AS pc,
           %(target)s::int - (EXTRACT(YEAR FROM p.{plan.start_period})::int * 12
                              + EXTRACT(MONTH FROM p.{plan.start_period})::int - 1) + 1 AS k_target,
           prev.{entry.carrying_after} AS carrying_prev
      FROM {plan} p
      JOIN {asset} a ON a.{asset.id} = p.{plan.asset}
      -- The steady state: last month's entry, read for the whole chunk in one range scan of the
      -- (period, asset) index rather than one look-up per asset.
      LEFT JOIN {entry} prev
             ON prev.{entry.asset} = p.{plan.asset} AND prev.{entry.kind} = {depreciation}
            AND prev.{entry.period} = %(previous)s::date AND prev.{entry.period} >= p.{plan.start_period}
            AND prev.{entry.asset} BETWEEN %(lo)s::bigint AND %(hi)s::bigint
      -- Already posted through this month (a rerun): nothing to do, found the same way.
      LEFT JOIN {entry} done
             ON done.{entry.asset} = p.{plan.asset} AND done.{entry.kind} = {depreciation}
            AND done.{entry.period} = %(through)s::date
            AND done.{entry.asset} BETWEEN %(lo)s::bigint AND %(hi)s::bigint
     WHERE p.{plan.asset} BETWEEN %(lo)s::bigint AND %(hi)s::bigint
       AND done.{entry.id} IS NULL
       AND a.{asset.status} IN ({valued_statuses})
       AND p.{plan.method} <> {not_depreciated}
       AND p.{plan.start_period} <= %(through)s::date
), b AS (
    SELECT base.*,
           CASE WHEN base.carrying_prev IS NOT NULL THEN base.k_target - 1
                WHEN base.k_target = 1 THEN 0
                -- Not posted last month: a first run or a gap. Find the last month posted under this plan
                -- (depreciation entries are dated in their month, so the latest by date is the latest month).
                ELSE (SELECT EXTRACT(YEAR FROM e.{entry.period})::int * 12
                             + EXTRACT(MONTH FROM e.{entry.period})::int - 1
                             - (EXTRACT(YEAR FROM base.start_period)::int * 12
                                + EXTRACT(MONTH FROM base.start_period)::int - 1) + 1
                        FROM {entry} e
                       WHERE e.{entry.asset} = base.asset_id AND e.{entry.kind} = {depreciation}
                         AND e.{entry.period} >= base.start_period
                       ORDER BY e.{entry.entry_date} DESC, e.{entry.id} DESC LIMIT 1)
           END AS k_last
      FROM base
), steps AS (
    SELECT b.*, g.k,
           ROUND({cum_k}, b.mu) AS acc_k,
           -- The month after last month starts from what was posted; a catch-up of several months (or a first
           -- month) uses the closed form for the month before.
           CASE WHEN g.k = 1 THEN 0::numeric
                WHEN b.carrying_prev IS NOT NULL AND g.k = b.k_target THEN b.s + b.d - b.carrying_prev
                ELSE ROUND({cum_prev}, b.mu) END AS acc_prev
      FROM b
     CROSS JOIN LATERAL generate_series(COALESCE(b.k_last, 0) + 1,
                                        CASE WHEN b.pc IS NULL THEN b.k_target ELSE LEAST(b.k_target, b.pc) END) AS g(k)
)
INSERT INTO {entry}
    ({entry.asset}, {entry.period}, {entry.entry_date}, {entry.kind}, {entry.amount}, {entry.carrying_after},
     {entry.reserve_change}, {entry.profit_or_loss}, {entry.currency}, {entry.run}, {entry.actor},
     {entry.corrects}, {entry.reason}, {entry.appraiser}, {entry.evidence}, {entry.details}, {entry.created_at})
SELECT asset_id,
       (start_period + make_interval(months => k - 1))::date,
       (start_period + make_interval(months => k) - interval '1 day')::date,
       {depreciation}, acc_prev - acc_k, s + d - acc_k, 0, acc_prev - acc_k, currency,
       %(run_id)s::bigint, %(actor_id)s::bigint, NULL, '', '', '', '{{}}'::jsonb, NOW()
  FROM steps
 WHERE method <> {units} OR acc_prev < d
{on_conflict}
"""


@functools.cache
def post_sql_text(*, skip_conflicts: bool) -> str:
    """The posting statement, built once per process (it is long, and the same for every chunk); with
    `skip_conflicts`, months another worker posted meanwhile are skipped instead of refused."""
    names = sql_names() if skip_conflicts else {**sql_names(), "on_conflict": ""}
    return POST_SQL.format(
        cum_k=_cumulative_any_method_sql("g.k", names), cum_prev=_cumulative_any_method_sql("g.k - 1", names), **names
    )


def post_range_sql(lo: int, hi: int, through: date, *, run_id: int | None = None, actor_id: int | None = None) -> int:
    """Post every unposted period through `through` for assets with ids in [lo, hi]; returns rows written."""
    params: dict[str, Any] = {
        "lo": lo,
        "hi": hi,
        "through": through,
        "target": schedule.month_index(through),
        "previous": schedule.add_months(through, -1),
        "run_id": run_id,
        "actor_id": actor_id,
    }
    with connection.cursor() as cursor:
        # The statement is cheap per row but its cost estimate is large: JIT compilation would cost more than
        # it saves (about 0.3 s per chunk), so it is switched off for this transaction only.
        cursor.execute("SET LOCAL jit = off")
        # The statement already leaves out months posted before it started, so a plain insert is the rule; only
        # when another worker posted some of the same months meanwhile (a redelivered chunk) does the unique
        # index refuse it, and the insert is repeated skipping what exists (ON CONFLICT costs ~20 % per row).
        try:
            with transaction.atomic():
                cursor.execute(post_sql_text(skip_conflicts=False), params)
        except IntegrityError:
            cursor.execute(post_sql_text(skip_conflicts=True), params)
        return cursor.rowcount


PLANS_SQL = """
WITH units(code, mu) AS (VALUES {currencies}),
candidates AS (
    SELECT a.{asset.id} AS id, a.{asset.currency} AS currency, u.mu, a.{asset.depreciation_method} AS method,
           a.{asset.in_service_date} AS isd, a.{asset.acquisition_cost} AS cost, a.{asset.salvage_value} AS salvage,
           a.{asset.useful_life_months} AS life, c.{category.first_period_convention} AS conv,
           a.{asset.expected_units} AS total_units,
           COALESCE(a.{asset.declining_factor}, c.{category.default_declining_factor}, 2) AS factor,
           CASE
               WHEN a.{asset.in_service_date} IS NULL THEN %(no_in_service_date)s
               WHEN a.{asset.acquisition_cost} < 0 OR a.{asset.salvage_value} < 0 THEN %(negative_amount)s
               WHEN a.{asset.salvage_value} > a.{asset.acquisition_cost} THEN %(salvage_above_cost)s
               WHEN a.{asset.depreciation_method} <> {not_depreciated}
                    AND COALESCE(a.{asset.useful_life_months}, 0) < 1 THEN %(no_useful_life)s
               WHEN a.{asset.depreciation_method} = {units} AND COALESCE(a.{asset.expected_units}, 0) <= 0
                   THEN %(no_expected_units)s
           END AS problem
      FROM {asset} a
      JOIN {category} c ON c.{category.id} = a.{asset.category}
      JOIN units u ON u.code = a.{asset.currency}
     WHERE a.{asset.id} BETWEEN %(lo)s::bigint AND %(hi)s::bigint
       AND a.{asset.status} IN ({valued_statuses})
       AND (a.{asset.in_service_date} IS NULL OR a.{asset.in_service_date} <= %(period_end)s::date)
       -- The range is repeated inside: the planner does not carry it across the join by itself.
       AND NOT EXISTS (SELECT 1 FROM {plan} p
                        WHERE p.{plan.asset} = a.{asset.id}
                          AND p.{plan.asset} BETWEEN %(lo)s::bigint AND %(hi)s::bigint)
),
failed AS (
    INSERT INTO {failure} ({failure.run}, {failure.asset}, {failure.reason})
    SELECT %(run_id)s::bigint, id, problem FROM candidates WHERE problem IS NOT NULL AND %(run_id)s::bigint IS NOT NULL
    ON CONFLICT DO NOTHING
    RETURNING 1
),
shaped AS (
    SELECT cd.*, date_trunc('month', cd.isd)::date AS start_period,
           CASE WHEN cd.conv = {daily_pro_rata} THEN ROUND(
                (EXTRACT(DAY FROM (date_trunc('month', cd.isd) + interval '1 month - 1 day'))::int
                 - EXTRACT(DAY FROM cd.isd)::int + 1)::numeric
                / EXTRACT(DAY FROM (date_trunc('month', cd.isd) + interval '1 month - 1 day'))::int, 16)
                ELSE 1::numeric END AS f
      FROM candidates cd
     WHERE cd.problem IS NULL AND cd.method <> {declining_balance}
),
made AS (
    INSERT INTO {plan}
        ({plan.asset}, {plan.currency}, {plan.minor_units}, {plan.method}, {plan.start_period},
         {plan.depreciable_amount}, {plan.salvage}, {plan.life_months}, {plan.first_fraction},
         {plan.declining_factor}, {plan.total_units}, {plan.units_at_basis}, {plan.switch_period},
         {plan.switch_amount}, {plan.period_count}, {plan.reason}, {plan.updated_at})
    SELECT id, currency, mu, method, start_period,
           CASE WHEN method = {not_depreciated} THEN 0 ELSE TRUNC(cost - salvage, mu) END,
           CASE WHEN method = {not_depreciated} THEN cost ELSE salvage END,
           CASE WHEN method = {not_depreciated} THEN 1 ELSE life END,
           CASE WHEN method = {not_depreciated} THEN 1 ELSE f END,
           factor,
           CASE WHEN method = {units} THEN total_units END,
           CASE WHEN method = {units} THEN COALESCE(
               (SELECT r.{reading.value} FROM {reading} r WHERE r.{reading.asset} = shaped.id
                 ORDER BY r.{reading.reading_date}, r.{reading.value} LIMIT 1), 0) ELSE 0 END,
           NULL, NULL,
           CASE WHEN method = {not_depreciated} THEN 0 WHEN method = {units} THEN NULL
                ELSE GREATEST(1, CEIL(life - f)::int + 1) END,
           CASE WHEN method = {not_depreciated} THEN %(reason_not_depreciated)s ELSE %(reason_placed_in_service)s END,
           NOW()
      FROM shaped
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT (SELECT COUNT(*) FROM made), (SELECT COUNT(*) FROM failed),
       (SELECT COUNT(*) FROM candidates WHERE problem IS NULL AND method = {declining_balance})
"""


@functools.cache
def plans_sql_text() -> str:
    """The plan-making statement, with the currencies' minor units as a VALUES list."""
    currencies = ", ".join(f"({sql_literal(code)}, {int(mu)})" for code, mu in sorted(CURRENCY_MINOR_UNITS.items()))
    return PLANS_SQL.format(currencies=currencies, **sql_names())


def create_plans_sql(lo: int, hi: int, through: date, *, run_id: int | None = None) -> tuple[int, int, int]:
    """Create the plans of valued assets in [lo, hi] in one statement, except declining balance (whose switch
    period is found in Python); assets that cannot be valued are recorded as run failures. Returns
    (plans created, failures recorded, declining-balance assets left for Python)."""
    params = {
        "lo": lo,
        "hi": hi,
        "period_end": schedule.period_end(through),
        "run_id": run_id,
        **plan_math.PLAN_PROBLEMS,
        "reason_not_depreciated": plan_math.REASON_NOT_DEPRECIATED,
        "reason_placed_in_service": plan_math.REASON_PLACED_IN_SERVICE,
    }
    with connection.cursor() as cursor:
        cursor.execute(plans_sql_text(), params)
        made, failed, declining = cursor.fetchone()
        if made > ANALYZE_AFTER_PLANS:
            # Fresh statistics keep the posting statement on the right plan after a large go-live.
            cursor.execute(f"ANALYZE {connection.ops.quote_name(DepreciationPlan._meta.db_table)}")
    return int(made), int(failed), int(declining)
