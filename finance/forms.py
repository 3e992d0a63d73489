"""The valuation forms, one of each, used by the web pages and by finance staff's admin alike. They check the
shape of input only; finance.services (and assetreg.services for a disposal) validate and write, and their
refusals are put beside the fields they name by `ledgerline.forms.add_service_errors`.

A value-event form is always made for one asset (its amounts are labelled in the asset's currency) and knows
the keyword arguments of its service (`service_kwargs`), so one view per interface serves all four. The web
page takes the asset from the URL; the admin asks for it first with `AssetTagForm`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from assetreg import selectors as register_selectors
from assetreg.forms import DateInput
from assetreg.models import Asset
from assetreg.services import DOCUMENT_TYPES

from . import services
from .models import ValueEntry

EVIDENCE_EXTENSIONS = tuple(sorted(DOCUMENT_TYPES))
REASON_MAX_LENGTH = 2000
MONTH_INPUT_FORMATS = ["%Y-%m", "%Y-%m-%d", "%m/%Y"]


def amount_field(label: str, **kwargs: Any) -> forms.DecimalField:
    """An amount of money as the services take it: up to 4 decimal places, not negative."""
    return forms.DecimalField(label=label, max_digits=20, decimal_places=4, min_value=0, **kwargs)


def reason_field(label: str = "Reason") -> forms.CharField:
    """Why: shown in the ledger and the audit trail."""
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 3}), max_length=REASON_MAX_LENGTH)


class MonthInput(forms.DateInput):
    """A native month picker; the value is sent as YYYY-MM."""

    input_type = "month"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"placeholder": "YYYY-MM", **(attrs or {})}, format="%Y-%m")


class AssetTagForm(forms.Form):
    """Which asset a value form is for, by tag, among the assets the user may see (the admin's first step)."""

    asset = forms.CharField(label="Asset tag", max_length=50)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.found: Asset | None = None

    def clean_asset(self) -> str:
        tag = self.cleaned_data["asset"].strip().upper()
        self.found = register_selectors.assets_visible_to(self.user).filter(asset_tag=tag).first()
        if self.found is None:
            raise forms.ValidationError(f"There is no asset tagged {tag}.")
        return tag


class ValueEventForm(forms.Form):
    """The date and reason every value event has; the amount fields are labelled in the asset's currency."""

    entry_date = forms.DateField(label="Date", widget=DateInput())
    reason = reason_field()
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

    amount = amount_field(
        "Amount reversed", help_text="At most up to what the asset would carry without the impairment."
    )
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


@dataclass(frozen=True)
class ValueEvent:
    """One value event as the web page and the admin both offer it: its form, the service it calls and the words
    around it (`done` takes the asset's tag and its book value after the event)."""

    slug: str
    title: str
    intro: str
    form_class: type[ValueEventForm]
    service: Callable[..., ValueEntry]
    submit: str
    done: str

    def done_message(self, asset: Asset, entry: ValueEntry) -> str:
        return self.done.format(asset=asset.asset_tag, value=entry.carrying_money.format())


REVALUE = ValueEvent(
    slug="revalue",
    title="Revalue",
    intro="Set the asset to its fair value. An increase goes to the revaluation reserve (after reversing earlier "
    "revaluation losses); a decrease uses up the reserve first, the rest is a loss. Depreciation continues "
    "from the new value over the remaining life.",
    form_class=RevalueForm,
    service=services.asset_revalue,
    submit="Record revaluation",
    done="{asset} was revalued to {value}.",
)
IMPAIR = ValueEvent(
    slug="impair",
    title="Impair",
    intro="Write the asset down to its recoverable amount. A revaluation reserve absorbs the loss first; "
    "depreciation continues from the lower value.",
    form_class=ImpairForm,
    service=services.asset_impair,
    submit="Record impairment",
    done="{asset} was impaired to {value}.",
)
REVERSE_IMPAIRMENT = ValueEvent(
    slug="reverse-impairment",
    title="Reverse impairment",
    intro="Reverse an earlier impairment, at most up to the book value the asset would have had without it.",
    form_class=ReverseImpairmentForm,
    service=services.asset_reverse_impairment,
    submit="Record reversal",
    done="The impairment of {asset} was reversed; its book value is now {value}.",
)
IMPROVE = ValueEvent(
    slug="improve",
    title="Capital improvement",
    intro="Add the cost of an improvement to the book value; it is depreciated over the remaining life, or over "
    "a new one.",
    form_class=ImproveForm,
    service=services.asset_improve,
    submit="Record improvement",
    done="The improvement of {asset} was recorded; its book value is now {value}.",
)
VALUE_EVENTS = (REVALUE, IMPAIR, REVERSE_IMPAIRMENT, IMPROVE)


class CorrectionForm(forms.Form):
    """The depreciation that should have been posted for an entry's month."""

    correct_amount = amount_field(
        "Correct depreciation", help_text="What should have been posted for this month (a positive amount, or 0)."
    )
    reason = reason_field()


class PostPeriodForm(forms.Form):
    """Choose the month a posting run posts depreciation through."""

    period = forms.DateField(
        label="Month",
        widget=MonthInput(),
        input_formats=MONTH_INPUT_FORMATS,
        help_text="Posts every valued asset through the end of this month; months already posted are skipped.",
    )
