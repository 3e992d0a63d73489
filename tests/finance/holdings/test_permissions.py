"""Holdings' policy: finance records, finance and auditors read, the system imports and records prices only."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from finance.holdings import services
from finance.holdings.permissions import HOLDINGS
from ledgerline.policy import SYSTEM
from tests.finance.holdings.conftest import snapshot

ROLES = ("finance", "auditor", "admin", "facility_manager", "technician")
DEPOSIT_ROWS = [(2, {"date": "2024-01-02", "type": "deposit", "amount": "500", "currency": "EUR"})]


def test_who_may_do_what(world):
    table = {
        action: sorted(role for role in ROLES if HOLDINGS.can(world.user(role), action))
        for action in ("view_holdings", "record_transaction", "record_prices", "import")
    }

    assert table == {
        "view_holdings": ["admin", "auditor", "finance"],
        "record_transaction": ["admin", "finance"],
        "record_prices": ["admin", "finance"],
        "import": ["admin", "finance"],
    }
    assert [HOLDINGS.can(SYSTEM, a) for a in ("view_holdings", "record_transaction", "record_prices", "import")] == [
        True,
        False,
        True,
        True,
    ]


@pytest.mark.parametrize("role", ["auditor", "facility_manager", "technician"])
def test_refused_writes_change_nothing(world, finance_user, portfolio, equity, role):
    entry = services.transaction_record(
        actor=finance_user, portfolio=portfolio, kind="deposit", trade_date=date(2024, 1, 2), amount="5", currency="EUR"
    )
    user = world.user(role)
    before = snapshot()
    calls = [
        lambda: services.transaction_record(
            actor=user, portfolio=portfolio, kind="deposit", trade_date=date(2024, 1, 2), amount="1", currency="EUR"
        ),
        lambda: services.price_record(actor=user, instrument=equity, price_date="2024-01-02", close="1", source="x"),
        lambda: services.fx_record(actor=user, rate_date="2024-01-02", base="EUR", quote="USD", rate="1", source="x"),
        lambda: services.prices_import(
            actor=user, rows=[(2, {"date": "2024-01-02", "instrument": "ACME", "close": "1"})], dry_run=False
        ),
        lambda: services.fx_import(
            actor=user, rows=[(2, {"date": "2024-01-02", "base": "EUR", "quote": "USD", "rate": "1.1"})], dry_run=False
        ),
        lambda: services.transactions_import(actor=user, portfolio=portfolio, rows=DEPOSIT_ROWS, dry_run=False),
        lambda: services.transaction_correct(actor=user, transaction_id=entry.pk, amount="6"),
    ]

    for call in calls:
        with pytest.raises(PermissionDenied):
            call()

    assert snapshot() == before


def test_the_system_records_prices_but_not_transactions(portfolio, equity):
    services.price_record(actor=SYSTEM, instrument=equity, price_date="2024-01-02", close="1", source="feed")

    with pytest.raises(PermissionDenied):
        services.transaction_record(
            actor=SYSTEM, portfolio=portfolio, kind="deposit", trade_date=date(2024, 1, 2), amount="1", currency="EUR"
        )

    assert equity.prices.get().recorded_by is None


def test_the_system_cannot_import_transactions_though_it_imports_prices_and_rates(portfolio, equity):
    before = snapshot()

    with pytest.raises(PermissionDenied, match="record transactions"):
        services.transactions_import(actor=SYSTEM, portfolio=portfolio, rows=DEPOSIT_ROWS, dry_run=False)

    assert snapshot() == before
    fx = services.fx_import(
        actor=SYSTEM, rows=[(2, {"date": "2024-01-02", "base": "EUR", "quote": "USD", "rate": "1.1"})], dry_run=False
    )
    assert fx.written and snapshot() == (before[0], before[1], before[2] + 1)
