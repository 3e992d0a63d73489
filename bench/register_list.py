"""Benchmark of the asset list (REST API and web page) on a large register.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ledgerline_bench \
        .venv/bin/python bench/register_list.py --assets 100000 [--page-sizes 20,50,100] [--requests 50]

Fills the database once with N assets tagged BENCH-... (bulk inserts without audit history, for speed), three
sites and a facility manager assigned to all three plus a finance user; then times the list pages through
Django's test client: median and 95th percentile over --requests requests after 3 warm-ups, and the number
of SQL queries per request. Three lists: the API by page number (`/api/v1/assets/?page=`), the API walked by
cursor (`/api/v1/assets/walk/?cursor=`, the deep page's cursor made from the key of the row before it), and the
web page. A list should run a fixed number of queries whatever the page size or depth; the target is a median
under 20 ms for a page of 50 on PostgreSQL. The figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledgerline.settings")
os.environ.setdefault("DEBUG", "0")  # production-like: cached templates, no query log

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from assetreg import selectors  # noqa: E402
from assetreg.choices import AssetKind, AssetStatus, DepreciationMethod, LocationKind  # noqa: E402
from assetreg.models import Asset, Category, Location, Site  # noqa: E402
from ledgerline import roles  # noqa: E402

TAG_PREFIX = "BENCH-"
BATCH = 5_000
SITE_CODES = ("BENCH-A", "BENCH-B", "BENCH-C")
API_URL = "/api/v1/assets/"
WALK_URL = "/api/v1/assets/walk/"
WEB_URL = "/assets/"
VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


# --------------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------------


def _users() -> dict[str, Any]:
    """A facility manager at the three bench sites and a finance user (created once)."""
    user_model = get_user_model()
    users = {}
    for username, role in (("bench-fm", roles.FACILITY_MANAGER), ("bench-finance", roles.FINANCE)):
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"email": f"{username}@bench.example", "is_staff": role == roles.FINANCE}
        )
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get(name=role))
        users[role] = user
    return users


def _reference_data(fm: Any) -> tuple[list[Site], dict[str, Category], dict[int, list[Location]]]:
    sites = []
    for index, code in enumerate(SITE_CODES, start=1):
        site, _ = Site.objects.get_or_create(
            code=code, defaults={"name": f"Benchmark site {index}", "address": f"{index} Benchmark Road"}
        )
        site.members.add(fm)
        sites.append(site)
    categories: dict[str, Category] = {}
    for kind, name, life in (
        (AssetKind.EQUIPMENT, "Bench equipment", 60),
        (AssetKind.VEHICLE, "Bench vehicles", 96),
        (AssetKind.BUILDING, "Bench buildings", 480),
    ):
        categories[kind], _ = Category.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "default_useful_life_months": life,
                "default_salvage_percent": Decimal("5"),
                "default_depreciation_method": DepreciationMethod.STRAIGHT_LINE,
            },
        )
    rooms: dict[int, list[Location]] = {}
    for site in sites:
        building, _ = Location.objects.get_or_create(
            site=site, code="BB1", defaults={"kind": LocationKind.BUILDING, "name": "Bench building"}
        )
        for floor_no in range(3):
            floor, _ = Location.objects.get_or_create(
                site=site,
                code=f"BB1-F{floor_no}",
                defaults={"kind": LocationKind.FLOOR, "name": f"Floor {floor_no}", "parent": building},
            )
            for room_no in range(1, 11):
                room, _ = Location.objects.get_or_create(
                    site=site,
                    code=f"BB1-{floor_no}.{room_no:02d}",
                    defaults={"kind": LocationKind.ROOM, "name": f"Room {floor_no}.{room_no:02d}", "parent": floor},
                )
                rooms.setdefault(site.pk, []).append(room)
    return sites, categories, rooms


def _bench_asset(
    n: int,
    sites: list[Site],
    categories: dict[str, Category],
    rooms: dict[int, list[Location]],
    custodian: Any,
    now: Any,
) -> Asset:
    site = sites[n % len(sites)]
    kind = AssetKind.VEHICLE if n % 10 == 3 else AssetKind.BUILDING if n % 200 == 7 else AssetKind.EQUIPMENT
    acquired = date(2016, 1, 1) + timedelta(days=n % 3500)
    cost = Decimal(1_000 + (n * 37) % 90_000)
    asset = Asset(
        asset_tag=f"{TAG_PREFIX}{n:07d}",
        name=f"Bench {kind} {n}",
        kind=kind,
        category=categories[kind],
        status=AssetStatus.IN_SERVICE if n % 17 else AssetStatus.UNDER_MAINTENANCE,
        site=site,
        location=rooms[site.pk][n % len(rooms[site.pk])],
        custodian=custodian if n % 5 == 0 else None,
        department="Operations",
        acquisition_date=acquired,
        in_service_date=acquired + timedelta(days=14),
        acquisition_cost=cost,
        currency="EUR",
        useful_life_months=categories[kind].default_useful_life_months,
        salvage_value=(cost * Decimal("0.05")).quantize(Decimal("0.01")),
        warranty_end=acquired + timedelta(days=730),
        updated_at=now,
        version=1,
    )
    if kind == AssetKind.VEHICLE:
        asset.vin = "".join(VIN_ALPHABET[(n // 33**i) % 33] for i in range(11)) + f"{n % 1_000_000:06d}"
        asset.plate = f"BN-{n % 1000:03d}-{VIN_ALPHABET[n % 23]}"
        asset.odometer_unit = "km"
    elif kind == AssetKind.BUILDING:
        asset.address = f"{n} Benchmark Road"
        asset.year_built = 1990 + n % 30
    else:
        asset.manufacturer = ("Grundfos", "Daikin", "Dell", "Toyota")[n % 4]
        asset.model_number = f"M-{n % 97}"
    return asset


def fill(count: int) -> dict[str, Any]:
    """Make sure the database holds `count` bench assets; create only the missing ones, in batches."""
    users = _users()
    sites, categories, rooms = _reference_data(users[roles.FACILITY_MANAGER])
    have = Asset.objects.filter(asset_tag__startswith=TAG_PREFIX).count()
    if have >= count:
        print(f"Database already holds {have:,} bench assets.")
        return users
    print(f"Creating {count - have:,} bench assets (have {have:,}) in batches of {BATCH:,}...", flush=True)
    started = time.perf_counter()
    existing = set(Asset.objects.filter(asset_tag__startswith=TAG_PREFIX).values_list("asset_tag", flat=True))
    now = timezone.now()
    batch: list[Asset] = []
    for n in range(1, count + 1):
        if f"{TAG_PREFIX}{n:07d}" in existing:
            continue
        batch.append(_bench_asset(n, sites, categories, rooms, users[roles.FACILITY_MANAGER], now))
        if len(batch) >= BATCH:
            with transaction.atomic():
                Asset.objects.bulk_create(batch, batch_size=BATCH)
            batch = []
            print(f"  {n:,}", end="\r", flush=True)
    if batch:
        with transaction.atomic():
            Asset.objects.bulk_create(batch, batch_size=BATCH)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum leaves a live database with: statistics and a visibility map (index-only counts).
            cursor.execute("VACUUM ANALYZE")
    print(f"Filled in {time.perf_counter() - started:.1f} s.               ")
    return users


# --------------------------------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One measured URL: latency figures and the queries of one request."""

    interface: str
    user: str
    page_size: str
    page: int
    status: int
    p50: float = math.nan
    p95: float = math.nan
    cpu50: float = math.nan
    queries: int = 0
    db_ms: float = 0.0
    slowest_ms: float = 0.0
    slowest_sql: str = ""
    note: str = ""
    plans: list[str] = field(default_factory=list)


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def measure(client: Client, url: str, requests: int) -> tuple[int, list[float], list[float], CaptureQueriesContext]:
    """Status, per-request latencies and CPU times of this process (ms) after 3 warm-ups, and the queries of one
    more request. The CPU time leaves out the database server's share and most of the waiting on a busy machine."""
    response = client.get(url)
    if response.status_code != 200:
        return response.status_code, [], [], CaptureQueriesContext(connection)
    for _ in range(2):
        client.get(url)
    samples, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return 200, samples, cpu, queries


