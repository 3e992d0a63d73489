"""Role groups carry no model permissions: the apps' access policies (`<app>/permissions.py`) decide what a
role may see and do, in the admin as everywhere else. Removes the grants older migrations gave the groups."""

from django.db import migrations

ROLES = ("Facility manager", "Technician", "Finance", "Auditor")


def clear_grants(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("ledgerline", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(clear_grants, migrations.RunPython.noop)]
