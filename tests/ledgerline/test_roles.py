"""Role groups are restored when a database is flushed (tests, fresh installs); they only name roles: what a role
may do in the admin comes from the apps' policies, not from model permissions given to the group."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ledgerline import roles


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_gets_its_role_groups_back():
    call_command("flush", interactive=False, verbosity=0)

    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)
    assert not Permission.objects.filter(group__name__in=roles.ALL_ROLES).exists()


@pytest.mark.django_db
def test_an_existing_group_is_left_as_it_is():
    assert roles.sync_role_groups() == []


def test_finance_opens_the_periodic_jobs_by_policy_without_model_permissions(world):
    # Given the Finance group holds no model permission at all
    assert not Group.objects.get(name=roles.FINANCE).permissions.exists()
    client = Client()
    client.force_login(world.finance)

    # Then finance still sees the periodic jobs and may switch one off, but not add a schedule
    assert client.get(reverse("admin:django_celery_beat_periodictask_changelist")).status_code == 200
    assert client.get(reverse("admin:django_celery_beat_crontabschedule_add")).status_code == 403


def test_a_model_permission_given_to_a_group_opens_nothing(world):
    # Given an administrator gives the Technician group the model permission to change assets
    technicians = Group.objects.get(name=roles.TECHNICIAN)
    technicians.permissions.add(Permission.objects.get(codename="change_asset"))
    world.technician.is_staff = True
    world.technician.save()
    client = Client()
    client.force_login(world.technician)
    name_before = world.home_asset.name

    # When the technician posts the asset's change form in the admin
    url = reverse("admin:assetreg_asset_change", args=[world.home_asset.pk])
    response = client.post(url, {"name": "Renamed by a technician"})

    # Then the register's policy refuses it and nothing changes
    assert response.status_code == 403
    world.home_asset.refresh_from_db()
    assert world.home_asset.name == name_before
