"""Benchmark of the monthly depreciation run on a large register (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledgerline_depbench \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/13 \
        .venv/bin/python bench/depreciation_run.py --assets 1000000 [--workers 1,2] [--chunk-size 50000]

1. Fills the database once with N equipment assets tagged DEP-... (one INSERT ... SELECT; mixed methods:
   50 % straight line, 20 % double declining, 20 % sum of the years' digits, 5 % units of production with
   meter readings, 5 % not depreciated), all in service since the month before the measured one.
2. Go-live: the run for that first month creates every plan and posts it (timed, reported apart).
3. The measured run: the next month, every asset posted once, single process (chunks one after another).
4. The floor: one raw INSERT ... SELECT that writes a straight-line row per asset into a scratch copy of the
   ledger table (same columns, indexes and constraints). Ratio = run time / floor time. Target: within 2x.
5. A rerun of the measured month: it must add 0 rows.
6. With a real broker (CELERY_BROKER_URL=redis://...): the measured month again, its rows deleted first,
   through real Celery worker processes (--workers 1,2 → a worker with concurrency 1, then 2), so the
   chunks are really shared.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledgerline.settings")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from assetreg.choices import AssetKind  # noqa: E402
from assetreg.models import Asset, Category, Site  # noqa: E402
from finance import services  # noqa: E402
from finance.choices import FINISHED_STATUSES  # noqa: E402
from finance.models import DepreciationRun  # noqa: E402
from ledgerline import roles  # noqa: E402

TAG_PREFIX = "DEP-"
GO_LIVE = date(2026, 9, 1)
MEASURED = date(2026, 10, 1)


def setup_data(n: int) -> None:
    """Create N bench assets (and their meter readings) unless exactly that many exist already."""
    have = Asset.objects.filter(asset_tag__startswith=TAG_PREFIX).count()
    if have == n:
        print(f"data: {n:,} bench assets already present")
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE finance_valueentry, finance_runfailure, finance_depreciationplan, "
            "finance_depreciationrun, assetreg_meterreading, assetreg_statuschange, "
            "assetreg_historicalasset, assetreg_assetdocument, assetreg_disposal, assetreg_warrantyalert, "
            "assetreg_location, assetreg_asset CASCADE"
        )
    site, _ = Site.objects.get_or_create(code="DEPBENCH", defaults={"name": "Depreciation bench"})
    category, _ = Category.objects.get_or_create(
        name="Bench equipment", defaults={"kind": AssetKind.EQUIPMENT, "default_useful_life_months": 60}
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO assetreg_asset
                (asset_tag, name, kind, category_id, status, site_id, department, acquisition_date, in_service_date,
                 acquisition_cost, currency, useful_life_months, salvage_value, depreciation_method, declining_factor,
                 expected_units, supplier, serial_number, notes, address, vin, plate, odometer_unit, manufacturer,
                 model_number, meter_unit, version, created_at, updated_at)
            SELECT 'DEP-' || lpad(g::text, 7, '0'), 'Bench item ' || g, 'equipment', %(category)s::bigint, 'in_service',
                   %(site)s::bigint, '', %(acquired)s::date, %(in_service)s::date,
                   cost, 'EUR', 12 * (3 + g %% 8), round(cost * 0.1, 2),
                   CASE WHEN g %% 20 < 10 THEN 'straight_line' WHEN g %% 20 < 14 THEN 'declining_balance'
                        WHEN g %% 20 < 18 THEN 'sum_of_years_digits' WHEN g %% 20 = 18 THEN 'units_of_production'
                        ELSE 'none' END,
                   CASE WHEN g %% 20 BETWEEN 10 AND 13 THEN 2.00 END,
                   CASE WHEN g %% 20 = 18 THEN 100000 END,
                   '', '', '', '', '', '', '', 'Bench', '', CASE WHEN g %% 20 = 18 THEN 'hours' ELSE '' END,
                   1, NOW(), NOW()
              FROM generate_series(1, %(n)s::int) AS g,
                   LATERAL (SELECT round((1000 + (g::bigint * 7919) %% 99000)::numeric + (g %% 100) / 100.0, 2)
                            AS cost) c
            """,
            {"category": category.pk, "site": site.pk, "acquired": date(2026, 8, 20), "in_service": GO_LIVE, "n": n},
        )
        cursor.execute(
            """
            INSERT INTO assetreg_meterreading (asset_id, reading_date, value, note, recorded_at)
            SELECT a.id, d.day, d.value, '', NOW()
              FROM assetreg_asset a
             CROSS JOIN (VALUES (DATE '2026-09-01', 0), (DATE '2026-09-30', 410), (DATE '2026-10-31', 905))
                   AS d(day, value)
             WHERE a.depreciation_method = 'units_of_production'
            """
        )
        cursor.execute("ANALYZE assetreg_asset; ANALYZE assetreg_meterreading")
    print(f"data: created {n:,} assets in {time.perf_counter() - started:.1f} s")


def finance_user():
    user, _ = get_user_model().objects.get_or_create(username="bench-finance", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=roles.FINANCE))
    return user


