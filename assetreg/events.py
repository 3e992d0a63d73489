"""What the register announces (through `ledgerline.events`) for other apps to react to.

Announced by `assetreg.services` inside the transaction of the change; subscribers run before it commits
and may refuse it by raising (a `ValidationError` reaches the user as field messages). The register does
not know who listens: finance re-plans depreciation and posts disposals; maintenance will close work orders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline.events import Event

from .models import Asset, Disposal, MeterReading


@dataclass(frozen=True, kw_only=True)
class AssetCreated(Event):
    """A new asset was registered (one at a time, or by a CSV import)."""

    asset: Asset


@dataclass(frozen=True, kw_only=True)
class AssetChangeProposed(Event):
    """An existing asset's data is about to change (`changes`: field name -> new value), nothing is written yet.

    Asked before the change so that an app that depends on those fields can refuse it: raise ValidationError
    with field messages. Also asked by forms that check a change before saving it, outside a transaction.
    """

    before_change = True
    asset: Asset
    changes: Mapping[str, Any]


@dataclass(frozen=True, kw_only=True)
class DepreciationBasisChanged(Event):
    """The asset's useful life or salvage value changed (None: that one did not change). The asset is saved."""

    asset: Asset
    useful_life_months: int | None
    salvage_value: Decimal | None


@dataclass(frozen=True, kw_only=True)
class AssetStatusChanged(Event):
    """The asset moved along its lifecycle (also into `disposed`, followed by `AssetDisposed`)."""

    asset: Asset
    from_status: str
    to_status: str
    effective_date: date
    reason: str


@dataclass(frozen=True, kw_only=True)
class AssetDisposed(Event):
    """The asset was disposed of: the disposal (date, method, proceeds) is recorded and the asset is read-only."""

    asset: Asset
    disposal: Disposal


@dataclass(frozen=True, kw_only=True)
class MeterReadingRecorded(Event):
    """A meter reading (odometer, hour meter) was recorded for the asset."""

    asset: Asset
    reading: MeterReading
