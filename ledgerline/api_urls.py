"""REST API v1: authentication (device tokens) and each app's resources, all under the `api` namespace."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .auth_api import DeviceTokenViewSet, LoginView, LogoutView

app_name = "api"

auth_router = SimpleRouter(use_regex_path=False)
auth_router.register("auth/tokens", DeviceTokenViewSet, basename="auth-token")

urlpatterns = [
    path("auth/login/", LoginView.as_view(), name="auth-login"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    *auth_router.urls,
    path("", include("assetreg.api.urls")),
    path("", include("finance.api.urls")),
]