def checkpoint() -> None:
    """Start each timed part from a clean checkpoint, so none pays for another's dirty pages."""
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")


def timed_run(period: date, *, chunk_size: int) -> tuple[float, DepreciationRun]:
    checkpoint()
    started = time.perf_counter()
    run = services.depreciation_run_start(actor=finance_user(), period=period, dispatch=False, chunk_size=chunk_size)
    return time.perf_counter() - started, run


def floor_seconds(period: date) -> tuple[float, int]:
    """One raw statement: a straight-line row per asset into a scratch copy of the ledger."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor_entries")
        cursor.execute("CREATE TABLE bench_floor_entries (LIKE finance_valueentry INCLUDING ALL)")
        checkpoint()
        started = time.perf_counter()
        cursor.execute(
            """
            INSERT INTO bench_floor_entries
                (asset_id, period, entry_date, kind, amount, carrying_after, reserve_change, profit_or_loss,
                 currency, run_id, actor_id, corrects_id, reason, appraiser, evidence, details, created_at)
            SELECT a.id, %(period)s::date, %(end)s::date, 'depreciation',
                   -ROUND((a.acquisition_cost - a.salvage_value) / a.useful_life_months, 2),
                   a.acquisition_cost - 2 * ROUND((a.acquisition_cost - a.salvage_value) / a.useful_life_months, 2),
                   0, -ROUND((a.acquisition_cost - a.salvage_value) / a.useful_life_months, 2), a.currency,
                   NULL, NULL, NULL, '', '', '', '{}'::jsonb, NOW()
              FROM assetreg_asset a
             WHERE a.status IN ('in_service', 'under_maintenance', 'out_of_service')
            """,
            {"period": period, "end": date(period.year, period.month, 31 if period.month == 10 else 30)},
        )
        rows = cursor.rowcount
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_floor_entries")
    return seconds, rows


def delete_period(period: date) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM finance_valueentry WHERE period = %s AND kind = 'depreciation'", [period])
        cursor.execute("VACUUM ANALYZE finance_valueentry")


def celery_run(period: date, workers: int, chunk_size: int) -> float | None:
    """The period through real Celery worker processes sharing the chunks; None without a real broker."""
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith(("redis://", "amqp://")):
        return None
    delete_period(period)
    checkpoint()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ledgerline",
            "worker",
            "-l",
            "warning",
            "--concurrency",
            str(workers),
            "--prefetch-multiplier",
            "1",
            "-Q",
            "celery",
            "-n",
            f"bench{workers}@%h",
        ],
        cwd=ROOT,
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(6)  # let the worker processes start before the clock does
        started = time.perf_counter()
        run = services.depreciation_run_start(actor=finance_user(), period=period, dispatch=True, chunk_size=chunk_size)
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.status in FINISHED_STATUSES:
                break
            time.sleep(0.2)
        return time.perf_counter() - started if run.status in FINISHED_STATUSES else float("nan")
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assets", type=int, default=1_000_000)
    parser.add_argument("--workers", default="1,2", help="Celery worker concurrencies to try, e.g. 1,2")
    parser.add_argument("--chunk-size", type=int, default=services.CHUNK_SIZE)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)
    setup_data(args.assets)
    n = Asset.objects.filter(asset_tag__startswith=TAG_PREFIX).count()

    if not DepreciationRun.objects.filter(period=GO_LIVE, status__in=FINISHED_STATUSES).exists():
        seconds, run = timed_run(GO_LIVE, chunk_size=args.chunk_size)
        print(
            f"go-live run {GO_LIVE:%Y-%m} (creates {n:,} plans and posts): {seconds:.1f} s, "
            f"{run.posted_entries:,} entries, {run.failed_assets} failures"
        )
    delete_period(MEASURED)
    seconds, run = timed_run(MEASURED, chunk_size=args.chunk_size)
    floor, floor_rows = floor_seconds(MEASURED)
    print(
        f"measured run {MEASURED:%Y-%m}, one process: {seconds:.2f} s for {run.posted_entries:,} entries "
        f"({n / seconds:,.0f} assets/s)"
    )
    print(f"floor (one raw INSERT ... SELECT, straight line only): {floor:.2f} s for {floor_rows:,} rows")
    print(f"ratio run / floor: {seconds / floor:.2f}x (target: within 2x)")
    again, rerun = timed_run(MEASURED, chunk_size=args.chunk_size)
    print(f"rerun of {MEASURED:%Y-%m}: {rerun.posted_entries} new rows in {again:.2f} s")
    for workers in [int(w) for w in args.workers.split(",") if w.strip()]:
        elapsed = celery_run(MEASURED, workers, args.chunk_size)
        if elapsed is None:
            print("celery: no real broker configured (set CELERY_BROKER_URL=redis://...); skipped")
            break
        print(
            f"celery, {workers} worker process(es) sharing {run.chunks_total} chunks: {elapsed:.2f} s "
            "(including task dispatch)"
        )


if __name__ == "__main__":
    main()
