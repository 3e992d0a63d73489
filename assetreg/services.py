"""Every write to the register. Web forms, admin, API, management commands and Celery tasks call these.

Each service takes an explicit `actor`, checks what the actor may do, validates, writes inside one
transaction and leaves the audit trail (django-simple-history records, status changes) itself. What happened is
announced (`assetreg.events` through `ledgerline.events`) inside that transaction, for the apps built on the
register to react to; the register never calls them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ledgerline import bounds, events, roles
from ledgerline.exceptions import ConflictError
from ledgerline.money import Money, amount_error, parse_amount
from ledgerline.policy import Actor, user_or_none

from . import custom_fields, permissions
from .choices import (
    ALLOWED_TRANSITIONS,
    AssetStatus,
    DisposalMethod,
    DocumentKind,
)
from .events import (
    AssetChangeProposed,
    AssetCreated,
    AssetDisposed,
    AssetStatusChanged,
    DepreciationBasisChanged,
    MeterReadingRecorded,
)
from .fields import FINANCIAL_FIELDS
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

# --------------------------------------------------------------------------------------------------
# Assets
# --------------------------------------------------------------------------------------------------


def _category_salvage(category: Category, cost: Decimal, currency: str) -> Decimal:
    """The category's default salvage value for a cost, rounded to the currency's minor unit."""
    return Money(cost * category.default_salvage_percent / Decimal(100), currency).rounded().amount


def _normalise(data: Mapping[str, Any]) -> dict[str, Any]:
    clean = dict(data)
    for key in ("asset_tag", "vin", "plate"):
        if isinstance(clean.get(key), str):
            clean[key] = clean[key].strip().upper()
    if isinstance(clean.get("currency"), str):
        clean["currency"] = clean["currency"].strip().upper()
    for key in ("acquisition_cost", "salvage_value"):
        if key in clean and clean[key] is not None and not isinstance(clean[key], Decimal):
            try:
                clean[key] = parse_amount(clean[key])
            except ValidationError as exc:
                raise ValidationError({key: exc.messages}) from None
    for key, value in list(clean.items()):
        if value is None and key in _BLANK_STRING_FIELDS:
            clean[key] = ""
    if "custom_fields" in clean and clean["custom_fields"] is None:
        clean["custom_fields"] = {}
    return clean


def _canonical_custom_fields(data: dict[str, Any], current: Asset | None) -> dict[str, Any]:
    """Custom values in their stored form (so "3" for a stored 3 is no change); invalid ones are left for
    `asset_prepare` to refuse with its messages."""
    if "custom_fields" not in data:
        return data
    category = data.get("category", current.category if current is not None else None)
    try:
        data["custom_fields"] = custom_fields.clean_values(
            custom_fields.definitions_for(getattr(category, "pk", None)), data["custom_fields"]
        )
    except ValidationError:
        pass
    return data


_BLANK_STRING_FIELDS = {
    f.name
    for f in Asset._meta.get_fields()
    if getattr(f, "get_internal_type", None) and f.get_internal_type() in ("CharField", "TextField") and not f.null
}


def _refuse_unknown_or_forbidden(actor: Actor, current: Asset | None, data: Mapping[str, Any], site_ids: set) -> None:
    """A field the actor may not write is refused when its value would change (no mass assignment)."""
    unknown = set(data) - set(permissions.ASSET_WRITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in sorted(unknown)})
    allowed = set(permissions.ASSET_WRITABLE_FIELDS)
    for site_id in site_ids:
        allowed &= REGISTER.writable_fields(actor, site_id)
    errors: dict[str, str] = {}
    for name, value in data.items():
        if name in allowed:
            continue
        if current is not None and _same(getattr(current, name), value):
            continue
        if current is None and value in (None, "", {}) and name not in FINANCIAL_FIELDS:
            continue
        if name in FINANCIAL_FIELDS:
            errors[name] = "Only finance staff may set this field."
        else:
            errors[name] = "You may not change this field."
    if errors:
        raise ValidationError(errors)


def _same(old: Any, new: Any) -> bool:
    if hasattr(old, "pk") or hasattr(new, "pk"):
        return getattr(old, "pk", old) == getattr(new, "pk", new)
    if isinstance(old, Decimal) and new is not None:
        try:
            return old == Decimal(str(new))
        except ArithmeticError:
            return False
    return old == new or (old in (None, "") and new in (None, ""))


def asset_prepare(*, actor: Actor, data: Mapping[str, Any], asset: Asset | None = None) -> Asset:
    """Check and apply `data` to a new or existing asset without saving it.

    Shared by the single-asset services and the CSV import so that both enforce the same rules.
    Raises PermissionDenied or ValidationError (with field messages).
    """
    data = _normalise(data)
    creating = asset is None
    if asset is not None and asset.is_disposed:
        raise ValidationError("A disposed asset is read-only.")
    target_site = data.get("site", asset.site if asset is not None else None)
    target_site_id = getattr(target_site, "pk", None)
    site_ids = {target_site_id} | ({asset.site_id} if asset is not None else set())
    if asset is None:
        REGISTER.require(actor, "write", target_site_id, "You may not add assets at this site.")
    else:
        permissions.require(
            any(REGISTER.writable_fields(actor, sid) for sid in site_ids), "You may not change this asset."
        )
        if target_site_id != asset.site_id:
            for site_id in (asset.site_id, target_site_id):
                REGISTER.require(actor, "write", site_id, "You may only move assets between sites you manage.")
    _refuse_unknown_or_forbidden(actor, asset, data, site_ids)
    if asset is not None:
        # Asked here so that every caller (admin form, CSV import, API) hears a refusal before anything is saved.
        _propose_change(actor, asset, {k: v for k, v in data.items() if not _same(getattr(asset, k), v)})

    instance = asset if asset is not None else Asset()
    old_cost = instance.acquisition_cost if not creating else None
    old_salvage = instance.salvage_value if not creating else None
    for name, value in data.items():
        setattr(instance, name, value)

    category = instance.category if instance.category_id else None
    if category is not None:
        if creating:
            if data.get("useful_life_months") is None:
                instance.useful_life_months = category.default_useful_life_months
            if not data.get("depreciation_method"):
                instance.depreciation_method = category.default_depreciation_method
            if data.get("salvage_value") is None:
                instance.salvage_value = _category_salvage(
                    category, instance.acquisition_cost or Decimal(0), instance.currency
                )
        elif (
            "acquisition_cost" in data
            and "salvage_value" not in data
            and old_cost is not None
            and old_salvage == _category_salvage(category, old_cost, instance.currency)
        ):
            # The salvage value still followed the category default: keep following it for the new cost.
            instance.salvage_value = _category_salvage(category, instance.acquisition_cost, instance.currency)
    if creating or {"custom_fields", "category"} & set(data):
        # Checked against the (new) category's definitions: unknown keys, types, bounds, choices, required.
        instance.custom_fields = custom_fields.clean_values(
            custom_fields.definitions_for(category.pk if category is not None else None),
            instance.custom_fields,
            category_name=category.name if category is not None else "",
        )
    if instance.acquisition_cost is None:
        instance.acquisition_cost = Decimal(0)
    if instance.salvage_value is None:
        instance.salvage_value = Decimal(0)
    instance.full_clean(exclude=["updated_at", "version", "status"])
    return instance


def _save_asset(asset: Asset, actor: Actor, reason: str = "") -> None:
    asset.updated_at = timezone.now()
    asset._history_user = user_or_none(actor)  # type: ignore[attr-defined]
    if reason:
        asset._change_reason = reason  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            asset.save()
    except IntegrityError as exc:
        if "asset_tag" in str(exc) or "unique" in str(exc).lower():
            raise ValidationError({"asset_tag": "An asset with this tag already exists."}) from None
        raise ValidationError(f"The database refused this asset: {exc}") from None


def asset_create(*, actor: Actor, data: Mapping[str, Any]) -> Asset:
    """Register a new asset (status planned unless given), inheriting its category's defaults."""
    with transaction.atomic():
        asset = asset_prepare(actor=actor, data=data)
        asset.created_by = user_or_none(actor)
        asset.version = 1
        _save_asset(asset, actor, "Registered")
        events.announce(AssetCreated(actor=actor, asset=asset))
    return asset