def web_page_size(client: Client, size: int) -> int | None:
    """The page size the web list really used when asked for `size` (None if it cannot be told)."""
    setup_test_environment()  # lets the test client see the template context, for this probe only
    try:
        response = client.get(f"{WEB_URL}?page_size={size}")
        page = response.context["page"] if response.context and "page" in response.context else None
        return page.paginator.per_page if page is not None else None
    finally:
        teardown_test_environment()


def walk_url(user: Any, size: int, page: int) -> str:
    """The cursor walk's URL for page `page` of `size` rows by id: its cursor holds the key of the row before it."""
    if page == 1:
        return f"{WALK_URL}?page_size={size}"
    try:
        from assetreg.api.views import AssetKeysetPagination
    except ImportError:  # code without the walk (an A/B run against older code)
        return f"{WALK_URL}?page_size={size}&page={page}"

    before = selectors.assets_visible_to(user).order_by("id").values_list("id", flat=True)[(page - 1) * size - 1]
    return f"{WALK_URL}?page_size={size}&cursor={AssetKeysetPagination().encode_cursor('id', [before])}"


def _explain(sql: str) -> str:
    """Planning and execution time of one query, as PostgreSQL reports them (EXPLAIN ANALYZE)."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0][0]
    node = plan["Plan"]
    return (
        f"planning {plan['Planning Time']:.1f} ms, execution {plan['Execution Time']:.1f} ms, "
        f"top node {node['Node Type']}: {' '.join(sql.split())[:70]}"
    )


def run(
    users: dict[str, Any], page_sizes: list[int], requests: int, deep_page: int, explain: bool = False
) -> list[Row]:
    """Time every list URL for the facility manager and for finance."""
    rows: list[Row] = []
    total = Asset.objects.count()
    for role, user in ((roles.FACILITY_MANAGER, users[roles.FACILITY_MANAGER]), (roles.FINANCE, users[roles.FINANCE])):
        client = Client()
        client.force_login(user)
        targets: list[tuple[str, str, int, str, str]] = []  # (interface, url, page, size label, note)
        for size in page_sizes:
            last = max(1, math.ceil(total / size))
            for page in sorted({1, min(deep_page, last)}):
                targets.append(("API", f"{API_URL}?page_size={size}&page={page}", page, str(size), ""))
            for page in sorted({1, min(deep_page, last)}):
                targets.append(("walk", walk_url(user, size, page), page, str(size), ""))
        honoured = {size: web_page_size(client, size) for size in page_sizes}
        web_sizes: list[tuple[int | None, str, str]]
        if all(honoured[size] == size for size in page_sizes):
            web_sizes = [(size, f"page_size={size}&", "") for size in page_sizes]
        else:  # the web list has one page size: measure it once, at that size
            web_sizes = [(honoured[page_sizes[0]], "", "web list ignores page_size: its own page size")]
        for web_size, query, note in web_sizes:
            last = max(1, math.ceil(total / (web_size or 50)))
            for page in sorted({1, min(deep_page, last)}):
                targets.append(("web", f"{WEB_URL}?{query}page={page}", page, str(web_size or "?"), note))
        for interface, url, page, size_label, note in targets:
            status, samples, cpu, queries = measure(client, url, requests)
            row = Row(interface, role, size_label, page, status, note=note)
            if status != 200:
                row.note = f"HTTP {status} for {url}" + (" (view not available yet?)" if status == 404 else "")
            else:
                row.p50, row.p95 = statistics.median(samples), _percentile(samples, 95)
                row.cpu50 = statistics.median(cpu)
                row.queries = len(queries.captured_queries)
                row.db_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
                if explain and connection.vendor == "postgresql":
                    row.plans = [_explain(q["sql"]) for q in queries.captured_queries if float(q["time"]) >= 0.005]
                slowest = max(queries.captured_queries, key=lambda q: float(q["time"]), default=None)
                if slowest is not None:
                    row.slowest_ms = float(slowest["time"]) * 1000
                    row.slowest_sql = " ".join(slowest["sql"].split())[:90]
            rows.append(row)
            print(
                f"  {interface:<4} {role:<17} size {size_label:>4} page {page:>4}: "
                f"{'-' if status != 200 else f'{row.p50:.1f} ms'}",
                flush=True,
            )
    return rows


def report(rows: list[Row], total: int, requests: int) -> None:
    """Print the table, the slowest queries and the verdicts against the targets."""
    print()
    print(f"Asset list latency over {requests} requests ({total:,} assets, {connection.vendor}):")
    header = (
        f"{'interface':<9} {'user':<17} {'size':>4} {'page':>5} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>7} "
        f"{'queries':>7} {'db ms':>7} {'slowest q ms':>12}  note"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        p50 = f"{r.p50:8.1f}" if not math.isnan(r.p50) else f"{'-':>8}"
        p95 = f"{r.p95:8.1f}" if not math.isnan(r.p95) else f"{'-':>8}"
        cpu = f"{r.cpu50:7.1f}" if not math.isnan(r.cpu50) else f"{'-':>7}"
        print(
            f"{r.interface:<9} {r.user:<17} {r.page_size:>4} {r.page:>5} {p50} {p95} {cpu} {r.queries:>7} "
            f"{r.db_ms:>7.1f} {r.slowest_ms:>12.1f}  {r.note}"
        )
    print()
    slow = sorted((r for r in rows if r.slowest_sql), key=lambda r: -r.slowest_ms)[:3]
    if slow:
        print("Slowest single queries:")
        for r in slow:
            print(f"  {r.slowest_ms:7.1f} ms  {r.interface} {r.user} size {r.page_size} page {r.page}: {r.slowest_sql}")
    plans = [(r, plan) for r in rows for plan in r.plans]
    if plans:
        print("Queries over 5 ms, as PostgreSQL explains them:")
        for r, plan in plans:
            print(f"  {r.interface} {r.user} size {r.page_size} page {r.page}: {plan}")
    for interface in ("API", "walk", "web"):
        counts = {r.queries for r in rows if r.interface == interface and r.status == 200 and r.user == rows[0].user}
        if counts:
            verdict = "fixed" if len(counts) == 1 else "VARIES with page size/page"
            print(f"{interface}: queries per request {sorted(counts)} -> {verdict}")
    target = [
        r for r in rows if r.interface in ("API", "walk") and r.page_size == "50" and r.page == 1 and r.status == 200
    ]
    for r in target:
        verdict = "meets" if r.p50 < 20 else "misses"
        print(f"Target p50 < 20 ms for a {r.interface} page of 50 ({r.user}): {r.p50:.1f} ms, {verdict} the target.")


def main() -> None:
    """Parse the options, fill the database if needed, measure and report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assets", type=int, default=100_000, help="bench assets to hold (default 100000)")
    parser.add_argument("--page-sizes", "--pages", default="20,50,100", help="page sizes (default 20,50,100)")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per URL (default 50)")
    parser.add_argument("--deep-page", type=int, default=500, help="a deep page to time as well (default 500)")
    parser.add_argument("--no-migrate", action="store_true", help="do not run migrate first")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slow queries (PostgreSQL)")
    args = parser.parse_args()
    page_sizes = [int(s) for s in args.page_sizes.split(",") if s.strip()]

    if connection.vendor == "sqlite":
        print("WARNING: running on SQLite. Set DATABASE_URL=postgres://... for figures that mean something.\n")
    if not args.no_migrate:
        call_command("migrate", verbosity=0)
    users = fill(args.assets)
    total = Asset.objects.count()
    print(f"Measuring ({total:,} assets in the database)...")
    rows = run(users, page_sizes, args.requests, args.deep_page, explain=args.explain)
    report(rows, total, args.requests)


if __name__ == "__main__":
    main()
