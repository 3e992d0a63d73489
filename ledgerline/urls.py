"""Top-level URLs: web pages, admin, REST API v1, schema and docs, health check."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from assetreg import views as assetreg_views

from .health import healthz


def _this_server_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a documentation page with a policy that lets the browser load nothing from another host.

    Swagger UI and Redoc come from local static files (drf-spectacular-sidecar); Redoc's bundle still links
    its maker's logo on a CDN, which this policy blocks before any request leaves.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; font-src 'self' data:"
        )
        return response

    return wrapped


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include("ledgerline.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", _this_server_only(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
    path(
        "api/redoc/",
        # The package's page links Google Fonts; this one is the same without them.
        _this_server_only(SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html")),
        name="api-redoc",
    ),
    path("", assetreg_views.dashboard, name="dashboard"),
    path("finance/", include("finance.urls")),
    path("", include("assetreg.urls")),
]