def _locked(asset: Asset, expected_version: int | None) -> Asset:
    fresh = Asset.objects.select_for_update().select_related("category", "site").get(pk=asset.pk)
    if expected_version is not None and int(expected_version) != fresh.version:
        raise ConflictError(current_version=fresh.version)
    return fresh


def asset_update(*, actor: Actor, asset: Asset, data: Mapping[str, Any], expected_version: int | None) -> Asset:
    """Change an asset's data. `expected_version` is the version the actor saw; a stale one is refused."""
    data = _normalise(data)  # so that "veh-1" for "VEH-1" is no change (no new version, no history record)
    # Who may not change the asset at all hears so first: not that their version is stale, nor what another
    # app (finance) would say about the change.
    permissions.require(bool(REGISTER.writable_fields(actor, asset.site_id)), "You may not change this asset.")
    with transaction.atomic():
        fresh = _locked(asset, expected_version)
        data = _canonical_custom_fields(data, fresh)
        changed = {
            k: v
            for k, v in data.items()
            if k not in permissions.ASSET_WRITABLE_FIELDS or not _same(getattr(fresh, k), v)
        }
        fresh = asset_prepare(actor=actor, data=changed, asset=fresh)
        if changed:
            fresh.version += 1
            _save_asset(fresh, actor)
            _announce_basis_change(actor, fresh, changed)
    return fresh


