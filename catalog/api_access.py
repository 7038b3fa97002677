"""Who may call the APIs, how often and from where: token authentication, throttles, CORS.

Kept apart from catalog.api because REST_FRAMEWORK names these classes: DRF imports them
while it loads its own views, before catalog.api (which needs those views) can be imported.
The CKAN views (catalog.ckan) use the same tokens and throttles.
"""

from types import SimpleNamespace

from corsheaders.signals import check_request_enabled
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from catalog.models import ApiToken

# Authentication and throttling ----------------------------------------------------------


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Token <key>` with a personal API token (catalog.models.ApiToken)."""

    keyword = "Token"

    def authenticate(self, request):
        parts = get_authorization_header(request).decode("latin-1").split()
        if not parts or parts[0].lower() != self.keyword.lower():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as “Token <your token>”."))
        user = ApiToken.authenticate(parts[1])
        if user is None:
            raise exceptions.AuthenticationFailed(_("This token is unknown or was revoked."))
        return user, parts[1]

    def authenticate_header(self, request):
        return self.keyword


def _is_write(request, view) -> bool:
    # CKAN actions are all POSTed by clients such as ckanapi: they say what they are.
    return getattr(view, "ckan_write", request.method not in SAFE_METHODS)


class _Throttle(SimpleRateThrottle):
    def get_rate(self):
        # Read at request time (not import time), so settings overrides take effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonReadThrottle(_Throttle):
    """Anonymous reads, per client address."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user.is_authenticated or _is_write(request, view):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserReadThrottle(_Throttle):
    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated or _is_write(request, view):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class WriteThrottle(_Throttle):
    """Writes, per token (a user's tokens are throttled separately)."""

    scope = "write"

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated or not _is_write(request, view):
            return None
        key = request.auth if isinstance(request.auth, str) else f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ApiToken.digest(key)}


THROTTLES = [AnonReadThrottle, UserReadThrottle, WriteThrottle]


def throttle_wait(request, *, write: bool) -> float | None:
    """Seconds to wait before `request` may be made, or None if it may: for the CKAN views."""
    view = SimpleNamespace(ckan_write=write)
    waits = []
    for throttle in (cls() for cls in THROTTLES):
        if not throttle.allow_request(request, view):
            waits.append(throttle.wait() or 1)
    return max(waits) if waits else None


def _cors_read_only(sender, request, **kwargs):
    """CORS for reads of the APIs only: a browser page elsewhere may read, never write.

    django-cors-headers enables CORS when CORS_URLS_REGEX matches *or* a receiver says so;
    the regex matches nothing (settings), so this receiver decides alone. A preflight is
    answered only when it asks for GET or HEAD, so browsers refuse cross-origin writes.
    """
    if not request.path_info.startswith("/api/"):
        return False
    if request.method == "OPTIONS":
        wanted = request.headers.get("access-control-request-method", "GET").upper()
        return wanted in ("GET", "HEAD")
    return request.method in ("GET", "HEAD")


check_request_enabled.connect(_cors_read_only)


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 1000
