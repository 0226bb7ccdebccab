"""What the sign-out warning in base.html needs to know: when this person's session will end."""

import time

from django.conf import settings
from django.http import HttpRequest

from accounts.session_lifetime import SIGNED_IN_AT


def session_timeout(request: HttpRequest) -> dict:
    """Seconds until the session ends for inactivity (the idle timeout starts again with every page) and, however
    active, since sign-in (SessionIdleTimeoutMiddleware); nothing for a visitor who is not signed in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    signed_in_at = request.session.get(SIGNED_IN_AT, int(time.time()))
    return {
        "session_timeout": {
            "idle_seconds": settings.SESSION_COOKIE_AGE,
            "absolute_seconds_left": max(0, settings.SESSION_ABSOLUTE_SECONDS - (int(time.time()) - signed_in_at)),
            "warning_seconds": settings.SESSION_WARNING_SECONDS,
        }
    }
