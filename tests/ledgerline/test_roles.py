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


def test_finance_may_switch_a_periodic_job_on_or_off_but_not_change_what_it_runs(world):
    from django_celery_beat.models import PeriodicTask

    job = PeriodicTask.objects.order_by("pk").first()
    assert job is not None
    task_before, kwargs_before = job.task, job.kwargs
    client = Client()
    client.force_login(world.finance)
    url = reverse("admin:django_celery_beat_periodictask_change", args=[job.pk])

    # The change form offers the on/off switch only, and the list no way to run a job by hand
    form = client.get(url).context["adminform"].form
    assert set(form.fields) == {"enabled"}
    actions = client.get(reverse("admin:django_celery_beat_periodictask_changelist")).context["action_form"]
    assert {value for value, _ in actions.fields["action"].choices if value} == {"enable_tasks", "disable_tasks"}

    # When finance posts another task and arguments with the switch
    client.post(
        url,
        {
            "enabled": "",
            "regtask": "assetreg.warranty_alerts_send",
            "task": "assetreg.warranty_alerts_send",
            "kwargs": '{"days_ahead": 1}',
        },
    )

    # Then only the switch moved
    job.refresh_from_db()
    assert (job.enabled, job.task, job.kwargs) == (False, task_before, kwargs_before)


@pytest.mark.django_db
def test_clearing_old_role_grants_keeps_what_an_administrator_gave_for_other_apps():
    import importlib

    from django.apps import apps as global_apps

    migration = importlib.import_module("ledgerline.migrations.0002_role_groups_carry_no_permissions")
    finance = Group.objects.get(name=roles.FINANCE)
    finance.permissions.add(
        Permission.objects.get(codename="view_user"), Permission.objects.get(codename="change_asset")
    )

    migration.clear_grants(global_apps, None)

    assert set(finance.permissions.values_list("codename", flat=True)) == {"view_user"}
