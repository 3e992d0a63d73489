"""Project-wide HTTP behaviour of every response: private caching for signed-in users, and API writes to a URL
without its trailing slash."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, HttpResponsePermanentRedirect
from django.middleware.common import CommonMiddleware
from django.utils.cache import patch_cache_control

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class PrivateResponsesMiddleware:
    """Marks every response to a signed-in user (session or API token) `Cache-Control: private, no-store`, so no
    proxy or shared cache keeps one user's register for another, and no disk cache keeps it at all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)  # DRF sets the token's user on the Django request too
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class ApiSlashCommonMiddleware(CommonMiddleware):
    """Django's CommonMiddleware, except that a write to an API URL without its trailing slash is redirected with
    308 (the client repeats the same method and body at the right URL) instead of failing: Django itself answers
    such a POST with a 500 in debug mode and a 301 (which turns it into a GET) otherwise."""

    def process_request(self, request: HttpRequest) -> HttpResponsePermanentRedirect | None:
        if (
            request.method not in SAFE_METHODS
            and request.path_info.startswith("/api/")
            and settings.APPEND_SLASH
            and self.should_redirect_with_slash(request)
        ):
            return PermanentRedirectSameMethod(request.get_full_path(force_append_slash=True))
        return super().process_request(request)


class PermanentRedirectSameMethod(HttpResponsePermanentRedirect):
    """308 Permanent Redirect: unlike 301, the client repeats the same method and body at the new address."""

    status_code = 308
