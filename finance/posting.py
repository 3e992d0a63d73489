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

from datetime import date
from typing import Any

from django.db import IntegrityError, connection, transaction

from assetreg.choices import DepreciationMethod

from . import plans as plan_math
from . import schedule, selectors
from .choices import EntryKind
from .models import DepreciationPlan, ValueEntry

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


# The closed forms of finance.schedule in PostgreSQL numeric arithmetic. {k} is substituted by the column or
# expression of the period index. Every branch must agree with finance.schedule (checked by the tests).
_ELAPSED = "(CASE WHEN ({k}) <= 0 THEN 0::numeric ELSE LEAST(b.l, b.f + ({k}) - 1) END)"
_YEARS_DIGITS = (
    "(FLOOR(({m}) / 12) * (b.l / 12) - FLOOR(({m}) / 12) * (FLOOR(({m}) / 12) - 1) / 2"
    " + ((({m}) - 12 * FLOOR(({m}) / 12)) / 12) * ((b.l / 12) - FLOOR(({m}) / 12)))"
)
_DECLINING_RATE = "LEAST(b.fac / b.l, 1::numeric)"


def _cumulative_sql(k: str) -> str:
    elapsed = _ELAPSED.format(k=k)
    elapsed_switch = _ELAPSED.format(k="b.sw - 1")
    q = _DECLINING_RATE
    declining_before = f"LEAST(b.d, (b.s + b.d) - (b.s + b.d) * (1 - {q} * b.f) * POWER(1 - {q}, ({k}) - 1))"
    declining_after = f"(b.sa + (b.d - b.sa) * ({elapsed} - {elapsed_switch}) / NULLIF(b.l - {elapsed_switch}, 0))"
    return f"""(CASE
        WHEN ({k}) <= 0 THEN 0::numeric
        WHEN ({k}) >= b.pc THEN b.d
        WHEN b.method = 'straight_line' THEN b.d * {elapsed} / b.l
        WHEN b.method = 'sum_of_years_digits' THEN
            b.d * {_YEARS_DIGITS.format(m=elapsed)} / {_YEARS_DIGITS.format(m="b.l")}
        WHEN b.method = 'declining_balance' AND ({k}) < b.sw THEN {declining_before}
        WHEN b.method = 'declining_balance' THEN COALESCE({declining_after}, b.d)
    END)"""


def _units_sql(k: str) -> str:
    return f"""(CASE WHEN ({k}) <= 0 THEN 0::numeric ELSE b.d * LEAST(1::numeric, GREATEST(0::numeric,
        COALESCE((SELECT MAX(r.value) FROM assetreg_meterreading r WHERE r.asset_id = b.asset_id
                  AND r.reading_date <= (b.start_period + make_interval(months => ({k}))
                                         - interval '1 day')::date), b.u0) - b.u0) / b.tu) END)"""


