"""REST API authentication endpoints: device token login and logout, and a user's list of their own tokens.

Login goes through `django.contrib.auth.authenticate` with the Django request, so django-axes counts failed
attempts and locks the username out exactly as it does for the web and admin login pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, user_logged_in, user_logged_out
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, SessionBase
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.crypto import get_random_string
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from knox.models import get_token_model
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import roles
from .authentication import DeviceTokenAuthentication
from .lockout import lockout_response
from .models import DeviceToken

BAD_CREDENTIALS = "Unable to log in with this username and password."

DETAIL_ONLY = inline_serializer("Detail", fields={"detail": serializers.CharField()})
LOCKED_OUT = OpenApiResponse(
    response=DETAIL_ONLY,
    description="Too many failed logins: the username is locked out for a while. `detail` says for how long.",
)


class DeviceTokenScheme(OpenApiAuthenticationExtension):
    """Describes `Authorization: Token <token>` in the OpenAPI schema."""

    target_class = "ledgerline.authentication.DeviceTokenAuthentication"
    name = "deviceToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")


class UnstoredSession(SessionBase):
    """A session that lives only for one request and is never saved (token logins keep no server session)."""

    def exists(self, session_key: str) -> bool:
        return False

    def create(self) -> None:
        self._session_key = get_random_string(32, VALID_KEY_CHARS)
        self.modified = False

    def save(self, must_create: bool = False) -> None:
        return None

    def delete(self, session_key: str | None = None) -> None:
        return None

    def load(self) -> dict[str, Any]:
        return {}


# --- serializers ------------------------------------------------------------------------------------


class LoginInputSerializer(serializers.Serializer):
    """Credentials and a name for the device that will hold the token."""

    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    device_name = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")


class SiteSummarySerializer(serializers.Serializer):
    """A site the user is assigned to."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class UserSummarySerializer(serializers.Serializer):
    """Who is logged in, their role and the sites they are assigned to."""

    username = serializers.CharField()
    role = serializers.SerializerMethodField(help_text="Facility manager, Technician, Finance, Auditor, ...")
    sees_all_sites = serializers.SerializerMethodField(help_text="Finance and auditors read every site.")
    sites = serializers.SerializerMethodField(help_text="The sites the user is assigned to.")

    def get_role(self, user: Any) -> str:
        return roles.primary_role(user)

    def get_sees_all_sites(self, user: Any) -> bool:
        return roles.sees_all_sites(user)

    @extend_schema_field(SiteSummarySerializer(many=True))
    def get_sites(self, user: Any) -> list[dict[str, Any]]:
        return list(user.assigned_sites.order_by("code").values("id", "code", "name"))


class LoginOutputSerializer(serializers.Serializer):
    """The new token (shown once; send it as `Authorization: Token <token>`), its expiry and the user."""

    token = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)
    user = UserSummarySerializer()


class DeviceTokenOutputSerializer(serializers.ModelSerializer):
    """One of the user's tokens: its public prefix and device, never the secret or its digest."""

    current = serializers.SerializerMethodField(help_text="True for the token this request was made with.")

    class Meta:
        model = DeviceToken
        fields = ["token_key", "device_name", "created", "expiry", "last_used_at", "current"]
        read_only_fields = fields

    def get_current(self, token: DeviceToken) -> bool:
        request = self.context.get("request")
        auth = getattr(request, "auth", None)
        return isinstance(auth, DeviceToken) and auth.pk == token.pk


# --- views ------------------------------------------------------------------------------------------


class LoginView(APIView):
    """Exchange a username and password for a device token."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["auth"],
        auth=[],
        request=LoginInputSerializer,
        responses={
            200: LoginOutputSerializer,
            400: OpenApiResponse(description="Missing fields, or a wrong username or password."),
            429: LOCKED_OUT,
        },
    )
    def post(self, request: Request) -> Response | HttpResponse:
        """Log in: returns a new token for this device. Repeated failures lock the username out (429)."""
        credentials = LoginInputSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(
            request=django_request,
            username=credentials.validated_data["username"],
            password=credentials.validated_data["password"],
        )
        if getattr(django_request, "axes_locked_out", False):
            # axes flags the request when this failure reaches the limit or the username is already locked.
            return lockout_response(django_request)
        if user is None:
            raise ValidationError({"non_field_errors": [BAD_CREDENTIALS]})
        instance, token = get_token_model().objects.create(
            user=user, device_name=credentials.validated_data["device_name"]
        )
        # Resets axes' failure count and records the login, as a web login would. axes hashes a session key into
        # its access log; a token login gets a session that is never stored, so no server session or cookie.
        browser_session = getattr(django_request, "session", None)
        django_request.session = UnstoredSession()
        try:
            user_logged_in.send(sender=user.__class__, request=django_request, user=user)
        finally:
            if browser_session is not None:
                django_request.session = browser_session
            else:
                del django_request.session
        output = LoginOutputSerializer({"token": token, "expiry": instance.expiry, "user": user})
        return Response(output.data)


class LogoutView(APIView):
    """Revoke the token this request was made with."""

    authentication_classes = [DeviceTokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["auth"], request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        """Log out this device: its token stops working at once."""
        request.auth.delete()
        user_logged_out.send(sender=request.user.__class__, request=request._request, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(tags=["auth"], summary="List my device tokens that have not expired"),
    destroy=extend_schema(tags=["auth"], summary="Revoke one of my device tokens (404 for anyone else's)"),
)
class DeviceTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The signed-in user's own device tokens: see where they are logged in and revoke a lost device."""

    serializer_class = DeviceTokenOutputSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list[type] = []
    lookup_field = "token_key"

    def get_queryset(self) -> QuerySet[DeviceToken]:
        user = self.request.user
        if not user.is_authenticated:
            return DeviceToken.objects.none()
        now = timezone.now()
        return DeviceToken.objects.filter(Q(expiry__isnull=True) | Q(expiry__gt=now), user=user).order_by(
            "-created", "token_key"
        )
