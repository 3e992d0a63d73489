"""Web forms of the register. They check the shape of input only; the services validate and write.

Service errors come back as `django.core.exceptions.ValidationError` (often a field dict) and are put next
to the fields they name with `ledgerline.forms.add_service_errors`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from ledgerline.money import Money
from ledgerline.policy import Actor

from . import permissions, selectors
from .choices import FINANCIAL_FIELDS, KIND_FIELDS, KIND_REQUIRED_FIELDS, DisposalMethod
from .models import Asset

CONFLICT_MESSAGE = (
    "This asset was changed by someone else while you were editing it. "
    "Reload the page to see their changes, then make yours again."
)

# How the asset form is laid out: (legend, fields). Kind-specific fieldsets follow from KIND_FIELDS.
ASSET_FIELDSETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Identity", ("asset_tag", "name", "kind", "category", "serial_number")),
    ("Where and who", ("site", "location", "parent", "custodian", "department")),
    ("Dates and supplier", ("acquisition_date", "in_service_date", "warranty_end", "supplier")),
    ("Financial", FINANCIAL_FIELDS),
    ("Notes", ("notes",)),
)


class DateInput(forms.DateInput):
    """A native date picker; the value is sent as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class AssetTagField(forms.ModelChoiceField):
    """An asset chosen by typing its tag (a select of every asset would not scale)."""

    def __init__(self, queryset: Any, **kwargs: Any) -> None:
        kwargs["to_field_name"] = "asset_tag"
        super().__init__(queryset, **kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().upper()
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Asset):
            return value.asset_tag
        if isinstance(value, int) and self.queryset is not None:
            return self.queryset.filter(pk=value).values_list("asset_tag", flat=True).first() or ""
        return super().prepare_value(value)


class TaggedSelect(forms.Select):
    """A select whose options carry one attribute of their object (`data-site="3"`), for the form's script.

    The script narrows one select by another (locations by the chosen site, categories by the chosen kind);
    the service still refuses a mismatch with a field error, so the page works without it.
    """

    def __init__(self, data_name: str, value_of: Callable[[Any], Any], attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.data_name = data_name
        self.value_of = value_of

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):  # type: ignore[no-untyped-def]
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"][f"data-{self.data_name}"] = self.value_of(instance)
        return option


class LocationChoiceField(forms.ModelChoiceField):
    """A location shown with its site and path, e.g. `HQ · Main block › Floor 2 › Plant room`."""

    widget = TaggedSelect("site", lambda location: location.site_id, attrs={"data-narrowed-by": "site"})

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.site.code} · {obj.path}"


class CategoryChoiceField(forms.ModelChoiceField):
    """A category whose options name their kind, so the form offers only the chosen kind's categories."""

    widget = TaggedSelect("kind", lambda category: category.kind, attrs={"data-narrowed-by": "kind"})


class UserChoiceField(forms.ModelChoiceField):
    """A person shown by full name, falling back to the username."""

    def label_from_instance(self, obj: Any) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.get_username()})" if full else obj.get_username()