# The fields that make an asset's depreciation basis: a change is announced for the valuation to re-plan.
BASIS_FIELDS = ("useful_life_months", "salvage_value")


def _announce_basis_change(actor: Actor, asset: Asset, changed: Mapping[str, Any]) -> None:
    if set(BASIS_FIELDS) & set(changed):
        events.announce(
            DepreciationBasisChanged(
                actor=actor,
                asset=asset,
                useful_life_months=changed.get("useful_life_months"),
                salvage_value=changed.get("salvage_value"),
            )
        )


def _propose_change(actor: Actor, asset: Asset, changed: Mapping[str, Any]) -> None:
    """Ask the apps that depend on the asset's data whether this change may happen (they raise if not)."""
    if changed:
        events.announce(AssetChangeProposed(actor=actor, asset=asset, changes=dict(changed)))


def asset_transition(
    *,
    actor: Actor,
    asset: Asset,
    to_status: str,
    reason: str,
    effective_date: date | None = None,
    expected_version: int | None = None,
) -> Asset:
    """Move an asset along its lifecycle, recording who, when and why. Disposal has its own service."""
    REGISTER.require(actor, "write", asset.site_id, "You may not change the status of this asset.")
    if to_status == AssetStatus.DISPOSED:
        raise ValidationError({"to_status": "Record a disposal (date, method and proceeds) to dispose of an asset."})
    with transaction.atomic():
        fresh = _locked(asset, expected_version)
        effective_date = _check_transition(fresh, to_status, reason, effective_date)
        if to_status == AssetStatus.IN_SERVICE and fresh.in_service_date is None:
            if fresh.acquisition_date and effective_date < fresh.acquisition_date:
                raise ValidationError({"effective_date": "An asset cannot go into service before it was acquired."})
            fresh.in_service_date = effective_date
        _record_transition(fresh, actor, to_status, reason, effective_date)
    return fresh


