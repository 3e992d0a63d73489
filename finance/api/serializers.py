"""Shapes of the valuation engine's REST API.

Output serializers render what `finance.selectors` return (money as strings beside its currency, never floats).
Input serializers only check the shape of what a client sends (amounts as strings, dates in ISO 8601); the
services in `finance.services` apply the accounting rules and write the ledger.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assetreg.api.serializers import AssetRefSerializer
from ledgerline import bounds
from ledgerline.api import MoneyAmountField, StrictInputSerializer

from ..models import DepreciationRun, RunFailure, ValueEntry

DATE_REQUIRED = "Give the date as YYYY-MM-DD."
REASON_HELP = "Why: shown in the ledger and the audit trail."

# --------------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------------


class ScheduleRowOutputSerializer(serializers.Serializer):
    """One month of an asset's depreciation schedule: posted (in the ledger) or planned (from the plan)."""

    period = serializers.DateField(read_only=True, help_text="The month (its first day).")
    amount = MoneyAmountField(
        source="amount.amount", read_only=True, help_text="Depreciation of the month (a positive amount)."
    )
    currency = serializers.CharField(source="amount.currency", read_only=True)
    carrying_after = MoneyAmountField(
        source="carrying_after.amount", read_only=True, help_text="The book value at the end of the month."
    )
    posted = serializers.BooleanField(read_only=True, help_text="True once posted to the ledger; false if planned.")


class ValueEntryOutputSerializer(serializers.ModelSerializer):
    """One ledger entry: a change of the asset's book value. Entries are never edited; a correction names the
    entry it corrects in `corrects`."""

    amount = MoneyAmountField(read_only=True, help_text="Change of the book value (negative lowers it).")
    carrying_after = MoneyAmountField(read_only=True, help_text="The book value after this entry.")
    reserve_change = MoneyAmountField(read_only=True, help_text="Change of the revaluation reserve (equity).")
    profit_or_loss = MoneyAmountField(
        read_only=True, help_text="Recognised in profit or loss: an expense or loss is negative, a gain positive."
    )
    corrects = serializers.IntegerField(
        source="corrects_id", read_only=True, allow_null=True, help_text="The id of the entry this one corrects."
    )
    run = serializers.IntegerField(
        source="run_id", read_only=True, allow_null=True, help_text="The id of the depreciation run that posted it."
    )
    actor: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Who recorded it (empty for runs)."
    )

    class Meta:
        model = ValueEntry
        fields = [
            "id",
            "kind",
            "period",
            "entry_date",
            "amount",
            "carrying_after",
            "reserve_change",
            "profit_or_loss",
            "currency",
            "reason",
            "appraiser",
            "corrects",
            "run",
            "actor",
            "created_at",
        ]
        read_only_fields = fields


class BookValueOutputSerializer(serializers.Serializer):
    """An asset's book value on a date."""

    asset = serializers.IntegerField(read_only=True, help_text="The asset's id.")
    as_of = serializers.DateField(read_only=True)
    book_value = MoneyAmountField(source="value.amount", read_only=True)
    currency = serializers.CharField(source="value.currency", read_only=True)


class AssetBookValueOutputSerializer(serializers.Serializer):
    """One row of a valuation as of a date: the asset and its book value."""

    asset = AssetRefSerializer(read_only=True)
    book_value = MoneyAmountField(source="value.amount", read_only=True)
    currency = serializers.CharField(source="value.currency", read_only=True)


class DepreciationRunOutputSerializer(serializers.ModelSerializer):
    """A posting run: its period, status, progress while it runs and the totals it posted. The one JSON shape of
    a run's status: the API, the web progress page and the admin's run list (static/js/runs.js) all read it."""

    status_label = serializers.CharField(source="get_status_display", read_only=True, help_text="The status in words.")
    finished = serializers.BooleanField(
        source="is_finished", read_only=True, help_text="True once the run is done, done with errors or failed."
    )
    duration_seconds = serializers.FloatField(
        read_only=True, allow_null=True, help_text="From start to finish; empty while the run is not finished."
    )

    requested_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Empty for scheduled runs."
    )
    progress_percent = serializers.IntegerField(read_only=True, help_text="processed_assets of total_assets, 0-100.")
    totals = serializers.DictField(
        child=serializers.CharField(),
        read_only=True,
        help_text='Depreciation posted by the run, per currency, e.g. {"EUR": "1800.00"}; filled when it ends.',
    )

    class Meta:
        model = DepreciationRun
        fields = [
            "id",
            "period",
            "status",
            "status_label",
            "finished",
            "trigger",
            "requested_by",
            "total_assets",
            "processed_assets",
            "progress_percent",
            "chunks_total",
            "chunks_done",
            "posted_entries",
            "failed_assets",
            "totals",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "duration_seconds",
        ]
        read_only_fields = fields


