"""Web forms of the valuation pages. They check the shape of input only; finance.services validates and writes.

Each value-event form knows the keyword arguments of its service (`service_kwargs`), so one view serves all
four; the service's ValidationErrors are put next to the fields they name (assetreg.forms.add_service_errors).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from assetreg.forms import DateInput
from assetreg.services import DOCUMENT_TYPES

EVIDENCE_EXTENSIONS = tuple(sorted(DOCUMENT_TYPES))


def amount_field(label: str, **kwargs: Any) -> forms.DecimalField:
    """An amount of money as the services take it: up to 4 decimal places, not negative."""
    return forms.DecimalField(label=label, max_digits=20, decimal_places=4, min_value=0, **kwargs)


class MonthInput(forms.DateInput):
    """A native month picker; the value is sent as YYYY-MM."""

    input_type = "month"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"placeholder": "YYYY-MM", **(attrs or {})}, format="%Y-%m")


class ValueEventForm(forms.Form):
    """The date and reason every value event has; the amount fields are labelled in the asset's currency."""

    entry_date = forms.DateField(label="Date", widget=DateInput())
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    amount_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry_date"].initial = timezone.localdate()
        self.fields["entry_date"].help_text = "The day the change takes effect; not in a posted month."
        for name in self.amount_fields:
            field = self.fields[name]
            field.label = f"{field.label} ({currency})"
            field.widget.attrs.update({"inputmode": "decimal", "step": "0.01"})

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned values as the service's keyword arguments."""
        return dict(self.cleaned_data)


class RevalueForm(ValueEventForm):
    """Revalue to fair value, naming the appraiser; the appraisal report may be attached."""

    fair_value = amount_field("Fair value")
    appraiser = forms.CharField(max_length=200, help_text="The person or firm who appraised the asset.")
    evidence = forms.FileField(
        label="Appraisal report",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EVIDENCE_EXTENSIONS)}),
    )
    amount_fields = ("fair_value",)
    field_order = ("entry_date", "fair_value", "appraiser", "evidence", "reason")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.DOCUMENT_MAX_BYTES // (1024 * 1024)
        kinds = ", ".join(e[1:].upper() for e in EVIDENCE_EXTENSIONS)
        self.fields["evidence"].help_text = f"{kinds}; up to {limit} MB."

    def clean_evidence(self) -> Any:
        evidence = self.cleaned_data.get("evidence")
        if not evidence:
            return None
        name = evidence.name or ""
        extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        if extension not in DOCUMENT_TYPES:
            raise forms.ValidationError(
                f"Files of this type cannot be attached. Allowed: "
                f"{', '.join(e[1:].upper() for e in EVIDENCE_EXTENSIONS)}."
            )
        if not evidence.size:
            raise forms.ValidationError("The file is empty.")
        if evidence.size > settings.DOCUMENT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than the limit of {settings.DOCUMENT_MAX_BYTES // (1024 * 1024)} MB."
            )
        return evidence


class ImpairForm(ValueEventForm):
    """Write the asset down to its recoverable amount."""

    recoverable_amount = amount_field(
        "Recoverable amount", help_text="The higher of fair value less costs to sell and value in use."
    )
    amount_fields = ("recoverable_amount",)
    field_order = ("entry_date", "recoverable_amount", "reason")


class ReverseImpairmentForm(ValueEventForm):
    """Reverse (part of) an earlier impairment."""

    amount = amount_field("Amount reversed")
    amount_fields = ("amount",)
    field_order = ("entry_date", "amount", "reason")


class ImproveForm(ValueEventForm):
    """Capitalise an improvement, optionally with a new remaining life."""

    added_cost = amount_field("Cost added")
    new_useful_life_months = forms.IntegerField(
        label="New remaining life (months)",
        required=False,
        min_value=1,
        help_text="Leave empty to spread the cost over the remaining life.",
    )
    amount_fields = ("added_cost",)
    field_order = ("entry_date", "added_cost", "new_useful_life_months", "reason")


class PostPeriodForm(forms.Form):
    """Choose the month a posting run posts depreciation through."""

    period = forms.DateField(
        label="Month",
        widget=MonthInput(),
        input_formats=["%Y-%m", "%Y-%m-%d", "%m/%Y"],
        help_text="Posts every valued asset through the end of this month; months already posted are skipped.",
    )