def _check_transition(asset: Asset, to_status: str, reason: str, effective_date: date | None) -> date:
    if asset.is_disposed:
        raise ValidationError("A disposed asset is read-only.")
    if to_status not in AssetStatus.values:
        raise ValidationError({"to_status": f"Unknown status '{to_status}'."})
    allowed = ALLOWED_TRANSITIONS[asset.status]
    if to_status not in allowed:
        names = ", ".join(AssetStatus(s).label.lower() for s in allowed) or "nothing"
        raise ValidationError(
            {
                "to_status": f"An asset that is {AssetStatus(asset.status).label.lower()} cannot become "
                f"{AssetStatus(to_status).label.lower()}; it can become: {names}."
            }
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the status changes."})
    today = timezone.localdate()
    effective_date = effective_date or today
    if effective_date > today:
        raise ValidationError({"effective_date": "The date cannot be in the future."})
    if day_error := bounds.date_error(effective_date):
        raise ValidationError({"effective_date": day_error})
    return effective_date


def _record_transition(asset: Asset, actor: Actor, to_status: str, reason: str, effective_date: date) -> None:
    from_status = asset.status
    StatusChange.objects.create(
        asset=asset,
        from_status=asset.status,
        to_status=to_status,
        effective_date=effective_date,
        reason=reason.strip(),
        actor=user_or_none(actor),
    )
    asset.status = to_status
    asset.version += 1
    _save_asset(asset, actor, reason.strip())
    events.announce(
        AssetStatusChanged(
            actor=actor,
            asset=asset,
            from_status=from_status,
            to_status=to_status,
            effective_date=effective_date,
            reason=reason.strip(),
        )
    )


def asset_dispose(
    *,
    actor: Actor,
    asset: Asset,
    disposal_date: date,
    method: str,
    proceeds: Decimal | str,
    reason: str,
    expected_version: int | None = None,
) -> Disposal:
    """Dispose of an out-of-service asset: date, method and proceeds are recorded; the asset becomes read-only."""
    REGISTER.require(actor, "dispose", asset.site_id, "You may not dispose of this asset.")
    errors: dict[str, str] = {}
    if method not in DisposalMethod.values:
        errors["method"] = f"Choose one of: {', '.join(DisposalMethod.values)}."
    try:
        amount = parse_amount(proceeds)
        if amount < 0:
            errors["proceeds"] = "Proceeds cannot be negative."
        elif proceeds_error := amount_error(amount, asset.currency):
            errors["proceeds"] = proceeds_error
    except ValidationError as exc:
        errors["proceeds"] = exc.messages[0]
    if disposal_date is None:
        errors["disposal_date"] = "Give the disposal date."
    elif day_error := bounds.date_error(disposal_date):
        errors["disposal_date"] = day_error
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        fresh = _locked(asset, expected_version)
        disposal_date = _check_transition(fresh, AssetStatus.DISPOSED, reason, disposal_date)
        start = fresh.in_service_date or fresh.acquisition_date
        if start and disposal_date < start:
            raise ValidationError({"disposal_date": f"An asset cannot be disposed of before {start:%d %b %Y}."})
        disposal = Disposal.objects.create(
            asset=fresh,
            disposal_date=disposal_date,
            method=method,
            proceeds=amount,
            currency=fresh.currency,
            reason=reason.strip(),
            recorded_by=user_or_none(actor),
        )
        _record_transition(fresh, actor, AssetStatus.DISPOSED, reason, disposal_date)
        events.announce(AssetDisposed(actor=actor, asset=fresh, disposal=disposal))
    return disposal


# --------------------------------------------------------------------------------------------------
# Meter readings
# --------------------------------------------------------------------------------------------------


def meter_reading_record(
    *, actor: Actor, asset: Asset, reading_date: date, value: Decimal | str, note: str = ""
) -> MeterReading:
    """Record a meter reading (odometer, hour meter). A reading lower than an earlier one, or higher than a
    later one, is refused: meters do not run backwards."""
    REGISTER.require(actor, "record_reading", asset.site_id, "You may not record readings for this asset.")
    if asset.is_disposed:
        raise ValidationError("A disposed asset is read-only.")
    try:
        amount = parse_amount(value)
    except ValidationError as exc:
        raise ValidationError({"value": exc.messages}) from None
    if amount < 0:
        raise ValidationError({"value": "A meter reading cannot be negative."})
    if amount > bounds.MAX_AMOUNT:
        raise ValidationError({"value": f"Enter a reading of at most {bounds.MAX_AMOUNT:,}."})
    if reading_date is None or reading_date > timezone.localdate():
        raise ValidationError({"reading_date": "The reading date cannot be in the future."})
    if day_error := bounds.date_error(reading_date):
        raise ValidationError({"reading_date": day_error})
    with transaction.atomic():
        Asset.objects.select_for_update().filter(pk=asset.pk).first()  # one writer of an asset's readings at a time
        earlier = (
            MeterReading.objects.filter(asset=asset, reading_date__lte=reading_date)
            .order_by("-reading_date", "-value")
            .first()
        )
        later = (
            MeterReading.objects.filter(asset=asset, reading_date__gt=reading_date)
            .order_by("reading_date", "value")
            .first()
        )
        if earlier is not None and amount < earlier.value:
            raise ValidationError(
                {
                    "value": f"The meter read {earlier.value.normalize():f} on {earlier.reading_date:%d %b %Y}; "
                    "readings cannot go backwards."
                }
            )
        if later is not None and amount > later.value:
            raise ValidationError(
                {
                    "value": f"A later reading ({later.value.normalize():f} on {later.reading_date:%d %b %Y}) is "
                    "lower; readings cannot go backwards."
                }
            )
        reading = MeterReading.objects.create(
            asset=asset,
            reading_date=reading_date,
            value=amount,
            note=(note or "").strip()[:200],
            recorded_by=user_or_none(actor),
        )
        _touch(asset)
        events.announce(MeterReadingRecorded(actor=actor, asset=asset, reading=reading))
    return reading


def _touch(asset: Asset) -> None:
    """A reading or a document added to (or removed from) an asset changes the asset for delta sync: its
    `updated_at` and `version` move on, so a device syncing with `updated_since` fetches it again."""
    now = timezone.now()
    Asset.objects.filter(pk=asset.pk).update(version=F("version") + 1, updated_at=now)
    asset.refresh_from_db(fields=["version", "updated_at"])


# --------------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------------

# Allowed uploads: extension -> (content type, magic-byte prefixes; None means text that must decode as UTF-8).
DOCUMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", (b"RIFF",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".txt": ("text/plain", None),
    ".csv": ("text/csv", None),
}
IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


