"""Role groups carry no model permissions: the apps' access policies (`<app>/permissions.py`) decide what a
role may see and do, in the admin as everywhere else. Removes the grants older migrations gave the groups."""

from django.db import migrations

ROLES = ("Facility manager", "Technician", "Finance", "Auditor")


# The apps whose grants older migrations gave the role groups; a permission of any other app (users, lockouts,
# tokens) that an administrator gave a group by hand is kept.
POLICY_APPS = ("assetreg", "finance", "django_celery_beat")


def clear_grants(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    replaced = Permission.objects.filter(content_type__app_label__in=POLICY_APPS)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*replaced.filter(group=group))


class Migration(migrations.Migration):
    dependencies = [
        ("ledgerline", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(clear_grants, migrations.RunPython.noop)]
