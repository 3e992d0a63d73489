"""`manage.py seed_demo` fills an empty register with a realistic demo, and a second run changes nothing."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from assetreg import selectors
from assetreg.choices import AssetKind, AssetStatus
from assetreg.management.commands.seed_demo import DEFAULT_PASSWORD
from assetreg.models import Asset, CustomField, Disposal, Location, Site, StatusChange, validate_vin
from finance import services as finance_services
from finance.choices import EntryKind
from finance.models import ValueEntry


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _snapshot() -> dict[str, int]:
    return {
        "sites": Site.objects.count(),
        "locations": Location.objects.count(),
        "assets": Asset.objects.count(),
        "history": Asset.history.count(),
        "status changes": StatusChange.objects.count(),
        "disposals": Disposal.objects.count(),
        "users": get_user_model().objects.count(),
        "ledger": ValueEntry.objects.count(),
    }


@pytest.mark.django_db
def test_seed_demo_builds_a_realistic_register_once():
    # Given an empty database, when the demo is seeded
    output = _seed()

    # Then there are three sites with buildings, vehicles and some 600 pieces of equipment
    assert Site.objects.count() == 3
    assert Asset.objects.filter(kind=AssetKind.BUILDING, building_location__isnull=False).count() >= 12
    vehicles = Asset.objects.filter(kind=AssetKind.VEHICLE)
    assert vehicles.count() >= 50
    for vin in vehicles.values_list("vin", flat=True):
        validate_vin(vin)
    assert 550 <= Asset.objects.filter(kind=AssetKind.EQUIPMENT).count() <= 650
    assert Asset.objects.filter(parent__isnull=False).exists()
    assert set(Asset.objects.values_list("currency", flat=True).distinct()) >= {"EUR", "GBP", "USD"}
    # ... a real lifecycle trail: disposals with proceeds and assets under maintenance
    assert Disposal.objects.filter(proceeds__gt=0).exists()
    assert Asset.objects.filter(status=AssetStatus.DISPOSED).count() == Disposal.objects.count() > 0
    assert Asset.objects.filter(status=AssetStatus.UNDER_MAINTENANCE).exists()
    # ... categories with their own fields (custom fields) to fill in
    assert set(CustomField.objects.values_list("category__name", flat=True)) == {"Elevators", "Fire safety systems"}
    # ... warranties ending within 30 days for the daily alert
    today = timezone.localdate()
    assert Asset.objects.filter(warranty_end__gte=today, warranty_end__lte=today + timedelta(days=30)).exists()
    # ... and a demo user per role who can sign in with the printed password
    users = get_user_model().objects
    for username in ("admin", "fm", "tech", "finance", "auditor"):
        assert users.get(username=username).check_password(DEFAULT_PASSWORD)
    assert DEFAULT_PASSWORD in output
    fm, tech = users.get(username="fm"), users.get(username="tech")
    assert selectors.sites_visible_to(fm).count() == 2
    assert selectors.sites_visible_to(tech).count() == 1
    assert selectors.assets_visible_to(users.get(username="auditor")).count() == Asset.objects.count()
    # ... valued through last month, with a revaluation and an impairment to show
    last_month = finance_services.scheduled_period(today)
    assert ValueEntry.objects.filter(kind=EntryKind.DEPRECIATION, period=last_month).count() > 500
    assert ValueEntry.objects.filter(kind=EntryKind.REVALUATION).exists()
    assert ValueEntry.objects.filter(kind=EntryKind.IMPAIRMENT).exists()

    # When it is seeded again, nothing changes and it says so
    before = _snapshot()
    output = _seed()
    assert _snapshot() == before
    assert "Already seeded" in output
    assert "Demo data created" not in output
