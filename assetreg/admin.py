"""Finance staff's admin for the register. It only checks the shape of input: every save, action and
import goes through `assetreg.services`, and every list through `assetreg.selectors`, so the admin applies
the same rules (sites, financial fields, versions, lifecycle) as the web pages and the API."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from simple_history.admin import SimpleHistoryAdmin

from ledgerline.contributions import registry as contributions
from ledgerline.exceptions import ConflictError
from ledgerline.forms import add_service_errors
from ledgerline.policy import Actor, PolicyAdminMixin

from . import csv_io, custom_fields, permissions, selectors, services
from .choices import AssetStatus, DepreciationMethod
from .fields import ASSET_FIELD_GROUPS, CUSTOM_FIELDS, READ_ONLY_FIELDS
from .forms import (
    CATEGORY_SWITCHED,
    CUSTOM_FIELDS_CATEGORY,
    CustomFieldsFormMixin,
    custom_fields_category,
    custom_form_field,
)
from .models import (
    Asset,
    AssetDocument,
    Category,
    CustomField,
    Disposal,
    Location,
    MeterReading,
    Site,
    StatusChange,
    WarrantyAlert,
)
from .permissions import REGISTER

# Session key under which a file that passed a dry run waits for the user's confirmation.
IMPORT_SESSION_KEY = "assetreg_import_pending"

# --------------------------------------------------------------------------------------------------
# Shared plumbing: service calls whose refusals become messages, never server errors
# --------------------------------------------------------------------------------------------------


class ServiceRefused(Exception):
    """A service refused a write during an admin save; the admin shows the reason instead of a 500."""


def refusal_text(exc: Exception) -> str:
    """A readable one-line reason from a service's ValidationError, PermissionDenied or ConflictError."""
    if isinstance(exc, ConflictError):
        return exc.message
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(
                message if name == "__all__" else f"{name}: {message}"
                for name, messages_ in exc.message_dict.items()
                for message in messages_
            )
        return "; ".join(exc.messages)
    return str(exc) or "You do not have permission to do this."


