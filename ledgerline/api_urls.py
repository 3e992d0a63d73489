"""REST API v1: authentication (device tokens) and each app's resources, all under the `api` namespace."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.routers import SimpleRouter

from .auth_api import DeviceTokenViewSet, LoginView, LogoutView

app_name = "api"


@csrf_exempt  # it writes nothing; a POST with a session cookie gets the same JSON 404, not an HTML 403
def api_not_found(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
    """The API's answer for an address that names nothing."""
    return JsonResponse({"detail": "Not found."}, status=404)


auth_router = SimpleRouter(use_regex_path=False)
auth_router.register("auth/tokens", DeviceTokenViewSet, basename="auth-token")

urlpatterns = [
    path("auth/login/", LoginView.as_view(), name="auth-login"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    *auth_router.urls,
    path("", include("assetreg.api.urls")),
    path("", include("finance.api.urls")),
    # Last: any other API address (`/assets/abc/`, `/nothing-here/`) is a JSON 404 like a missing record, not an
    # HTML page. Only addresses ending in "/" match, so a write without its trailing slash is still redirected.
    re_path(r"^[\s\S]*/$", api_not_found),
]
