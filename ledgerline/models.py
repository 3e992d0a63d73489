"""Project-wide models: per-device API tokens."""

from django.db import models
from knox.models import AbstractAuthToken


class DeviceToken(AbstractAuthToken):
    """A revocable, expiring API token issued to one device of a user (a phone, a tablet, an integration)."""

    device_name = models.CharField(max_length=100, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API device token"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} · {self.device_name or 'device'} · {self.token_key}"