def call_service(func: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a service; turn its refusal into `ServiceRefused` for `ServiceAdminMixin.changeform_view`."""
    try:
        return func(**kwargs)
    except (ValidationError, PermissionDenied, ConflictError) as exc:
        raise ServiceRefused(refusal_text(exc)) from exc


def copy_saved(saved: models.Model, target: models.Model) -> None:
    """Make the admin's object (`target`) the row a service saved, so the admin's messages and redirects work."""
    for model_field in saved._meta.concrete_fields:
        setattr(target, model_field.attname, getattr(saved, model_field.attname))
    target._state.adding = False
    target._state.db = saved._state.db
    target._state.fields_cache = dict(saved._state.fields_cache)


def fresh_copy(obj: models.Model) -> models.Model | None:
    """The stored row behind an admin object, untouched by the submitted form (None for a new object)."""
    if obj.pk is None or obj._state.adding:
        return None
    return type(obj)._default_manager.get(pk=obj.pk)


def model_data(form: forms.ModelForm, model: type[models.Model]) -> dict[str, Any]:
    """The submitted values of the model's own fields, as keyword data for a service."""
    names = {f.name for f in model._meta.get_fields() if getattr(f, "concrete", False) or f.many_to_many}
    return {name: value for name, value in form.cleaned_data.items() if name in names}


class ServiceAdminMixin:
    """Shows a service's refusal during a save as an error message (nothing is written), never a 500.

    The change form is processed inside one transaction (see `ModelAdmin.changeform_view`), so raising
    `ServiceRefused` from `save_model`/`save_related` rolls back every write of the request.
    """

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except ServiceRefused as exc:
            self.message_user(request, f"Nothing was saved: {exc}", messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(request.get_full_path())


class RegisterAdminMixin(PolicyAdminMixin):
    """The register's admin screens open by the register's policy (`permissions.REGISTER.admin_screens`)."""

    policy = REGISTER


class ReadOnlyAdminMixin(RegisterAdminMixin):
    """For records that only services write (status changes, disposals, alerts): view, never edit."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --------------------------------------------------------------------------------------------------
# Sites, locations, categories
# --------------------------------------------------------------------------------------------------


class LocationInline(RegisterAdminMixin, admin.TabularInline):
    """The locations of a site, edited with the site (saved through `services.location_save`)."""

    model = Location
    fields = ("kind", "code", "name", "parent", "building_asset")
    autocomplete_fields = ("parent", "building_asset")
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Site)
class SiteAdmin(RegisterAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    """Sites and who works at them. Only administrators change sites (see `services.site_save`)."""

    list_display = ("code", "name", "member_count", "updated_at")
    search_fields = ("code", "name")
    filter_horizontal = ("members",)
    fields = ("code", "name", "address", "members")
    inlines = (LocationInline,)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Site]:
        return selectors.sites_visible_to(request.user).annotate(_members=models.Count("members"))

    @admin.display(description="Members", ordering="_members")
    def member_count(self, obj: Site) -> int:
        return obj._members  # type: ignore[attr-defined]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return REGISTER.can(request.user, "save_site")

    def has_change_permission(self, request: HttpRequest, obj: Site | None = None) -> bool:
        return REGISTER.can(request.user, "save_site")

    def has_delete_permission(self, request: HttpRequest, obj: Site | None = None) -> bool:
        return False  # sites hold assets' history; there is no service to delete one

    def save_model(self, request: HttpRequest, obj: Site, form: forms.ModelForm, change: bool) -> None:
        site = fresh_copy(obj) or obj
        saved = call_service(services.site_save, actor=request.user, data=model_data(form, Site), site=site)
        copy_saved(saved, obj)

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        # site_save already set the members; only the inline locations are left.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool) -> None:
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for location_form in formset.forms:
            if not location_form.has_changed():
                continue
            data = model_data(location_form, Location) | {"site": formset.instance}
            adding = location_form.instance.pk is None
            location = None if adding else Location.objects.get(pk=location_form.instance.pk)
            saved = call_service(services.location_save, actor=request.user, data=data, location=location)
            copy_saved(saved, location_form.instance)
            if adding:
                formset.new_objects.append(location_form.instance)
            else:
                formset.changed_objects.append((location_form.instance, location_form.changed_data))


@admin.register(Location)
class LocationAdmin(RegisterAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    """Buildings, floors, rooms and areas; facility managers with admin access see only their sites."""

    list_display = ("path", "site", "kind", "code")
    list_filter = ("kind", ("site", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "name", "site__code", "site__name", "parent__name")
    autocomplete_fields = ("parent", "building_asset")
    fields = ("site", "parent", "kind", "code", "name", "building_asset")

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Location]:
        return selectors.locations_visible_to(request.user)

    @admin.display(description="Location", ordering="name")
    def path(self, obj: Location) -> str:
        return obj.path

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and REGISTER.can(request.user, "write_anywhere")

    def has_change_permission(self, request: HttpRequest, obj: Location | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return REGISTER.can(request.user, "write_anywhere")
        return REGISTER.can(request.user, "write", obj.site_id)

    def has_delete_permission(self, request: HttpRequest, obj: Location | None = None) -> bool:
        return False  # assets point at locations; there is no service to delete one

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "site":
            kwargs["queryset"] = selectors.sites_writable_by(request.user)
        elif db_field.name == "parent":
            kwargs["queryset"] = selectors.locations_visible_to(request.user)
        elif db_field.name == "building_asset":
            kwargs["queryset"] = selectors.assets_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Location, form: forms.ModelForm, change: bool) -> None:
        location = fresh_copy(obj)
        saved = call_service(
            services.location_save, actor=request.user, data=model_data(form, Location), location=location or obj
        )
        copy_saved(saved, obj)


class CustomFieldForm(forms.ModelForm):
    """A custom field's definition; its choices are typed one per line."""

    choices = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 24}),
        required=False,
        help_text="Choice fields only: one choice per line.",
    )

    class Meta:
        model = CustomField
        fields = (
            "order",
            "key",
            "label",
            "field_type",
            "required",
            "help_text",
            "max_length",
            "unit",
            "decimal_places",
            "min_value",
            "max_value",
            "choices",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["choices"] = "\n".join(self.instance.choices or [])

    def clean_choices(self) -> list[str]:
        text = self.cleaned_data.get("choices") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def _post_clean(self) -> None:
        """The service checks the definition (`services.custom_field_save`)."""


class CustomFieldInline(admin.TabularInline):
    """The category's own fields, defined by finance staff (saved through `services.custom_field_save`)."""

    model = CustomField
    form = CustomFieldForm
    extra = 0
    max_num = custom_fields.MAX_FIELDS_PER_CATEGORY

    def _may_write(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or permissions.can_write_financials(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_write(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_write(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_write(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


@admin.register(Category)
class CategoryAdmin(RegisterAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    """Asset classes and the depreciation defaults new assets inherit, and their own (custom) fields; kept by
    finance staff."""

    inlines = (CustomFieldInline,)

    list_display = (
        "name",
        "kind",
        "default_useful_life_months",
        "default_salvage_percent",
        "default_depreciation_method",
    )
    list_filter = ("kind", "default_depreciation_method")
    search_fields = ("name",)

    def _may_write(self, request: HttpRequest) -> bool:
        return REGISTER.can(request.user, "save_category")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and self._may_write(request)

    def has_change_permission(self, request: HttpRequest, obj: Category | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._may_write(request)

    def has_delete_permission(self, request: HttpRequest, obj: Category | None = None) -> bool:
        return False  # assets keep their category; there is no service to delete one

    def save_model(self, request: HttpRequest, obj: Category, form: forms.ModelForm, change: bool) -> None:
        category = fresh_copy(obj)
        saved = call_service(
            services.category_save, actor=request.user, data=model_data(form, Category), category=category or obj
        )
        copy_saved(saved, obj)

    def save_formset(self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool) -> None:
        """Each custom field goes through `services.custom_field_save` / `custom_field_delete`."""
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for field_form in formset.forms:
            instance = field_form.instance
            if formset.can_delete and formset._should_delete_form(field_form):
                if instance.pk is not None:
                    call_service(
                        services.custom_field_delete,
                        actor=request.user,
                        definition=CustomField.objects.get(pk=instance.pk),
                    )
                    formset.deleted_objects.append(instance)
                continue
            if not field_form.has_changed():
                continue
            data = model_data(field_form, CustomField) | {"category": formset.instance}
            adding = instance.pk is None
            stored = None if adding else CustomField.objects.get(pk=instance.pk)
            saved = call_service(services.custom_field_save, actor=request.user, data=data, definition=stored)
            copy_saved(saved, instance)
            if adding:
                formset.new_objects.append(instance)
            else:
                formset.changed_objects.append((instance, field_form.changed_data))


# --------------------------------------------------------------------------------------------------
# Assets
# --------------------------------------------------------------------------------------------------

# Fields nobody edits in the asset form: the lifecycle changes status, the services keep the rest.
RECORD_FIELDS = ("version", "created_at", "created_by", "updated_at")
ALWAYS_READ_ONLY = (*READ_ONLY_FIELDS, *RECORD_FIELDS)
ASSET_FORM_FIELDS: tuple[str, ...] = permissions.ASSET_WRITABLE_FIELDS


class AssetAdminForm(CustomFieldsFormMixin, forms.ModelForm):
    """Checks the shape of the input, then asks `services.asset_prepare` (which writes nothing) whether the
    change is allowed and valid, so that a refusal shows as a form error. The hidden version makes a save
    based on a stale page fail instead of overwriting someone else's change."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    actor: Actor  # the user saving; bound per request by `AssetAdmin.get_form`
    definitions: list[CustomField] = []  # the category's custom fields, bound per request by `get_form`
    definitions_category: int | None = None

    class Meta:
        model = Asset
        fields = ASSET_FORM_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service_data: dict[str, Any] = {}
        self.custom_definitions = []
        if CUSTOM_FIELDS_CATEGORY in self.fields:
            self.add_custom_fields(self.definitions, self.definitions_category)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
            return
        # A new asset: empty financial defaults mean "take the category's".
        if "salvage_value" in self.fields:
            salvage = self.fields["salvage_value"]
            salvage.required, salvage.initial = False, None
            salvage.help_text = "Leave empty for the category's salvage percentage of the cost."
        if "depreciation_method" in self.fields:
            method = cast(forms.ChoiceField, self.fields["depreciation_method"])
            method.required, method.initial = False, ""
            method.choices = [("", "— the category's method —"), *DepreciationMethod.choices]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if self._errors:  # type: ignore[attr-defined]
            return cleaned  # the shape is wrong already; the service's view would only add noise
        names = [name for name in self.fields if name in permissions.ASSET_WRITABLE_FIELDS]
        if getattr(self, "category_switched", False):
            self.add_error(None, CATEGORY_SWITCHED)
            return cleaned
        custom: dict[str, Any] = {}
        if CUSTOM_FIELDS_CATEGORY in self.fields:
            custom = {CUSTOM_FIELDS[0]: self.custom_values(cleaned)}
            custom_changed = any(n.startswith(custom_fields.form_name("")) for n in self.changed_data)
        try:
            if self.instance.pk:
                current = Asset.objects.select_related("category", "site").get(pk=self.instance.pk)
                seen = cleaned.get("expected_version")
                if seen is None or int(seen) != current.version:
                    raise ConflictError(
                        "Someone else changed this asset while you had it open. Nothing was saved: "
                        "open it again to see their change, then make yours.",
                        current_version=current.version,
                    )
                self.service_data = {name: cleaned[name] for name in names if name in self.changed_data}
                if custom and custom_changed:
                    self.service_data.update(custom)
                if self.service_data:
                    services.asset_prepare(actor=self.actor, data=self.service_data, asset=current)
            else:
                self.service_data = {name: cleaned.get(name) for name in names} | custom
                services.asset_prepare(actor=self.actor, data=self.service_data)
        except ValidationError as exc:
            add_service_errors(self, exc)
        except (PermissionDenied, ConflictError) as exc:
            self.add_error(None, refusal_text(exc))
        return cleaned

    def _post_clean(self) -> None:
        """The service validated the whole asset in `clean()`; the model's own validation here would only
        repeat its messages, or fail on fields this user cannot see in the form. Nothing else to do."""


class AssetActionForm(ActionForm):
    """The changelist's action bar, with the reason a status change needs."""

    reason = forms.CharField(
        required=False,
        label="Reason",
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "Reason (for status changes)", "size": 30}),
    )


class AssetImportForm(forms.Form):
    """Upload a CSV in the export format; a dry run (the default) only reports what would change."""

    file = forms.FileField(label="CSV file", help_text="The columns of an export; UTF-8. Status is not imported.")
    dry_run = forms.BooleanField(
        required=False,
        initial=True,
        label="Dry run: check and report only, write nothing",
    )


class StatusChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The asset's lifecycle: who moved it from what to what, when and why."""

    model = StatusChange
    fields = ("effective_date", "from_status", "to_status", "reason", "actor", "changed_at")
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[StatusChange]:
        return super().get_queryset(request).select_related("actor")


class AssetDocumentInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The asset's photos and documents, each with a link to the access-checked download page."""

    model = AssetDocument
    fields = ("title", "kind", "original_name", "size_bytes", "uploaded_by", "uploaded_at", "download")
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[AssetDocument]:
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description="File")
    def download(self, obj: AssetDocument) -> str:
        try:
            url = reverse("assetreg:document_download", args=[obj.asset_id, obj.pk])
        except NoReverseMatch:
            return "—"
        return format_html('<a href="{}">Download</a>', url)


class DisposalInline(ReadOnlyAdminMixin, admin.StackedInline):
    """How the asset left the organisation, once it has."""

    model = Disposal
    fields = ("disposal_date", "method", "proceeds", "currency", "reason", "recorded_by", "recorded_at")
    readonly_fields = fields
    extra = 0


@admin.register(Asset)
class AssetAdmin(RegisterAdminMixin, ServiceAdminMixin, SimpleHistoryAdmin):
    """The register for finance staff: list, filter, change financial data, import and export CSV.

    The history page (django-simple-history) shows every change with its before and after values.
    """

    form = AssetAdminForm
    action_form = AssetActionForm
    change_list_template = "admin/assetreg/asset/change_list.html"
    import_template = "admin/assetreg/asset/import.html"
    list_display = ("asset_tag", "name", "kind", "category", "status", "site_code", "cost", "updated")
    list_display_links = ("asset_tag", "name")
    list_filter = (
        "kind",
        "status",
        ("site", admin.RelatedOnlyFieldListFilter),
        "category",
        "depreciation_method",
    )
    search_fields = ("asset_tag", "name", "serial_number", "vin", "plate")
    list_select_related = ("category", "site")
    date_hierarchy = "acquisition_date"
    autocomplete_fields = ("location", "parent")
    inlines = (StatusChangeInline, AssetDocumentInline, DisposalInline)
    actions = ("put_in_service", "take_out_of_service", "export_selected")
    list_per_page = 50

    # ---- lists and permissions ------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Asset]:
        assets = selectors.assets_visible_to(request.user)
        ordering = self.get_ordering(request)
        return assets.order_by(*ordering) if ordering else assets

    @admin.display(description="Cost", ordering="acquisition_cost")
    def cost(self, obj: Asset) -> str:
        return format_html('<span style="white-space: nowrap">{}</span>', obj.cost.format())

    @admin.display(description="Site", ordering="site__code")
    def site_code(self, obj: Asset) -> str:
        return format_html('<span title="{}">{}</span>', obj.site.name, obj.site.code)

    @admin.display(description="Updated", ordering="updated_at")
    def updated(self, obj: Asset) -> str:
        return format_html(
            '<span style="white-space: nowrap">{}</span>', timezone.localtime(obj.updated_at).strftime("%Y-%m-%d %H:%M")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and REGISTER.can(request.user, "write_anywhere")

    def has_change_permission(self, request: HttpRequest, obj: Asset | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        user = request.user
        if obj is None:
            return bool(permissions.creatable_asset_fields(user))
        return not obj.is_disposed and bool(REGISTER.writable_fields(user, obj.site_id))

    def has_delete_permission(self, request: HttpRequest, obj: Asset | None = None) -> bool:
        return False  # assets are disposed of, never deleted

    def has_lifecycle_permission(self, request: HttpRequest) -> bool:
        """May run the status actions: register writers (facility managers at their sites, administrators)."""
        return REGISTER.can(request.user, "write_anywhere")

    def has_import_permission(self, request: HttpRequest) -> bool:
        """May import a CSV: anyone who may add or change assets (finance updates financial columns)."""
        return self.has_add_permission(request) or self.has_change_permission(request)

    # ---- the change form ------------------------------------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj: Asset | None = None) -> Any:
        """The declared field groups (`assetreg.fields`); another kind's group is collapsed."""
        fieldsets: list[tuple[str | None, dict[str, Any]]] = []
        for group in ASSET_FIELD_GROUPS:
            options: dict[str, Any] = {"fields": list(group.fields)}
            if group.custom:
                if not self._may_write_custom(request, obj):
                    options["fields"] = ["custom_field_values"]
                else:
                    _, definitions = self._custom_definitions(request, obj)
                    names = [custom_fields.form_name(d.key) for d in definitions]
                    options["fields"] = [*names, CUSTOM_FIELDS_CATEGORY]
            if group.key == "identity" and obj is not None:
                if self.has_change_permission(request, obj) and not self._history_page(request):
                    options["fields"].append("expected_version")
            if group.financial:
                options["description"] = "Only finance staff change these."
            if group.kind:
                options["classes"] = ["collapse"] if obj is not None and obj.kind != group.kind else []
            fieldsets.append((group.legend, options))
        fieldsets.append(("Record", {"fields": list(RECORD_FIELDS), "classes": ["collapse"]}))
        return fieldsets

    def _custom_definitions(self, request: HttpRequest, obj: Asset | None) -> tuple[int | None, list[CustomField]]:
        """The category whose custom fields the form shows (the one submitted, else the asset's), and its fields."""
        cached = getattr(request, "_assetreg_custom_definitions", None)
        if cached is None:
            category_id = custom_fields_category(request.POST or request.GET, obj or Asset())
            cached = (category_id, custom_fields.definitions_for(category_id))
            request._assetreg_custom_definitions = cached  # type: ignore[attr-defined]
        return cached

    def _may_write_custom(self, request: HttpRequest, obj: Asset | None) -> bool:
        if self._history_page(request):
            return False
        user = request.user
        if obj is None:
            return permissions.can_write_any_register(user)
        if obj.is_disposed or not self.has_change_permission(request, obj):
            return False
        return bool(set(CUSTOM_FIELDS) & permissions.writable_asset_fields(user, obj.site_id))

    @admin.display(description="Values")
    def custom_field_values(self, obj: Asset) -> str:
        values = obj.custom_fields or {}
        rows = [
            (d.label, custom_fields.display(d, values.get(d.key)) or "—")
            for d in custom_fields.definitions_for(obj.category_id)
        ]
        if not rows:
            return "—"
        return format_html_join(SafeString("<br>"), "{}: {}", rows)

    def get_readonly_fields(self, request: HttpRequest, obj: Asset | None = None) -> Any:
        user = request.user
        if self._history_page(request):
            writable: set[str] = set()
        elif obj is None:
            writable = permissions.creatable_asset_fields(user)
        elif obj.is_disposed or not self.has_change_permission(request, obj):
            writable = set()
        else:
            writable = REGISTER.writable_fields(user, obj.site_id)
        return [
            *ALWAYS_READ_ONLY,
            "custom_field_values",
            *(name for name in ASSET_FORM_FIELDS if name not in writable),
        ]

    def get_form(self, request: HttpRequest, obj: Asset | None = None, change: bool = False, **kwargs: Any) -> Any:
        attrs: dict[str, Any] = {"actor": request.user}
        if self._may_write_custom(request, obj):
            category_id, definitions = self._custom_definitions(request, obj)
            attrs |= {custom_fields.form_name(d.key): custom_form_field(d) for d in definitions}
            attrs |= {
                CUSTOM_FIELDS_CATEGORY: forms.CharField(widget=forms.HiddenInput, required=False),
                "definitions": definitions,
                "definitions_category": category_id,
            }
        base = type(self.form.__name__, (self.form,), attrs)
        kwargs.setdefault("form", base)
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        user = request.user
        if db_field.name == "site":
            kwargs["queryset"] = selectors.sites_writable_by(user)
        elif db_field.name == "location":
            kwargs["queryset"] = selectors.locations_visible_to(user)
        elif db_field.name == "parent":
            kwargs["queryset"] = selectors.assets_visible_to(user)
        elif db_field.name == "custodian":
            kwargs["queryset"] = get_user_model()._default_manager.filter(is_active=True).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Asset, form: AssetAdminForm, change: bool) -> None:
        if change:
            saved = call_service(
                services.asset_update,
                actor=request.user,
                asset=obj,
                data=form.service_data,
                expected_version=form.cleaned_data.get("expected_version"),
            )
        else:
            saved = call_service(services.asset_create, actor=request.user, data=form.service_data)
        copy_saved(saved, obj)

    def save_formset(self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool) -> None:
        # Every inline is read-only: status changes, documents and disposals are written by their services.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    # ---- history (django-simple-history), scoped and without "revert" ----------------------------

    def _history_page(self, request: HttpRequest) -> bool:
        return bool(getattr(request, "_assetreg_history_page", False))

    def _visible_or_404(self, request: HttpRequest, object_id: str) -> None:
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404("No such asset.")

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True  # a revert would write around the services; make the change again instead

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        self._visible_or_404(request, object_id)
        if request.method != "GET":
            raise PermissionDenied("Old versions can be looked at, not restored.")
        request._assetreg_history_page = True  # type: ignore[attr-defined]
        return super().history_form_view(request, object_id, version_id, extra_context)

    # ---- actions --------------------------------------------------------------------------------

    def _transition_each(self, request: HttpRequest, assets: Iterable[Asset], to_status: str, reason: str) -> None:
        done: list[str] = []
        refused: list[str] = []
        for asset in assets:
            try:
                services.asset_transition(actor=request.user, asset=asset, to_status=to_status, reason=reason)
            except (ValidationError, PermissionDenied, ConflictError) as exc:
                refused.append(f"{asset.asset_tag}: {refusal_text(exc)}")
            else:
                done.append(asset.asset_tag)
        label = AssetStatus(to_status).label.lower()
        if done:
            self.message_user(request, f"{len(done)} asset(s) now {label}: {', '.join(done)}.", messages.SUCCESS)
        if refused:
            self.message_user(request, f"{len(refused)} asset(s) not changed. " + " | ".join(refused), messages.ERROR)

    @admin.action(description="Put in service", permissions=["lifecycle"])
    def put_in_service(self, request: HttpRequest, queryset: models.QuerySet[Asset]) -> None:
        reason = (request.POST.get("reason") or "").strip() or "Put in service"
        self._transition_each(request, queryset, AssetStatus.IN_SERVICE, reason)

    @admin.action(description="Take out of service (give a reason)", permissions=["lifecycle"])
    def take_out_of_service(self, request: HttpRequest, queryset: models.QuerySet[Asset]) -> None:
        reason = (request.POST.get("reason") or "").strip()
        if not reason:
            self.message_user(
                request, "Say why the assets go out of service (the Reason box beside the action).", messages.ERROR
            )
            return
        self._transition_each(request, queryset, AssetStatus.OUT_OF_SERVICE, reason)

    @admin.action(description="Export selected to CSV", permissions=["view"])
    def export_selected(self, request: HttpRequest, queryset: models.QuerySet[Asset]) -> HttpResponse:
        return self._csv_response(request, queryset)

    def _csv_response(self, request: HttpRequest, assets: models.QuerySet[Asset]) -> HttpResponse:
        """The assets as CSV in the import format, plus the columns other apps contribute, as of today."""
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="assets-{stamp}.csv"'
        response.write("\ufeff")  # so that spreadsheets open it as UTF-8; the import ignores it
        csv_io.write_csv(
            assets.select_related("location", "parent", "custodian").iterator(chunk_size=2000),
            response,
            extra_columns=contributions.export_columns_for(request.user),
            user=request.user,
            as_of=timezone.localdate(),
        )
        return response

    # ---- import and export pages ----------------------------------------------------------------

    def get_urls(self) -> list[Any]:
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name=f"{info}_import"),
            path("export/", self.admin_site.admin_view(self.export_view), name=f"{info}_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        response = super().changelist_view(request, extra_context)
        action_form = getattr(response, "context_data", {}).get("action_form")
        if action_form is not None and not self.has_lifecycle_permission(request):
            del action_form.fields["reason"]  # only the status actions need a reason
        return response

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """The assets the changelist shows (its filters and search), as CSV in the import format."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            self.message_user(request, "These filters are not valid; nothing was exported.", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:assetreg_asset_changelist"))
        return self._csv_response(request, changelist.queryset)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload, check (dry run), confirm and write a CSV import; nothing is written unless every row is valid."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = AssetImportForm()
        report: services.ImportReport | None = None
        pending_digest = ""
        if request.method == "POST" and "confirm" in request.POST:
            pending = request.session.get(IMPORT_SESSION_KEY)
            if not pending or pending.get("digest") != request.POST.get("digest"):
                self.message_user(
                    request, "The checked file is no longer waiting here; upload it again.", messages.ERROR
                )
                return HttpResponseRedirect(request.path)
            del request.session[IMPORT_SESSION_KEY]
            report = self._run_import(request, pending["content"], dry_run=False, form=form)
        elif request.method == "POST":
            request.session.pop(IMPORT_SESSION_KEY, None)
            form = AssetImportForm(request.POST, request.FILES)
            if form.is_valid():
                content = self._read_upload(form)
                if content is not None:
                    dry_run = form.cleaned_data["dry_run"]
                    report = self._run_import(request, content, dry_run=dry_run, form=form)
                    if report is not None and dry_run and report.ok and (report.created or report.updated):
                        pending_digest = hashlib.sha256(content.encode()).hexdigest()
                        request.session[IMPORT_SESSION_KEY] = {"digest": pending_digest, "content": content}
        if report is not None and report.written:
            self.message_user(request, f"Import done. {report.summary()}.", messages.SUCCESS)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import assets from CSV",
            "form": form,
            "report": report,
            "pending_digest": pending_digest,
            "changes": [(tag, report.changes.get(tag, [])) for tag in report.updated] if report else [],
            "columns": (*csv_io.COLUMNS, *csv_io.custom_columns()),
            "required_columns": csv_io.REQUIRED_COLUMNS,
        }
        return TemplateResponse(request, self.import_template, context)

    def _read_upload(self, form: AssetImportForm) -> str | None:
        upload = form.cleaned_data["file"]
        if upload.size > csv_io.MAX_IMPORT_BYTES:
            form.add_error("file", f"The file is larger than {csv_io.MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
            return None
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            form.add_error("file", "The file is not UTF-8 text. Save it as 'CSV UTF-8' and try again.")
            return None

    def _run_import(
        self, request: HttpRequest, content: str, *, dry_run: bool, form: AssetImportForm
    ) -> services.ImportReport | None:
        try:
            rows = list(csv_io.read_csv(content))
            return services.assets_import_rows(actor=request.user, rows=rows, dry_run=dry_run)
        except ValidationError as exc:
            form.add_error(None, f"The file cannot be imported: {refusal_text(exc)}")
            return None


# --------------------------------------------------------------------------------------------------
# Records written only by services: read-only
# --------------------------------------------------------------------------------------------------


class VisibleAssetRecordsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A read-only list of records that belong to assets, limited to the assets the user may see."""

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        visible = selectors.assets_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(asset__in=visible).select_related("asset")


@admin.register(StatusChange)
class StatusChangeAdmin(VisibleAssetRecordsAdmin):
    """Every lifecycle transition, for audit."""

    list_display = ("asset", "from_status", "to_status", "effective_date", "actor", "changed_at")
    list_filter = ("to_status", "from_status")
    search_fields = ("asset__asset_tag", "asset__name", "reason")
    list_select_related = ("asset", "actor")
    date_hierarchy = "effective_date"


@admin.register(Disposal)
class DisposalAdmin(VisibleAssetRecordsAdmin):
    """Disposals: date, method, proceeds."""

    list_display = ("asset", "disposal_date", "method", "proceeds_display", "recorded_by")
    list_filter = ("method",)
    search_fields = ("asset__asset_tag", "asset__name")
    list_select_related = ("asset", "recorded_by")
    date_hierarchy = "disposal_date"

    @admin.display(description="Proceeds", ordering="proceeds")
    def proceeds_display(self, obj: Disposal) -> str:
        return obj.proceeds_money.format()


@admin.register(WarrantyAlert)
class WarrantyAlertAdmin(VisibleAssetRecordsAdmin):
    """Warranty-end notices already sent (one per asset and end date)."""

    list_display = ("asset", "warranty_end", "recipients", "notified_at")
    search_fields = ("asset__asset_tag", "asset__name", "recipients")
    date_hierarchy = "warranty_end"


@admin.register(MeterReading)
class MeterReadingAdmin(VisibleAssetRecordsAdmin):
    """Meter readings (odometers, hour meters) as recorded from the field through the API; never edited here."""

    list_display = ("asset", "reading_date", "value", "recorded_by", "recorded_at", "note")
    search_fields = ("asset__asset_tag", "asset__name")
    list_select_related = ("asset", "recorded_by")
    date_hierarchy = "reading_date"
