"""The daily warranty-alert task: run eagerly, it mails the facility managers once per warranty end date."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from assetreg.models import WarrantyAlert
from assetreg.tasks import warranty_alerts_send_task


def test_task_alerts_the_sites_facility_manager_once(world, django_capture_on_commit_callbacks):
    # Given an asset at HQ whose warranty ends in 10 days
    today = timezone.localdate()
    world.home_asset.warranty_end = today + timedelta(days=10)
    world.home_asset.save()

    # When the task runs
    with django_capture_on_commit_callbacks(execute=True):
        result = warranty_alerts_send_task.apply(kwargs={"as_of": today.isoformat()}).get()

    # Then HQ's facility manager gets one email naming the asset, and the alert is recorded
    assert result == {"alerts": 1, "emails": 1}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.facility_manager.email]
    assert "HQ-PUMP-1" in mail.outbox[0].body
    assert WarrantyAlert.objects.filter(asset=world.home_asset, warranty_end=world.home_asset.warranty_end).exists()

    # When it runs again the same day, nobody is mailed twice
    with django_capture_on_commit_callbacks(execute=True):
        again = warranty_alerts_send_task.apply(kwargs={"as_of": today.isoformat()}).get()
    assert again == {"alerts": 0, "emails": 0}
    assert len(mail.outbox) == 1


def test_task_sends_nothing_when_no_warranty_ends_soon(world, django_capture_on_commit_callbacks):
    world.home_asset.warranty_end = timezone.localdate() + timedelta(days=90)
    world.home_asset.save()

    with django_capture_on_commit_callbacks(execute=True):
        result = warranty_alerts_send_task.apply().get()

    assert result == {"alerts": 0, "emails": 0}
    assert mail.outbox == []
