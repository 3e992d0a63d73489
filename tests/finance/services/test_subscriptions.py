"""Finance reacts to the register's announcements inside the register's transaction: a refusal undoes it all."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assetreg import services as register
from assetreg.choices import AssetStatus
from assetreg.events import AssetChangeProposed, AssetDisposed, DepreciationBasisChanged
from assetreg.models import Asset, Disposal, StatusChange
from finance import services
from finance.choices import EntryKind
from finance.models import DepreciationPlan, ValueEntry
from ledgerline import events

pytestmark = pytest.mark.django_db


def test_finance_subscribes_to_the_register_in_its_app_config():
    assert "finance.subscriptions.post_disposal" in [s.name for s in events.subscriptions(AssetDisposed)]
    assert "finance.subscriptions.replan_after_basis_change" in [
        s.name for s in events.subscriptions(DepreciationBasisChanged)
    ]
    assert "finance.subscriptions.refuse_changes_to_a_valued_basis" in [
        s.name for s in events.subscriptions(AssetChangeProposed)
    ]


def test_a_disposal_finance_refuses_leaves_the_asset_as_it_was(world, textbook_asset):
    services.depreciation_run_start(actor=world.finance, period=date(2025, 1, 1), dispatch=False)
    register.asset_transition(
        actor=world.facility_manager,
        asset=textbook_asset,
        to_status=AssetStatus.OUT_OF_SERVICE,
        reason="Replaced",
        effective_date=date(2025, 2, 3),
    )
    before = Asset.objects.get(pk=textbook_asset.pk)
    entries = ValueEntry.objects.filter(asset=textbook_asset).count()

    with pytest.raises(ValidationError) as refused:
        register.asset_dispose(
            actor=world.facility_manager,
            asset=before,
            disposal_date=date(2025, 1, 20),  # January is posted already
            method="scrap",
            proceeds="0",
            reason="Scrapped",
        )

    assert "Depreciation is already posted through January 2025" in refused.value.message_dict["disposal_date"][0]
    after = Asset.objects.get(pk=textbook_asset.pk)
    assert (after.status, after.version) == (AssetStatus.OUT_OF_SERVICE, before.version)
    assert not Disposal.objects.filter(asset=textbook_asset).exists()
    assert not StatusChange.objects.filter(asset=textbook_asset, to_status=AssetStatus.DISPOSED).exists()
    assert ValueEntry.objects.filter(asset=textbook_asset).count() == entries


def test_a_disposal_is_posted_by_finance_once_the_register_announces_it(world, textbook_asset):
    register.asset_transition(
        actor=world.facility_manager,
        asset=textbook_asset,
        to_status=AssetStatus.OUT_OF_SERVICE,
        reason="Replaced",
        effective_date=date(2024, 3, 3),
    )

    register.asset_dispose(
        actor=world.facility_manager,
        asset=Asset.objects.get(pk=textbook_asset.pk),
        disposal_date=date(2024, 3, 31),
        method="sale",
        proceeds="9000",
        reason="Sold",
    )

    disposal = ValueEntry.objects.get(asset=textbook_asset, kind=EntryKind.DISPOSAL)
    assert disposal.carrying_after == 0
    assert str(disposal.profit_or_loss) == "-550.0000"  # 9,000 proceeds against 9,550 after three months of 150


def test_a_useful_life_finance_refuses_leaves_the_asset_unchanged(world, textbook_asset):
    services.depreciation_run_start(actor=world.finance, period=date(2024, 12, 1), dispatch=False)
    before = Asset.objects.get(pk=textbook_asset.pk)
    plans = DepreciationPlan.objects.filter(asset=textbook_asset).count()

    with pytest.raises(ValidationError) as refused:
        register.asset_update(
            actor=world.finance, asset=before, data={"useful_life_months": 6}, expected_version=before.version
        )

    assert "already been in service for 12 months" in refused.value.message_dict["useful_life_months"][0]
    after = Asset.objects.get(pk=textbook_asset.pk)
    assert (after.useful_life_months, after.version, after.history.count()) == (60, before.version, 1)
    assert DepreciationPlan.objects.filter(asset=textbook_asset).count() == plans


def test_a_cost_change_is_refused_before_anything_is_written_once_depreciation_started(world, textbook_asset):
    services.plan_for(textbook_asset)
    before = Asset.objects.get(pk=textbook_asset.pk)

    with pytest.raises(ValidationError) as refused:
        register.asset_update(
            actor=world.finance, asset=before, data={"acquisition_cost": "12000"}, expected_version=before.version
        )

    assert "record a capital improvement" in refused.value.message_dict["acquisition_cost"][0]
    assert Asset.objects.get(pk=textbook_asset.pk).acquisition_cost == before.acquisition_cost


def test_finance_services_called_directly_check_the_actor_themselves(world, textbook_asset):
    # Given an asset with a plan and postings, and a technician calling finance's services without the register
    services.depreciation_run_start(actor=world.finance, period=date(2025, 1, 1), dispatch=False)
    plan_before = DepreciationPlan.objects.get(asset=textbook_asset)
    entries_before = ValueEntry.objects.filter(asset=textbook_asset).count()
    disposal = Disposal(asset=textbook_asset, disposal_date=date(2025, 2, 3), method="scrapped", proceeds=0)

    # When the technician asks for a new life or posts a disposal
    with pytest.raises(PermissionDenied):
        services.plan_change(actor=world.technician, asset=textbook_asset, useful_life_months=120)
    with pytest.raises(PermissionDenied):
        services.disposal_post(actor=world.technician, asset=textbook_asset, disposal=disposal)

    # Then neither the plan nor the ledger moved
    plan_after = DepreciationPlan.objects.get(asset=textbook_asset)
    basis = ("life_months", "start_period", "depreciable_amount", "salvage", "updated_at")
    assert [getattr(plan_after, f) for f in basis] == [getattr(plan_before, f) for f in basis]
    assert ValueEntry.objects.filter(asset=textbook_asset).count() == entries_before
