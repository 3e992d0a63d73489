"""One set of valuation forms: the web pages and finance staff's admin show the same form and apply the same
(stricter) rules, and a refused write changes nothing in either."""

from datetime import date

import pytest
from django.urls import reverse

from assetreg.choices import AssetStatus
from assetreg.models import Asset, Disposal
from finance import services
from finance.choices import EntryKind
from finance.models import DepreciationRun, ValueEntry
from tests.finance.conftest import make_asset

pytestmark = pytest.mark.django_db

INTERFACES = ("web", "admin")
VALUE_EVENTS = ("revalue", "impair", "reverse_impairment", "improve")


@pytest.fixture
def finance_client(client, world):
    client.force_login(world.finance)
    return client


@pytest.fixture
def posted_2024(world, textbook_asset):
    """January to December 2024 posted for the textbook asset (carrying 8,200 at the end)."""
    return services.depreciation_run_start(actor=world.finance, period=date(2024, 12, 1), dispatch=False)


def value_url(interface, action, asset):
    if interface == "web":
        return reverse(f"finance:asset_{action}", args=[asset.pk])
    return f"{reverse(f'admin:finance_valueentry_{action}')}?asset={asset.asset_tag}"


def dispose_url(interface, asset):
    if interface == "web":
        return reverse("assetreg:asset_dispose", args=[asset.pk])
    return f"{reverse('admin:finance_valueentry_dispose')}?asset={asset.asset_tag}"


def post_month_url(interface):
    return reverse("finance:run_list") if interface == "web" else reverse("admin:finance_depreciationrun_post")


@pytest.mark.parametrize("action", VALUE_EVENTS)
def test_the_web_page_and_the_admin_show_the_same_value_form(finance_client, textbook_asset, action):
    web = finance_client.get(value_url("web", action, textbook_asset)).context["form"]
    admin = finance_client.get(value_url("admin", action, textbook_asset)).context["form"]

    assert type(web) is type(admin)
    assert [(name, str(field.label)) for name, field in web.fields.items()] == [
        (name, str(field.label)) for name, field in admin.fields.items()
    ]


@pytest.mark.parametrize("interface", INTERFACES)
def test_a_reason_longer_than_2000_characters_is_refused_and_nothing_is_written(
    finance_client, textbook_asset, posted_2024, interface
):
    response = finance_client.post(
        value_url(interface, "impair", textbook_asset),
        {"entry_date": "2025-01-10", "recoverable_amount": "5000", "reason": "x" * 2001},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Ensure this value has at most 2000 characters (it has 2001)."]
    assert not ValueEntry.objects.filter(kind=EntryKind.IMPAIRMENT).exists()


@pytest.mark.parametrize("interface", INTERFACES)
def test_a_negative_amount_is_refused_by_the_form_and_nothing_is_written(
    finance_client, textbook_asset, posted_2024, interface
):
    response = finance_client.post(
        value_url(interface, "improve", textbook_asset),
        {"entry_date": "2025-01-10", "added_cost": "-5", "reason": "New motor"},
    )

    assert response.context["form"].errors["added_cost"] == ["Ensure this value is greater than or equal to 0."]
    assert not ValueEntry.objects.filter(kind=EntryKind.IMPROVEMENT).exists()


@pytest.mark.parametrize("interface", INTERFACES)
def test_a_disposal_based_on_a_stale_version_is_refused_and_nothing_changes(finance_client, world, interface):
    asset = make_asset(world, asset_tag="OLD-1", status=AssetStatus.OUT_OF_SERVICE)
    seen = asset.version
    Asset.objects.filter(pk=asset.pk).update(version=seen + 1)  # someone else changed it meanwhile

    response = finance_client.post(
        dispose_url(interface, asset),
        {"disposal_date": "2025-01-31", "method": "sale", "proceeds": "9000", "reason": "Sold", "version": seen},
    )

    assert response.status_code == 200
    assert "changed" in " ".join(response.context["dispose_form" if interface == "web" else "form"].non_field_errors())
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.OUT_OF_SERVICE
    assert not Disposal.objects.exists() and not ValueEntry.objects.filter(kind=EntryKind.DISPOSAL).exists()


@pytest.mark.parametrize("interface", INTERFACES)
def test_a_disposal_without_the_version_read_is_refused(finance_client, world, interface):
    asset = make_asset(world, asset_tag="OLD-1", status=AssetStatus.OUT_OF_SERVICE)

    response = finance_client.post(
        dispose_url(interface, asset),
        {"disposal_date": "2025-01-31", "method": "sale", "proceeds": "9000", "reason": "Sold"},
    )

    form = response.context["dispose_form" if interface == "web" else "form"]
    assert form.errors["version"] == ["This field is required."]
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.OUT_OF_SERVICE
    assert not Disposal.objects.exists()


@pytest.mark.parametrize("interface", INTERFACES)
def test_posting_a_future_month_is_the_same_field_error_and_starts_nothing(finance_client, interface):
    response = finance_client.post(post_month_url(interface), {"period": "2099-01"})

    assert response.status_code == 200
    assert response.context["form"].errors["period"] == ["A future month cannot be posted yet."]
    assert not DepreciationRun.objects.exists()


def test_the_admin_disposal_form_is_the_registers_and_carries_the_version_read(finance_client, world):
    from assetreg.forms import DisposeForm

    asset = make_asset(world, asset_tag="OLD-1", status=AssetStatus.OUT_OF_SERVICE)

    response = finance_client.get(dispose_url("admin", asset))

    form = response.context["form"]
    assert type(form) is DisposeForm and form.initial["version"] == asset.version
    assert f'type="hidden" name="version" value="{asset.version}"' in response.text


@pytest.mark.parametrize("interface", INTERFACES)
def test_disposing_of_an_asset_in_service_is_refused_at_the_top_of_the_form(finance_client, textbook_asset, interface):
    response = finance_client.post(
        dispose_url(interface, textbook_asset),
        {
            "disposal_date": "2025-01-10",
            "method": "sale",
            "proceeds": "5000",
            "reason": "Sold",
            "version": textbook_asset.version,
        },
    )

    [message] = response.context["dispose_form" if interface == "web" else "form"].non_field_errors()
    assert "cannot become disposed" in message and not message.startswith("To status")
    assert Asset.objects.get(pk=textbook_asset.pk).status == AssetStatus.IN_SERVICE
    assert not Disposal.objects.exists()
