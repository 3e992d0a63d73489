"""REST API v1: authentication (device tokens) and each app's resources."""

from django.urls import include, path

urlpatterns = [
    path("", include("assetreg.api.urls")),
]
