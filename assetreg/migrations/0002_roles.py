"""Create the four role groups.

The groups only name roles: what each role may see and do is the apps' access policy
(`assetreg/permissions.py`, `finance/permissions.py`), not Django model permissions. (This migration used to
grant model permissions; `ledgerline` migration 0002 removes them from databases that have them.)
"""

from django.db import migrations

ROLES = ("Facility manager", "Technician", "Finance", "Auditor")


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role in ROLES:
        Group.objects.get_or_create(name=role)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assetreg", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
