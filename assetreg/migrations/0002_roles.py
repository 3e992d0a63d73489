"""Create the four role groups with their admin (model) permissions.

Site scoping and field-level rules live in `assetreg.access`; these permissions only open the admin
screens each role needs.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "Facility manager": {
        "assetreg": {"asset": "vcad", "site": "v", "location": "vcad", "category": "v", "assetdocument": "vcad",
                     "statuschange": "v", "disposal": "v", "warrantyalert": "v"},
    },
    "Technician": {
        "assetreg": {"asset": "v", "site": "v", "location": "v", "category": "v", "assetdocument": "v"},
    },
    "Finance": {
        "assetreg": {"asset": "vc", "site": "v", "location": "v", "category": "vca", "assetdocument": "v",
                     "statuschange": "v", "disposal": "v", "warrantyalert": "v", "historicalasset": "v"},
    },
    "Auditor": {
        "assetreg": {"asset": "v", "site": "v", "location": "v", "category": "v", "assetdocument": "v",
                     "statuschange": "v", "disposal": "v", "warrantyalert": "v", "historicalasset": "v"},
    },
}
ACTIONS = {"v": "view", "c": "change", "a": "add", "d": "delete"}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        codenames = [
            f"{ACTIONS[letter]}_{model}" for app, models in grants.items() for model, letters in models.items()
            for letter in letters
        ]
        group.permissions.set(Permission.objects.filter(content_type__app_label="assetreg", codename__in=codenames))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assetreg", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
