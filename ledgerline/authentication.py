"""REST authentication: knox device tokens that remember when each device last used the API.

Kept apart from the auth views (ledgerline.auth_api) because DRF imports authentication classes while it is
still importing its own views; this module therefore must not import any view code.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from knox.auth import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


class DeviceTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <token>`; records the token's last use at most once a minute, with one UPDATE."""

    last_used_interval = timedelta(minutes=1)

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        try:
            return super().authenticate(request)
        except UnicodeError:  # a header with bytes that are not UTF-8 holds no token of ours
            raise AuthenticationFailed("Invalid token header: the token is not readable text.") from None

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        user, auth_token = super().authenticate_credentials(token)
        now = timezone.now()
        last_used = getattr(auth_token, "last_used_at", None)
        if last_used is None or now - last_used >= self.last_used_interval:
            type(auth_token).objects.filter(pk=auth_token.pk).update(last_used_at=now)
            auth_token.last_used_at = now
        return user, auth_token
