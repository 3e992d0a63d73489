"""The shared shape of the apps' policies: the system actor, anonymous users, scoping and unknown actions."""

import pytest
from django.contrib.auth.models import AnonymousUser

from assetreg.models import Asset
from assetreg.permissions import REGISTER
from finance.permissions import FINANCE
from ledgerline.policy import SYSTEM

pytestmark = pytest.mark.django_db


def test_the_system_actor_may_only_what_a_policy_names_for_it(world):
    assert FINANCE.can(SYSTEM, "post_month")
    assert REGISTER.can(SYSTEM, "send_warranty_alerts")
    assert not FINANCE.can(SYSTEM, "change_values")
    assert not REGISTER.can(SYSTEM, "write", world.home.pk)
    assert not REGISTER.admin_can(SYSTEM, "assetreg.asset", "v")


def test_an_anonymous_user_may_do_nothing_and_sees_nothing(world):
    anonymous = AnonymousUser()

    assert not REGISTER.can(anonymous, "write", world.home.pk)
    assert not REGISTER.scope(anonymous, Asset.objects.all()).exists()


def test_rows_are_scoped_to_the_users_sites(world):
    assert list(REGISTER.scope(world.facility_manager, Asset.objects.all())) == [world.home_asset]
    assert REGISTER.scope(world.auditor, Asset.objects.all()).count() == 2


def test_an_unknown_action_is_a_programming_error_not_a_refusal(world):
    with pytest.raises(KeyError):
        REGISTER.can(world.admin, "delete_everything")
