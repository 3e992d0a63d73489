"""factory_boy factories shared by every test."""

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from assetreg.choices import AssetKind, AssetStatus, DepreciationMethod, LocationKind
from assetreg.models import Asset, Category, Location, Site
from ledgerline import roles


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SITE{n:03d}")
    name = factory.Sequence(lambda n: f"Site {n}")
    address = "1 Industrial Way"


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    site = factory.SubFactory(SiteFactory)
    kind = LocationKind.BUILDING
    code = factory.Sequence(lambda n: f"B{n:03d}")
    name = factory.Sequence(lambda n: f"Building {n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Category {n}")
    kind = AssetKind.EQUIPMENT
    default_useful_life_months = 60
    default_salvage_percent = Decimal("10.00")
    default_depreciation_method = DepreciationMethod.STRAIGHT_LINE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):  # noqa: ANN001
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
            if extracted in (roles.FINANCE, roles.AUDITOR):
                self.is_staff = True
        self.save()

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):  # noqa: ANN001
        for site in extracted or ():
            site.members.add(self)


class AssetFactory(factory.django.DjangoModelFactory):
    """An equipment asset by default; use the `building` / `vehicle` traits for the other kinds."""

    class Meta:
        model = Asset

    asset_tag = factory.Sequence(lambda n: f"EQ-{n:06d}")
    name = factory.Sequence(lambda n: f"Pump {n}")
    kind = AssetKind.EQUIPMENT
    category = factory.SubFactory(CategoryFactory, name="Pumps", kind=AssetKind.EQUIPMENT)
    status = AssetStatus.IN_SERVICE
    site = factory.SubFactory(SiteFactory)
    acquisition_date = date(2022, 1, 15)
    in_service_date = date(2022, 2, 1)
    acquisition_cost = Decimal("12000.0000")
    currency = "EUR"
    useful_life_months = 60
    salvage_value = Decimal("1200.0000")
    manufacturer = "Grundfos"
    model_number = "CR 10"
    updated_at = factory.LazyFunction(timezone.now)

    class Params:
        building = factory.Trait(
            kind=AssetKind.BUILDING,
            category=factory.SubFactory(
                CategoryFactory, name="Office buildings", kind=AssetKind.BUILDING, default_useful_life_months=480
            ),
            name=factory.Sequence(lambda n: f"Block {n}"),
            asset_tag=factory.Sequence(lambda n: f"BLD-{n:05d}"),
            manufacturer="",
            model_number="",
            address="2 Harbour Road",
            floor_area_m2=Decimal("1200.00"),
            year_built=1998,
            useful_life_months=480,
        )
        vehicle = factory.Trait(
            kind=AssetKind.VEHICLE,
            category=factory.SubFactory(CategoryFactory, name="Vans", kind=AssetKind.VEHICLE),
            name=factory.Sequence(lambda n: f"Van {n}"),
            asset_tag=factory.Sequence(lambda n: f"VEH-{n:05d}"),
            manufacturer="",
            model_number="",
            vin="WVWZZZ1JZXW000001",
            plate="AB-123-C",
            odometer_unit="km",
        )
