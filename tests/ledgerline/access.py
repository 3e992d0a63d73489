"""The platform's rows of the access matrix (see `tests/access_matrix.py`): the device tokens people sign their
phones in with, in the API and the admin. Signing in and out are tested in `test_auth_api.py`."""

from __future__ import annotations

from typing import Any

from ledgerline.models import DeviceToken
from tests.access_matrix import Cases, Resource, exempt, register

FORBIDDEN, NOT_FOUND, TO_LOGIN, UNAUTHORISED = 403, 404, 302, 401
STAFF_ONLY = dict(facility_manager=TO_LOGIN, technician=TO_LOGIN, outsider=TO_LOGIN, anonymous=TO_LOGIN)


def _tokens(world: Any) -> None:
    """A phone of the finance clerk's, signed in."""
    world.token, _ = DeviceToken.objects.create(user=world.finance, device_name="finance phone")


tokens = Cases()
(
    tokens.add(
        "api",
        "list own",
        lambda c, w: c.get("/api/v1/auth/tokens/"),
        facility_manager=200,
        technician=200,
        finance=200,
        auditor=200,
        outsider=200,
        admin=200,
        anonymous=UNAUTHORISED,
    )
    .add(
        "api",
        "revoke",
        lambda c, w: c.delete(f"/api/v1/auth/tokens/{w.token.token_key}/"),
        finance=204,  # one's own device
        anonymous=UNAUTHORISED,
        rest=NOT_FOUND,  # another person's token is as unknown as a missing one, for an administrator too
    )
    .admin_records(
        "ledgerline_devicetoken",
        lambda w: w.token.pk,
        readers=dict(finance=FORBIDDEN, auditor=FORBIDDEN, admin=200),
        add=dict(finance=FORBIDDEN, auditor=FORBIDDEN, admin=FORBIDDEN),
        delete=dict(finance=FORBIDDEN, auditor=FORBIDDEN, admin=302),
    )
    .add(
        "admin",
        "revoke",
        lambda c, w: c.post("/admin/ledgerline/devicetoken/", {"action": "revoke", "_selected_action": [w.token.pk]}),
        finance=FORBIDDEN,
        auditor=FORBIDDEN,
        admin=302,
        **STAFF_ONLY,
    )
)
register(Resource("ledgerline", "device tokens", tokens.build(), prepare=_tokens))

exempt("api:auth-login", "signing in: no role rule; lockout and bad credentials are tested in test_auth_api.py")
exempt("api:auth-logout", "signing out one's own token: tested in test_auth_api.py")
exempt("healthz", "the load balancer's liveness probe: public, reads no data")