POST_SQL = """
WITH base AS (
    SELECT p.asset_id, p.currency, p.minor_units::int AS mu, p.method, p.start_period,
           p.depreciable_amount AS d, p.salvage AS s, p.life_months AS l, p.first_fraction AS f,
           p.declining_factor AS fac, p.total_units AS tu, p.units_at_basis AS u0,
           p.switch_period AS sw, p.switch_amount AS sa, p.period_count AS pc,
           %(target)s::int - (EXTRACT(YEAR FROM p.start_period)::int * 12 + EXTRACT(MONTH FROM p.start_period)::int - 1)
               + 1 AS k_target,
           prev.carrying_after AS carrying_prev
      FROM finance_depreciationplan p
      JOIN assetreg_asset a ON a.id = p.asset_id
      -- The steady state: last month's entry, read for the whole chunk in one range scan of the
      -- (period, asset) index rather than one look-up per asset.
      LEFT JOIN finance_valueentry prev
             ON prev.asset_id = p.asset_id AND prev.kind = 'depreciation'
            AND prev.period = %(previous)s::date AND prev.period >= p.start_period
            AND prev.asset_id BETWEEN %(lo)s::bigint AND %(hi)s::bigint
      -- Already posted through this month (a rerun): nothing to do, found the same way.
      LEFT JOIN finance_valueentry done
             ON done.asset_id = p.asset_id AND done.kind = 'depreciation' AND done.period = %(through)s::date
            AND done.asset_id BETWEEN %(lo)s::bigint AND %(hi)s::bigint
     WHERE p.asset_id BETWEEN %(lo)s::bigint AND %(hi)s::bigint
       AND done.id IS NULL
       AND a.status IN ('in_service', 'under_maintenance', 'out_of_service')
       AND p.method <> 'none'
       AND p.start_period <= %(through)s::date
), b AS (
    SELECT base.*,
           CASE WHEN base.carrying_prev IS NOT NULL THEN base.k_target - 1
                WHEN base.k_target = 1 THEN 0
                -- Not posted last month: a first run or a gap. Find the last month posted under this plan
                -- (depreciation entries are dated in their month, so the latest by date is the latest month).
                ELSE (SELECT EXTRACT(YEAR FROM e.period)::int * 12 + EXTRACT(MONTH FROM e.period)::int - 1
                             - (EXTRACT(YEAR FROM base.start_period)::int * 12
                                + EXTRACT(MONTH FROM base.start_period)::int - 1) + 1
                        FROM finance_valueentry e
                       WHERE e.asset_id = base.asset_id AND e.kind = 'depreciation'
                         AND e.period >= base.start_period
                       ORDER BY e.entry_date DESC, e.id DESC LIMIT 1)
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
INSERT INTO finance_valueentry
    (asset_id, period, entry_date, kind, amount, carrying_after, reserve_change, profit_or_loss, currency,
     run_id, actor_id, corrects_id, reason, appraiser, evidence, details, created_at)
SELECT asset_id,
       (start_period + make_interval(months => k - 1))::date,
       (start_period + make_interval(months => k) - interval '1 day')::date,
       'depreciation', acc_prev - acc_k, s + d - acc_k, 0, acc_prev - acc_k, currency,
       %(run_id)s::bigint, %(actor_id)s::bigint, NULL, '', '', '', '{{}}'::jsonb, NOW()
  FROM steps
 WHERE method <> 'units_of_production' OR acc_prev < d
{on_conflict}
"""


def _post_sql_text() -> str:
    cum_k = "(CASE WHEN b.method = 'units_of_production' THEN {u} ELSE {c} END)".format(
        u=_units_sql("g.k"), c=_cumulative_sql("g.k")
    )
    cum_prev = "(CASE WHEN b.method = 'units_of_production' THEN {u} ELSE {c} END)".format(
        u=_units_sql("g.k - 1"), c=_cumulative_sql("g.k - 1")
    )
    return POST_SQL.format(cum_k=cum_k, cum_prev=cum_prev, on_conflict=ON_CONFLICT)


_POST_SQL_TEXT: str | None = None
ON_CONFLICT = "ON CONFLICT (period, asset_id) WHERE kind = 'depreciation' DO NOTHING"


def post_range_sql(lo: int, hi: int, through: date, *, run_id: int | None = None, actor_id: int | None = None) -> int:
    """Post every unposted period through `through` for assets with ids in [lo, hi]; returns rows written."""
    global _POST_SQL_TEXT
    if _POST_SQL_TEXT is None:
        _POST_SQL_TEXT = _post_sql_text()
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
                cursor.execute(_POST_SQL_TEXT.replace(ON_CONFLICT, ""), params)
        except IntegrityError:
            cursor.execute(_POST_SQL_TEXT, params)
        return cursor.rowcount