def _sniff(uploaded: UploadedFile, extension: str) -> str:
    content_type, magic = DOCUMENT_TYPES[extension]
    uploaded.seek(0)
    head = uploaded.read(4096)
    uploaded.seek(0)
    if magic is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            # A cut multi-byte character at the end of the sample is fine; anything else is not text.
            try:
                head[:-3].decode("utf-8")
            except UnicodeDecodeError:
                raise ValidationError({"file": "This file is not plain text."}) from None
    elif not any(head.startswith(prefix) for prefix in magic) or (extension == ".webp" and head[8:12] != b"WEBP"):
        raise ValidationError({"file": f"The file's content is not a {extension[1:].upper()} file."})
    return content_type


def document_file_check(uploaded_file: UploadedFile, field: str = "file") -> tuple[str, str]:
    """Check an uploaded file's type, size and content (every upload: documents, photos, appraisal reports).
    Returns (content type, extension); raises ValidationError on `field`."""
    name = uploaded_file.name or "upload"
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension not in DOCUMENT_TYPES:
        allowed = ", ".join(sorted(e[1:].upper() for e in DOCUMENT_TYPES))
        raise ValidationError({field: f"Files of this type cannot be attached. Allowed: {allowed}."})
    limit = settings.DOCUMENT_MAX_BYTES
    if uploaded_file.size is None or uploaded_file.size > limit:
        raise ValidationError({field: f"The file is larger than the limit of {limit // (1024 * 1024)} MB."})
    if uploaded_file.size == 0:
        raise ValidationError({field: "The file is empty."})
    try:
        return _sniff(uploaded_file, extension), extension
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def asset_document_add(
    *, actor: Actor, asset: Asset, uploaded_file: UploadedFile, title: str = "", kind: str | None = None
) -> AssetDocument:
    """Attach a photo or document to an asset, after checking its size, type and content."""
    REGISTER.require(actor, "write", asset.site_id, "You may not add documents to this asset.")
    if asset.is_disposed:
        raise ValidationError("A disposed asset is read-only.")
    name = uploaded_file.name or "upload"
    content_type, extension = document_file_check(uploaded_file)
    if kind is None:
        kind = DocumentKind.PHOTO if extension in IMAGE_EXTENSIONS else DocumentKind.DOCUMENT
    if kind == DocumentKind.PHOTO and extension not in IMAGE_EXTENSIONS:
        raise ValidationError({"kind": "A photo must be a PNG, JPEG, GIF or WebP image."})
    document = AssetDocument(
        asset=asset,
        kind=kind,
        title=(title or "").strip() or name[:200],
        original_name=name[:255],
        content_type=content_type,
        size_bytes=uploaded_file.size or 0,
        uploaded_by=user_or_none(actor),
    )
    document.file.save(name, uploaded_file, save=False)
    try:
        with transaction.atomic():
            document.full_clean(exclude=["file"])
            document.save()
            _touch(asset)
    except Exception:
        document.file.delete(save=False)
        raise
    return document


def asset_document_delete(*, actor: Actor, document: AssetDocument) -> None:
    """Remove an attachment and its file."""
    REGISTER.require(actor, "write", document.asset.site_id, "You may not remove this document.")
    if document.asset.is_disposed:
        raise ValidationError("A disposed asset is read-only.")
    storage, path = document.file.storage, document.file.name
    with transaction.atomic():
        document.delete()
        _touch(document.asset)
    if path:
        transaction.on_commit(lambda: storage.delete(path))


# --------------------------------------------------------------------------------------------------
# Sites, locations, categories (finance staff and administrators keep these in the admin)
# --------------------------------------------------------------------------------------------------


def _apply_and_save(instance: Any, data: Mapping[str, Any]) -> Any:
    for name, value in data.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


def site_save(*, actor: Actor, data: Mapping[str, Any], site: Site | None = None) -> Site:
    """Create or change a site (administrators only)."""
    REGISTER.require(actor, "save_site", None, "Only administrators may change sites.")
    members = data.get("members")
    values = {k: v for k, v in data.items() if k != "members"}
    with transaction.atomic():
        site = _apply_and_save(site or Site(), values)
        if members is not None:
            site.members.set(members)
    return site