class RunFailureOutputSerializer(serializers.ModelSerializer):
    """An asset a run could not value, and why; the rest of the run was posted."""

    asset = serializers.IntegerField(source="asset_id", read_only=True, help_text="The asset's id.")
    asset_tag = serializers.CharField(source="asset.asset_tag", read_only=True)

    class Meta:
        model = RunFailure
        fields = ["asset", "asset_tag", "reason"]
        read_only_fields = fields


# --------------------------------------------------------------------------------------------------
# Query parameters
# --------------------------------------------------------------------------------------------------


class BookValueQuerySerializer(serializers.Serializer):
    """`?as_of=YYYY-MM-DD`: the date of the book value."""

    as_of = serializers.DateField(
        error_messages={"required": DATE_REQUIRED, "null": DATE_REQUIRED},
        help_text="YYYY-MM-DD. Past dates read the ledger; dates beyond what is posted are forecast from the plan.",
    )


# --------------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}(-\d{2})?$", "example": "2024-12"})
class PeriodField(serializers.Field):
    """A month, given as `YYYY-MM` or as any date in it (`YYYY-MM-DD`); becomes the month's first day."""

    default_error_messages = {"invalid_period": "Give the month as YYYY-MM (or a date in it, YYYY-MM-DD)."}

    def to_internal_value(self, data: Any) -> date:
        text = data.strip() if isinstance(data, str) else ""
        if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", text):
            try:
                return date.fromisoformat(text if len(text) == 10 else f"{text}-01").replace(day=1)
            except ValueError:
                pass
        self.fail("invalid_period")

    def to_representation(self, value: date) -> str:
        return f"{value:%Y-%m}"


class DepreciationRunStartInputSerializer(StrictInputSerializer):
    """The month to post."""

    period = PeriodField(help_text="The month to post: YYYY-MM, or a date in it (YYYY-MM-DD).")


class ValueEventInputSerializer(StrictInputSerializer):
    """What every value event has: the date it takes effect and why."""

    entry_date = serializers.DateField(
        error_messages={"required": DATE_REQUIRED},
        help_text="YYYY-MM-DD; not in the future and after the last posted month.",
    )
    reason = serializers.CharField(max_length=2000, help_text=REASON_HELP)


class RevalueInputSerializer(ValueEventInputSerializer):
    """A revaluation to fair value, with the appraiser who gave it."""

    fair_value = MoneyAmountField(help_text='The new book value, in the asset\'s currency, as a string: "9160.00".')
    appraiser = serializers.CharField(max_length=200, help_text="The person or firm who appraised the asset.")


class ImpairInputSerializer(ValueEventInputSerializer):
    """An impairment down to the recoverable amount."""

    recoverable_amount = MoneyAmountField(
        help_text='Below the current book value, in the asset\'s currency, as a string: "6000.00".'
    )


class ReverseImpairmentInputSerializer(ValueEventInputSerializer):
    """A reversal of an earlier impairment, by an amount."""

    amount = MoneyAmountField(
        help_text="The increase, as a string; at most up to the book value the asset would have had unimpaired."
    )


class ImproveInputSerializer(ValueEventInputSerializer):
    """A capital improvement: its cost and, optionally, a new remaining useful life."""

    added_cost = MoneyAmountField(help_text='The cost capitalised, in the asset\'s currency, as a string: "4800.00".')
    new_useful_life_months = serializers.IntegerField(
        min_value=1,
        max_value=bounds.MAX_USEFUL_LIFE_MONTHS,
        required=False,
        allow_null=True,
        help_text="Months the asset is depreciated over from the improvement on; empty keeps the remaining life.",
    )
