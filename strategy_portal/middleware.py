"""When the database, Redis or the file store is down, answer with the GOV.UK "service unavailable" page (503), not
a 500.

Nothing is half-saved: views write inside transactions, so a request that fails here has changed nothing, and
the page recovers by itself when the service returns (Django reconnects on the next request; CONN_HEALTH_CHECKS
replaces a persistent connection that the database dropped while it was idle).
"""

import logging
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.session_lifetime import SIGNED_IN_AT
from accounts.signin_limits import duration_text
from core.file_storage import is_storage_outage

logger = logging.getLogger("portal.availability")

try:
    from kombu.exceptions import OperationalError as BrokerError
    from redis.exceptions import ConnectionError as RedisConnectionError
except ImportError:  # pragma: no cover - both are installed with celery[redis]
    BrokerError = RedisConnectionError = OSError

UNAVAILABLE = (OperationalError, InterfaceError, BrokerError, RedisConnectionError)


def is_outage(exc: BaseException) -> bool:
    """The database, Redis or the file store (object storage) is down or not answering."""
    return isinstance(exc, UNAVAILABLE) or is_storage_outage(exc)


SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def service_unavailable_response(*, change_not_saved: bool = False) -> HttpResponse:
    # A plain context, no request: the page must render with the database and Redis down.
    body = render_to_string("503.html", {"change_not_saved": change_not_saved})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store"
    return response


def _note_unavailable(sender, request=None, **kwargs):
    """Remember on the request that an outage caused the exception Django is about to turn into a 500.

    Django converts an exception raised inside any middleware (the session and user are loaded from the database
    in SessionIdleTimeoutMiddleware; the session is saved in SessionMiddleware) into a 500 response right there,
    so it never reaches ServiceUnavailableMiddleware as an exception: this signal, sent from inside the `except`
    block, is the one place that still sees it.
    """
    exc = sys.exc_info()[1]
    if request is not None and exc is not None and is_outage(exc):
        request.service_unavailable_error = exc


got_request_exception.connect(_note_unavailable, dispatch_uid="portal-service-unavailable")


class ServiceUnavailableMiddleware:
    """First in MIDDLEWARE, so it sees every response on its way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        exc = getattr(request, "service_unavailable_error", None)
        if exc is not None and response.status_code == 500:
            return self._unavailable(request, exc)
        return response

    def process_exception(self, request, exception):
        # Exceptions raised by views arrive here, before Django makes them into a 500.
        if is_outage(exception):
            return self._unavailable(request, exception)
        return None

    def _unavailable(self, request, exc) -> HttpResponse:
        logger.error("Service unavailable: %s %s: %s: %s", request.method, request.path, exc.__class__.__name__, exc)
        return service_unavailable_response(change_not_saved=request.method not in SAFE_METHODS)


class SessionIdleTimeoutMiddleware:
    """Sign people out after SESSION_COOKIE_AGE seconds of inactivity without writing the session on every
    request: the session's expiry is pushed forward at most once a minute. Also sign them out, however active,
    SESSION_ABSOLUTE_SECONDS after they signed in (ASVS 7.3.2), saying why on the sign-in page.

    After MessageMiddleware in MIDDLEWARE, so the reason can be left as a message."""

    REFRESH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            # A session from before the sign-in time was kept is counted from first sight.
            signed_in_at = session.setdefault(SIGNED_IN_AT, now)
            if now - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS:
                return self._sign_out(request)
            if now - session.get("_seen", 0) >= self.REFRESH_SECONDS:
                session["_seen"] = now  # marks the session modified, so it is saved with a fresh expiry
        return self.get_response(request)

    def _sign_out(self, request):
        # Deletes the session from the database and from the cache (accounts/sessions.py), and logs the sign-out.
        logout(request)
        lifetime = duration_text(settings.SESSION_ABSOLUTE_SECONDS)
        messages.info(
            request, f"You have been signed out because you signed in more than {lifetime} ago. Sign in again."
        )
        return redirect_to_login(_page_to_return_to(request))


def _page_to_return_to(request) -> str:
    """Where sign-in leads back to: the page itself, or for a form sent (POST) the page it was sent from, since
    returning to a POST-only address would answer "method not allowed"."""
    if request.method in SAFE_METHODS:
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return resolve_url("home")