def location_save(*, actor: Actor, data: Mapping[str, Any], location: Location | None = None) -> Location:
    """Create or change a location inside a site the actor manages."""
    site = data.get("site", location.site if location else None)
    REGISTER.require(actor, "write", getattr(site, "pk", None), "You may not change this site.")
    if location is not None and location.site_id != getattr(site, "pk", None):
        REGISTER.require(actor, "write", location.site_id, "You may not change this site.")
    with transaction.atomic():
        return _apply_and_save(location or Location(), data)


def category_save(*, actor: Actor, data: Mapping[str, Any], category: Category | None = None) -> Category:
    """Create or change a category; its defaults apply to assets registered from now on."""
    REGISTER.require(actor, "save_category", None, "Only finance staff may change categories.")
    with transaction.atomic():
        return _apply_and_save(category or Category(), data)


def _require_definition_writer(actor: Any) -> None:
    permissions.require(
        bool(getattr(actor, "is_superuser", False)) or permissions.can_write_financials(actor),
        "Only finance staff and administrators may define custom fields.",
    )


def custom_field_save(*, actor: Any, data: Mapping[str, Any], definition: CustomField | None = None) -> CustomField:
    """Define or change a custom field of a category (finance staff and administrators).

    A key names one type everywhere (so `?cf_<key>=` filters mean one thing); once assets hold a value, the key,
    type and category stay, and a change of bounds or choices is refused while it would make a stored value
    invalid.
    """
    _require_definition_writer(actor)
    with transaction.atomic():
        original = (
            CustomField.objects.select_for_update().get(pk=definition.pk)
            if definition is not None and definition.pk
            else None
        )
        instance = _apply(definition or CustomField(), data)
        errors: dict[str, str] = {}
        if original is not None:
            in_use = Asset.objects.filter(category_id=original.category_id, custom_fields__has_key=original.key)
            if in_use.exists():
                for name in ("key", "field_type", "category"):
                    if getattr(instance, name if name != "category" else "category_id") != getattr(
                        original, name if name != "category" else "category_id"
                    ):
                        errors[name] = "Assets hold values for this field: this can no longer change."
        if instance.key:
            other = (
                CustomField.objects.filter(key=instance.key)
                .exclude(pk=instance.pk)
                .exclude(field_type=instance.field_type)
                .select_related("category")
                .first()
            )
            if other is not None:
                errors["key"] = (
                    f"'{instance.key}' is a {other.get_field_type_display().lower()} field in the category "
                    f"{other.category.name}: a key has one type everywhere. Use another key."
                )
        if instance.category_id and original is None:
            count = CustomField.objects.filter(category_id=instance.category_id).count()
            if count >= custom_fields.MAX_FIELDS_PER_CATEGORY:
                errors["category"] = f"A category has at most {custom_fields.MAX_FIELDS_PER_CATEGORY} custom fields."
        if errors:
            raise ValidationError(errors)
        instance.full_clean()
        if original is not None:
            _refuse_invalidating_change(instance)
        try:
            with transaction.atomic():
                instance.save()
        except IntegrityError:
            raise ValidationError({"key": "This category already has a field with this key."}) from None
    return instance


def _apply(instance: Any, data: Mapping[str, Any]) -> Any:
    for name, value in data.items():
        setattr(instance, name, value)
    return instance


def _refuse_invalidating_change(definition: CustomField) -> None:
    """Refuse new bounds or choices that a stored value would break, naming a few of the assets."""
    holders = Asset.objects.filter(
        category_id=definition.category_id, custom_fields__has_key=definition.key
    ).values_list("asset_tag", "custom_fields")
    broken: list[str] = []
    for tag, values in holders.iterator(chunk_size=2000):
        try:
            custom_fields.parse_value(definition, values.get(definition.key))
        except ValidationError:
            broken.append(tag)
    if broken:
        shown = ", ".join(broken[:5]) + (" …" if len(broken) > 5 else "")
        raise ValidationError(
            f"{len(broken)} asset(s) hold values this change would make invalid ({shown}). Change them first."
        )


def custom_field_delete(*, actor: Any, definition: CustomField) -> None:
    """Remove a custom field that no asset holds a value for."""
    _require_definition_writer(actor)
    with transaction.atomic():
        holders = Asset.objects.filter(category_id=definition.category_id, custom_fields__has_key=definition.key)
        count = holders.count()
        if count:
            raise ValidationError(f"{count} asset(s) hold a value for '{definition.key}': clear them first.")
        definition.delete()


# --------------------------------------------------------------------------------------------------
# Bulk writes: CSV import
# --------------------------------------------------------------------------------------------------


