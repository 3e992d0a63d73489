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

from . import custom_fields, permissions, selectors
from .choices import KIND_REQUIRED_FIELDS, CustomFieldType, DisposalMethod
from .fields import ASSET_FIELD_GROUPS, CUSTOM_FIELDS
from .models import CUSTOM_FIELD_NUMBER_BOUND, Asset, CustomField

CONFLICT_MESSAGE = (
    "This asset was changed by someone else while you were editing it. "
    "Reload the page to see their changes, then make yours again."
)


class DateInput(forms.DateInput):
    """A native date picker; the value is sent as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# A hidden field naming the category whose custom fields the form shows: when the category changes, the form
# comes back with the new category's fields instead of saving (see `CustomFieldsFormMixin`).
CUSTOM_FIELDS_CATEGORY = "custom_fields_category"
CATEGORY_SWITCHED = "The category changed: fill in its own fields below, then save again."
YES_NO_CHOICES = [("", "—"), ("yes", "Yes"), ("no", "No")]


def custom_form_field(definition: CustomField) -> forms.Field:
    """The form field of one custom field: it checks the shape; the service checks the value again."""
    options: dict[str, Any] = {
        "label": definition.label + (f" ({definition.unit})" if definition.unit else ""),
        "required": definition.required,
        "help_text": definition.help_text,
    }
    kind = definition.field_type
    if kind == CustomFieldType.NUMBER:
        low = definition.min_value if definition.min_value is not None else -CUSTOM_FIELD_NUMBER_BOUND
        high = definition.max_value if definition.max_value is not None else CUSTOM_FIELD_NUMBER_BOUND
        return forms.DecimalField(
            max_digits=16, decimal_places=definition.decimal_places, min_value=low, max_value=high, **options
        )
    if kind == CustomFieldType.DATE:
        return forms.DateField(widget=DateInput(), **options)
    if kind == CustomFieldType.YES_NO:
        return forms.ChoiceField(choices=YES_NO_CHOICES, **options)
    if kind == CustomFieldType.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *((c, c) for c in definition.choices)], **options)
    return forms.CharField(max_length=definition.max_length or custom_fields.TEXT_DEFAULT_MAX_LENGTH, **options)


def custom_fields_category(data: Any, instance: Asset) -> int | None:
    """The category whose custom fields a form shows: the one submitted, else the asset's own."""
    raw = data.get("category") if data is not None else None
    if raw not in (None, ""):
        try:
            return int(raw)
        except (TypeError, ValueError):
            return instance.category_id
    return instance.category_id


class CustomFieldsFormMixin:
    """Adds one form field per custom field of the asset's category (web form and admin alike).

    `service_data()` hands the values to the service as `custom_fields`; the service checks them.
    """

    custom_definitions: list[CustomField]
    service_error_fields: dict[str, str]
    fields: Any
    initial: Any
    data: Any
    is_bound: bool
    instance: Any

    def add_custom_fields(self, definitions: list[CustomField], category_id: int | None) -> None:
        self.custom_definitions = definitions
        # The service names a custom field `custom_fields.<key>`; its message goes beside `cf_<key>`.
        self.service_error_fields = {
            **getattr(self, "service_error_fields", {}),
            **{custom_fields.error_key(d.key): custom_fields.form_name(d.key) for d in definitions},
        }
        values = self.instance.custom_fields or {}
        for definition in definitions:
            name = custom_fields.form_name(definition.key)
            self.fields[name] = custom_form_field(definition)
            self.initial[name] = custom_fields.plain_value(values.get(definition.key)) or None
        self.fields[CUSTOM_FIELDS_CATEGORY] = forms.CharField(widget=forms.HiddenInput, required=False)
        shown = "" if category_id is None else str(category_id)
        self.initial[CUSTOM_FIELDS_CATEGORY] = shown
        self.category_switched = False
        if self.is_bound:
            posted = self.data.get(CUSTOM_FIELDS_CATEGORY, "")
            self.category_switched = posted != shown and bool(definitions or values)
            if posted != shown:
                self.data = self.data.copy()
                self.data[CUSTOM_FIELDS_CATEGORY] = shown
                for definition in definitions:  # start from the stored values, not the other category's inputs
                    name = custom_fields.form_name(definition.key)
                    self.data[name] = self.initial[name] or ""

    def custom_values(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        """The custom values as the service takes them."""
        return {
            d.key: cleaned.get(custom_fields.form_name(d.key))
            for d in self.custom_definitions
            if cleaned.get(custom_fields.form_name(d.key)) not in (None, "")
        }


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


class AssetForm(CustomFieldsFormMixin, forms.ModelForm):
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
            if name != "version" and name not in allowed or name in CUSTOM_FIELDS:
                del self.fields[name]
        self.custom_definitions = []
        if set(CUSTOM_FIELDS) & allowed:
            category_id = custom_fields_category(self.data if self.is_bound else None, self.instance)
            self.add_custom_fields(custom_fields.definitions_for(category_id), category_id)
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

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if getattr(self, "category_switched", False):
            raise ValidationError(CATEGORY_SWITCHED)
        return cleaned

    def service_data(self) -> dict[str, Any]:
        """The cleaned values to hand to the service (every model field on the form, and the custom values)."""
        data = {name: v for name, v in self.cleaned_data.items() if name in permissions.ASSET_WRITABLE_FIELDS}
        if CUSTOM_FIELDS_CATEGORY in self.fields:
            data["custom_fields"] = self.custom_values(self.cleaned_data)
        return data

    def fieldsets(self) -> list[dict[str, Any]]:
        """The form's fields in the declared groups (`assetreg.fields`).

        Kind-specific groups carry their kind so that a small script can show only the chosen kind's group.
        """
        groups: list[dict[str, Any]] = []
        for group in ASSET_FIELD_GROUPS:
            names = [custom_fields.form_name(d.key) for d in self.custom_definitions] if group.custom else group.fields
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                groups.append({"legend": group.legend, "fields": fields, "kind": group.kind})
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
