"""Let the Finance group see the periodic jobs (the monthly depreciation posting) and switch them on or off,
and every role see meter readings in the admin.

Schedules themselves are defined in code (ledgerline/periodic.py) and re-applied after every migrate, so
finance gets no permission to change crontabs.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "periodictask": ("view", "change"),
    "crontabschedule": ("view",),
    "intervalschedule": ("view",),
    "solarschedule": ("view",),
    "clockedschedule": ("view",),
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    finance = Group.objects.filter(name="Finance").first()
    if finance is None:
        return
    codenames = [f"{action}_{model}" for model, actions in GRANTS.items() for action in actions]
    finance.permissions.add(
        *Permission.objects.filter(content_type__app_label="django_celery_beat", codename__in=codenames)
    )
    reading = Permission.objects.filter(content_type__app_label="assetreg", codename="view_meterreading").first()
    if reading is not None:
        for group in Group.objects.filter(name__in=["Facility manager", "Technician", "Finance", "Auditor"]):
            group.permissions.add(reading)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    finance = Group.objects.filter(name="Finance").first()
    if finance is not None:
        finance.permissions.remove(*Permission.objects.filter(content_type__app_label="django_celery_beat"))


class Migration(migrations.Migration):
    dependencies = [
        ("assetreg", "0003_depreciation_inputs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