PLANS_SQL = """
WITH units(code, mu) AS (VALUES {currencies}),
candidates AS (
    SELECT a.id, a.currency, u.mu, a.depreciation_method AS method, a.in_service_date AS isd,
           a.acquisition_cost AS cost, a.salvage_value AS salvage, a.useful_life_months AS life,
           c.first_period_convention AS conv, a.expected_units AS total_units,
           COALESCE(a.declining_factor, c.default_declining_factor, 2) AS factor,
           CASE
               WHEN a.in_service_date IS NULL THEN 'The asset has no in-service date.'
               WHEN a.acquisition_cost < 0 OR a.salvage_value < 0
                   THEN 'The acquisition cost or salvage value is negative.'
               WHEN a.salvage_value > a.acquisition_cost THEN 'The salvage value is above the acquisition cost.'
               WHEN a.depreciation_method <> 'none' AND COALESCE(a.useful_life_months, 0) < 1
                   THEN 'The asset has no useful life.'
               WHEN a.depreciation_method = 'units_of_production' AND COALESCE(a.expected_units, 0) <= 0
                   THEN 'Units of production needs the expected total units.'
           END AS problem
      FROM assetreg_asset a
      JOIN assetreg_category c ON c.id = a.category_id
      JOIN units u ON u.code = a.currency
     WHERE a.id BETWEEN %(lo)s::bigint AND %(hi)s::bigint
       AND a.status IN ('in_service', 'under_maintenance', 'out_of_service')
       AND (a.in_service_date IS NULL OR a.in_service_date <= %(period_end)s::date)
       -- The range is repeated inside: the planner does not carry it across the join by itself.
       AND NOT EXISTS (SELECT 1 FROM finance_depreciationplan p
                        WHERE p.asset_id = a.id AND p.asset_id BETWEEN %(lo)s::bigint AND %(hi)s::bigint)
),
failed AS (
    INSERT INTO finance_runfailure (run_id, asset_id, reason)
    SELECT %(run_id)s::bigint, id, problem FROM candidates WHERE problem IS NOT NULL AND %(run_id)s::bigint IS NOT NULL
    ON CONFLICT DO NOTHING
    RETURNING 1
),
shaped AS (
    SELECT cd.*, date_trunc('month', cd.isd)::date AS start_period,
           CASE WHEN cd.conv = 'daily_pro_rata' THEN ROUND(
                (EXTRACT(DAY FROM (date_trunc('month', cd.isd) + interval '1 month - 1 day'))::int
                 - EXTRACT(DAY FROM cd.isd)::int + 1)::numeric
                / EXTRACT(DAY FROM (date_trunc('month', cd.isd) + interval '1 month - 1 day'))::int, 16)
                ELSE 1::numeric END AS f
      FROM candidates cd
     WHERE cd.problem IS NULL AND cd.method <> 'declining_balance'
),
made AS (
    INSERT INTO finance_depreciationplan
        (asset_id, currency, minor_units, method, start_period, depreciable_amount, salvage, life_months,
         first_fraction, declining_factor, total_units, units_at_basis, switch_period, switch_amount, period_count,
         reason, updated_at)
    SELECT id, currency, mu, method, start_period,
           CASE WHEN method = 'none' THEN 0 ELSE TRUNC(cost - salvage, mu) END,
           CASE WHEN method = 'none' THEN cost ELSE salvage END,
           CASE WHEN method = 'none' THEN 1 ELSE life END,
           CASE WHEN method = 'none' THEN 1 ELSE f END,
           factor,
           CASE WHEN method = 'units_of_production' THEN total_units END,
           CASE WHEN method = 'units_of_production' THEN COALESCE(
               (SELECT r.value FROM assetreg_meterreading r WHERE r.asset_id = shaped.id
                 ORDER BY r.reading_date, r.value LIMIT 1), 0) ELSE 0 END,
           NULL, NULL,
           CASE WHEN method = 'none' THEN 0 WHEN method = 'units_of_production' THEN NULL
                ELSE GREATEST(1, CEIL(life - f)::int + 1) END,
           CASE WHEN method = 'none' THEN 'Not depreciated' ELSE 'Placed in service' END,
           NOW()
      FROM shaped
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT (SELECT COUNT(*) FROM made), (SELECT COUNT(*) FROM failed),
       (SELECT COUNT(*) FROM candidates WHERE problem IS NULL AND method = 'declining_balance')
"""


def create_plans_sql(lo: int, hi: int, through: date, *, run_id: int | None = None) -> tuple[int, int, int]:
    """Create the plans of valued assets in [lo, hi] in one statement, except declining balance (whose switch
    period is found in Python); assets that cannot be valued are recorded as run failures. Returns
    (plans created, failures recorded, declining-balance assets left for Python)."""
    from ledgerline.money import CURRENCY_MINOR_UNITS

    currencies = ", ".join(f"('{code}', {mu})" for code, mu in sorted(CURRENCY_MINOR_UNITS.items()))
    with connection.cursor() as cursor:
        cursor.execute(
            PLANS_SQL.format(currencies=currencies),
            {"lo": lo, "hi": hi, "period_end": schedule.period_end(through), "run_id": run_id},
        )
        made, failed, declining = cursor.fetchone()
        if made > ANALYZE_AFTER_PLANS:
            # Fresh statistics keep the posting statement on the right plan after a large go-live.
            cursor.execute("ANALYZE finance_depreciationplan")
    return int(made), int(failed), int(declining)