@dataclass
class ImportRowError:
    line: int
    asset_tag: str
    messages: list[str]

    def __str__(self) -> str:
        return f"line {self.line} ({self.asset_tag or 'no tag'}): " + "; ".join(self.messages)


@dataclass
class ImportReport:
    """What an import did or, on a dry run or with errors, would do."""

    dry_run: bool
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[ImportRowError] = field(default_factory=list)
    written: bool = False
    # For each updated tag, what changes: (field label, before, after).
    changes: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verb = "would be" if not self.written else "were"
        text = (
            f"{self.rows} rows: {len(self.created)} {verb} created, {len(self.updated)} {verb} updated, "
            f"{len(self.unchanged)} unchanged"
        )
        if self.errors:
            text += f"; {len(self.errors)} bad rows, nothing was written"
        return text


def assets_import_rows(*, actor: Actor, rows: Iterable[tuple[int, Mapping[str, Any]]], dry_run: bool) -> ImportReport:
    """Import parsed rows `(line, data)`: create new tags, update known ones. All or nothing.

    Each row goes through `asset_prepare`, so the rules are the same as for one asset. Nothing is
    written unless every row is valid; a dry run reports without writing.
    """
    from .csv_io import Lookups, resolve_row
    from .selectors import assets_visible_to

    report = ImportReport(dry_run=dry_run)
    to_create: list[Asset] = []
    to_update: list[Asset] = []
    seen_tags: dict[str, int] = {}
    update_fields: set[str] = set()
    replans: list[tuple[Asset, dict[str, Any]]] = []
    rows = list(rows)
    tags = sorted({str(r.get("asset_tag", "")).strip().upper() for _, r in rows} - {""})
    with transaction.atomic():
        lookups = Lookups()
        existing: dict[str, Asset] = {}
        visible: set[int] = set()
        base = Asset.objects.select_related("category", "site", "location", "parent", "custodian")
        if not dry_run:
            base = base.select_for_update(of=("self",))
        for start in range(0, len(tags), _IMPORT_CHUNK):
            chunk = tags[start : start + _IMPORT_CHUNK]
            existing.update((a.asset_tag, a) for a in base.filter(asset_tag__in=chunk))
            visible.update(assets_visible_to(actor).filter(asset_tag__in=chunk).values_list("pk", flat=True))
        for line, raw in rows:
            report.rows += 1
            tag = str(raw.get("asset_tag", "")).strip().upper()
            if tag and tag in seen_tags:
                message = f"asset_tag: the same tag is on line {seen_tags[tag]}."
                report.errors.append(ImportRowError(line, tag, [message]))
                continue
            seen_tags[tag] = line
            current = existing.get(tag)
            try:
                if current is not None and current.pk not in visible:
                    # Neither "unchanged" nor a field error: either would tell what the hidden asset holds.
                    raise PermissionDenied("You may not change this asset.")
                data, lookups = resolve_row(raw, lookups, current)
                data = _canonical_custom_fields(_normalise(data), current)
                if current is not None:
                    changed = {k: v for k, v in data.items() if not _same_cell(getattr(current, k), v)}
                    if not changed:
                        report.unchanged.append(tag)
                        continue
                    before = {name: getattr(current, name) for name in permissions.ASSET_WRITABLE_FIELDS}
                    asset = asset_prepare(actor=actor, data=changed, asset=current)
                    if set(BASIS_FIELDS) & set(changed):
                        replans.append((asset, changed))
                    asset.version += 1
                    asset.updated_at = timezone.now()
                    update_fields.update(changed)
                    to_update.append(asset)
                    report.updated.append(tag)
                    report.changes[tag] = [
                        (_label(name), _shown(old), _shown(getattr(asset, name)))
                        for name, old in before.items()
                        if not _same(old, getattr(asset, name))
                    ]
                else:
                    asset = asset_prepare(actor=actor, data=data)
                    asset.created_by = user_or_none(actor)
                    asset.updated_at = timezone.now()
                    to_create.append(asset)
                    report.created.append(tag)
            except ValidationError as exc:
                report.errors.append(ImportRowError(line, tag, _flatten(exc)))
            except PermissionDenied as exc:
                report.errors.append(ImportRowError(line, tag, [str(exc) or "Not permitted."]))
        if report.errors:
            return report
        # A dry run writes too, inside a savepoint it then rolls back: what can only fail on writing
        # (a re-plan of depreciation, a tag registered meanwhile) is reported by the dry run as well.
        try:
            with transaction.atomic():
                _import_write(actor, report, to_create, to_update, update_fields, seen_tags, replans)
                if report.errors or dry_run:
                    raise _ImportRollback
        except _ImportRollback:
            return report
        except IntegrityError as exc:
            raise ValidationError(f"The database refused the import, nothing was written: {exc}") from None
        report.written = True
    return report


