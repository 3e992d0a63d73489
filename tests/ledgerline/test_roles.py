"""Role groups are restored with their permissions when a database is flushed (tests, fresh installs)."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from ledgerline import roles


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_gets_its_role_groups_back():
    call_command("flush", interactive=False, verbosity=0)

    finance = Group.objects.get(name=roles.FINANCE)
    assert finance.permissions.filter(codename="change_asset").exists()
    assert finance.permissions.filter(codename="change_periodictask").exists()
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)


@pytest.mark.django_db
def test_an_edited_group_is_left_as_it_is():
    auditor = Group.objects.get(name=roles.AUDITOR)
    auditor.permissions.clear()

    assert roles.sync_role_groups() == []
    assert auditor.permissions.count() == 0
