"""When the database or Redis is down, answer with the GOV.UK "service unavailable" page (503), not a 500.

Nothing is half-saved: views write inside transactions, so a request that fails here has changed nothing, and
the page recovers by itself when the service returns (Django reconnects on the next request).
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("portal.availability")

try:
    from kombu.exceptions import OperationalError as BrokerError
    from redis.exceptions import ConnectionError as RedisConnectionError
except ImportError:  # pragma: no cover - both are installed with celery[redis]
    BrokerError = RedisConnectionError = OSError

UNAVAILABLE = (OperationalError, InterfaceError, BrokerError, RedisConnectionError)


def service_unavailable_response() -> HttpResponse:
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "60"
    return response


class ServiceUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except UNAVAILABLE as exc:
            return self._unavailable(exc)

    def process_exception(self, request, exception):
        # Views' exceptions arrive here; __call__ catches those raised by other middleware (sessions, auth).
        if isinstance(exception, UNAVAILABLE):
            return self._unavailable(exception)
        return None

    def _unavailable(self, exc) -> HttpResponse:
        logger.error("Service unavailable: %s: %s", exc.__class__.__name__, exc)
        return service_unavailable_response()


class SessionIdleTimeoutMiddleware:
    """Sign people out after SESSION_COOKIE_AGE seconds of inactivity without writing the session on every
    request: the session's expiry is pushed forward at most once a minute."""

    REFRESH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get("_seen", 0) >= self.REFRESH_SECONDS:
                session["_seen"] = now  # marks the session modified, so it is saved with a fresh expiry
        return self.get_response(request)
