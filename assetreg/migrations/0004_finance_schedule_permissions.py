"""Formerly granted the Finance group model permissions on the periodic jobs and every role the meter readings.

Nothing to do any more: who opens which admin screen is the apps' access policy (finance's own grants, such as
the periodic jobs, are in `finance/permissions.py`), and `ledgerline` migration 0002 removes the model
permissions this migration used to grant. Kept, empty, so that the migration graph stays as it was.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assetreg", "0003_depreciation_inputs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations: list = []