class _ImportRollback(Exception):
    """Undo an import's writes: a dry run, or a row that failed while writing."""


def _import_write(
    actor: Actor,
    report: ImportReport,
    to_create: list[Asset],
    to_update: list[Asset],
    update_fields: set[str],
    lines: Mapping[str, int],
    replans: list[tuple[Asset, dict[str, Any]]],
) -> None:
    """Write an import's checked rows in bulk, with their history; re-plan depreciation where it changes."""
    user = user_or_none(actor)
    created = bulk_create_with_history(
        to_create, Asset, batch_size=1000, default_user=user, default_change_reason="CSV import"
    )
    if to_update:
        fields = sorted(
            update_fields
            | {"version", "updated_at", "salvage_value", "useful_life_months", "depreciation_method", "in_service_date"}
            | {"custom_fields"}
        )
        bulk_update_with_history(
            to_update, Asset, fields, batch_size=1000, default_user=user, default_change_reason="CSV import"
        )
    for asset in created:
        events.announce(AssetCreated(actor=actor, asset=asset))
    for asset, changed in replans:
        try:
            with transaction.atomic():
                _announce_basis_change(actor, asset, changed)
        except ValidationError as exc:
            report.errors.append(ImportRowError(lines[asset.asset_tag], asset.asset_tag, _flatten(exc)))


_IMPORT_CHUNK = 500


def _same_cell(old: Any, new: Any) -> bool:
    """Like `_same`, but a CSV cell is read without surrounding blanks: " x " in the register equals "x"."""
    return _same(old, new) or (isinstance(old, str) and isinstance(new, str) and old.strip() == new)


def _shown(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


def _flatten(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{name}: {message}" if name != "__all__" else message
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return list(exc.messages)


# --------------------------------------------------------------------------------------------------
# Warranty alerts (run daily by Celery beat)
# --------------------------------------------------------------------------------------------------


def warranty_alerts_send(*, actor: Actor, as_of: date | None = None, days_ahead: int = 30) -> dict[str, int]:
    """Tell each site's facility managers, once per warranty end date, which warranties end soon.

    Run daily by beat as the system actor (or by an administrator). Idempotent: an alert row per (asset,
    warranty end) is written with the mail, so a rerun sends nothing new.
    """
    REGISTER.require(actor, "send_warranty_alerts", None, "Only the scheduler or an administrator sends alerts.")
    as_of = as_of or timezone.localdate()
    horizon = as_of + timedelta(days=days_ahead)
    due = (
        Asset.objects.filter(warranty_end__gte=as_of, warranty_end__lte=horizon)
        .exclude(status=AssetStatus.DISPOSED)
        .exclude(warranty_alerts__warranty_end=F("warranty_end"))
        .select_related("site")
        .order_by("site_id", "warranty_end")
    )
    by_site: dict[int, list[Asset]] = {}
    for asset in due:
        by_site.setdefault(asset.site_id, []).append(asset)
    sent = 0
    alerts = 0
    for assets in by_site.values():
        site = assets[0].site
        managers = site.members.filter(is_active=True, groups__name=roles.FACILITY_MANAGER).exclude(email="")
        recipients = sorted({m.email for m in managers})
        with transaction.atomic():
            created = WarrantyAlert.objects.bulk_create(
                [
                    WarrantyAlert(asset=a, warranty_end=cast(date, a.warranty_end), recipients=", ".join(recipients))
                    for a in assets
                ],
                ignore_conflicts=True,
            )
            alerts += len(created)
            if recipients:
                lines = [f"- {a.asset_tag} {a.name}: warranty ends {a.warranty_end:%d %b %Y}" for a in assets]
                transaction.on_commit(partial(_mail_warranty_digest, site.name, recipients, lines, days_ahead))
                sent += 1
    return {"alerts": alerts, "emails": sent}


def _mail_warranty_digest(site_name: str, recipients: list[str], lines: list[str], days_ahead: int) -> None:
    send_mail(
        subject=f"[Ledgerline] {len(lines)} warranties at {site_name} end within {days_ahead} days",
        message="\n".join(lines) + f"\n\n{settings.SITE_URL}",
        from_email=None,
        recipient_list=recipients,
    )


def _label(field_name: str) -> str:
    """The human name of an asset field, for import reports."""
    return str(cast(Any, Asset._meta.get_field(field_name)).verbose_name)