class AssetForm(forms.ModelForm):
    """Create or edit an asset: only the fields the user may write are on the form.

    Facility managers get the register fields, finance staff only the financial ones, superusers all of
    them. The model's own validation is left to the service (`_post_clean` is a no-op), so a form error
    here is always about shape: a missing value, a bad date, a number that is not a number.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Asset
        fields = permissions.ASSET_WRITABLE_FIELDS
        widgets = {
            "acquisition_date": DateInput(),
            "in_service_date": DateInput(),
            "warranty_end": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "address": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {
            "parent": AssetTagField,
            "location": LocationChoiceField,
            "category": CategoryChoiceField,
            "custodian": UserChoiceField,
        }

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.creating = self.instance.pk is None
        if self.creating:
            allowed = permissions.creatable_asset_fields(user)
        else:
            allowed = permissions.REGISTER.writable_fields(user, self.instance.site_id)
        for name in list(self.fields):
            if name != "version" and name not in allowed:
                del self.fields[name]
        if self.creating:
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True

        self._limit_choices()
        if not self.creating:
            self._trim_money_initials()
        if "asset_tag" in self.fields:
            self.fields["asset_tag"].widget.attrs.update(
                {"autocapitalize": "characters", "spellcheck": "false", "placeholder": "e.g. HQ-PUMP-7"}
            )
            self.fields["asset_tag"].help_text = "Capital letters, digits, '-', '_' or '.'; unique in the register."
        if "parent" in self.fields:
            self.fields["parent"].widget = forms.TextInput(attrs={"placeholder": "Asset tag, e.g. HQ-AHU-1"})
            self.fields["parent"].label = "Part of"
            self.fields["parent"].help_text = "If this asset is a component: the tag of the asset it belongs to."
            self.fields["parent"].error_messages["invalid_choice"] = "No asset you can see has this tag."
        for names in KIND_REQUIRED_FIELDS.values():
            for name in names:
                if name in self.fields:
                    self.fields[name].kind_required = True  # type: ignore[attr-defined]  # marked in the template
        if "vin" in self.fields:
            self.fields["vin"].widget.attrs.update({"autocapitalize": "characters", "spellcheck": "false"})

    def _limit_choices(self) -> None:
        """Offer only the categories, sites, locations, parents and custodians this user may use."""
        user = self.user
        sites = selectors.sites_visible_to(user)
        self._set_queryset("category", selectors.categories())
        self._set_queryset("site", sites)
        self._set_queryset("location", selectors.locations_visible_to(user).order_by("site__code", "code"))
        self._set_queryset("parent", selectors.assets_visible_to(user))
        self._set_queryset(
            "custodian",
            get_user_model()
            .objects.filter(is_active=True, assigned_sites__in=sites)
            .distinct()
            .order_by("first_name", "last_name", "username"),
        )
        if "site" in self.fields and self.creating and not self.is_bound:
            only = list(sites[:2])
            if len(only) == 1:
                self.fields["site"].initial = only[0].pk

    def _trim_money_initials(self) -> None:
        """Show stored amounts as `12000.00` rather than `12000.0000` when no precision is lost."""
        for name in ("acquisition_cost", "salvage_value"):
            value = self.initial.get(name)
            if name in self.fields and isinstance(value, Decimal):
                try:
                    rounded = Money(value, self.instance.currency).rounded().amount
                except ValidationError:
                    continue
                if rounded == value:
                    self.initial[name] = rounded

    def _set_queryset(self, name: str, queryset: Any) -> None:
        field = self.fields.get(name)
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = queryset

    def _post_clean(self) -> None:
        """Skip the model's validation: `services.asset_create/asset_update` do it and report field errors."""

    def service_data(self) -> dict[str, Any]:
        """The cleaned values to hand to the service (every field on the form except the version)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    def fieldsets(self) -> list[dict[str, Any]]:
        """The form's fields grouped for display, kind-specific groups right after the identity.

        Kind-specific groups carry their kind so that a small script can show only the chosen kind's group.
        """
        kind_labels = dict(Asset._meta.get_field("kind").flatchoices)
        kind_groups = []
        for kind, names in KIND_FIELDS.items():
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                kind_groups.append({"legend": f"{kind_labels[kind]} details", "fields": fields, "kind": kind})
        groups: list[dict[str, Any]] = []
        for legend, names in ASSET_FIELDSETS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                groups.append({"legend": legend, "fields": fields, "kind": ""})
            if legend == "Identity":
                groups.extend(kind_groups)
        return groups


class TransitionForm(forms.Form):
    """Move an asset to one of the statuses its current status allows (disposal has its own form)."""

    to_status = forms.ChoiceField(label="New status")
    effective_date = forms.DateField(label="Effective date", widget=DateInput(), required=False)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = targets  # type: ignore[attr-defined]
        self.fields["effective_date"].initial = timezone.localdate()
        self.fields["effective_date"].help_text = "Today if left empty."


class DisposeForm(forms.Form):
    """Record how an out-of-service asset left the organisation."""

    disposal_date = forms.DateField(label="Disposal date", widget=DateInput())
    method = forms.ChoiceField(choices=DisposalMethod.choices)
    proceeds = forms.DecimalField(max_digits=20, decimal_places=4, min_value=0, initial=0)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput)
    # The disposal service's refusals about the status change concern the whole form; its date is ours.
    service_error_fields = {"to_status": NON_FIELD_ERRORS, "effective_date": "disposal_date"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["disposal_date"].initial = timezone.localdate()


class DocumentForm(forms.Form):
    """Attach a photo or document to an asset; the service checks size, type and content."""

    title = forms.CharField(max_length=200, required=False, help_text="The file name if left empty.")
    file = forms.FileField(
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.txt,.csv"})
    )
