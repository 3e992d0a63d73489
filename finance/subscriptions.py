"""How finance reacts to what the register announces (`assetreg.events`), subscribed in `FinanceConfig.ready()`.

Each subscriber runs inside the register's transaction: a ValidationError raised here (a new life shorter than
the months already depreciated, a disposal dated inside a posted month) rolls the register's change back and
reaches the user as a field message. The work itself is done by `finance.services`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from assetreg.events import AssetChangeProposed, AssetDisposed, DepreciationBasisChanged
from ledgerline import events

from . import services
from .models import DepreciationPlan

# Once an asset is being valued, these are history: changes go through the ledger (improve, revalue, impair).
FROZEN_ONCE_VALUED = (
    "acquisition_cost",
    "currency",
    "depreciation_method",
    "in_service_date",
    "declining_factor",
    "expected_units",
)
FROZEN_MESSAGES = {
    "acquisition_cost": "Depreciation has started: record a capital improvement, revaluation or impairment "
    "instead of changing the cost.",
}


def _has_plan(asset_id: int) -> bool:
    return DepreciationPlan.objects.filter(asset_id=asset_id).exists()


def refuse_changes_to_a_valued_basis(event: AssetChangeProposed) -> None:
    """Refuse a change of cost, currency, method or service date once depreciation has started."""
    frozen = set(FROZEN_ONCE_VALUED) & set(event.changes)
    if frozen and _has_plan(event.asset.pk):
        raise ValidationError(
            {
                name: FROZEN_MESSAGES.get(name, "Depreciation has started for this asset: this can no longer change.")
                for name in sorted(frozen)
            }
        )


def replan_after_basis_change(event: DepreciationBasisChanged) -> None:
    """A new useful life or salvage value re-plans the months not yet posted (nothing without a plan yet)."""
    services.plan_change(
        actor=event.actor,
        asset=event.asset,
        useful_life_months=event.useful_life_months,
        salvage_value=event.salvage_value,
    )


def post_disposal(event: AssetDisposed) -> None:
    """Depreciate up to the disposal date and record the gain or loss."""
    services.disposal_post(actor=event.actor, asset=event.asset, disposal=event.disposal)


def subscribe() -> None:
    """Called once from `FinanceConfig.ready()`."""
    events.subscribe(AssetChangeProposed, refuse_changes_to_a_valued_basis)
    events.subscribe(DepreciationBasisChanged, replan_after_basis_change)
    events.subscribe(AssetDisposed, post_disposal)
