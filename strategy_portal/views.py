"""Error pages that log refused access, the public pages every footer links to, and "Stay signed in"."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.http import require_http_methods

from accounts.security_log import access_refused
from accounts.signin_limits import duration_text
from aims.selectors import organisation_single_get

# When each public page was last checked against what the portal does; shown on the page.
PREPARED_ON = "1 December 2026"


def permission_denied(request, exception=None):
    access_refused(request, "403")
    return defaults.permission_denied(request, exception)


@login_required
@require_http_methods(["GET", "POST"])
def session_keep_alive(request):
    """For the sign-out warning. POST ("Stay signed in") saves the session with a fresh expiry, so the inactivity
    timeout starts again; GET only asks whether the session is still there (another tab may have kept it alive),
    and a visitor whose session has ended is sent to sign in. Either way, answers the inactivity timeout."""
    if request.method == "POST":
        request.session.modified = True
    return JsonResponse({"idle_seconds": settings.SESSION_COOKIE_AGE})


def accessibility(request):
    return _public_page(request, "accessibility.html")


def privacy(request):
    return _public_page(request, "privacy.html")


def cookies(request):
    """The cookies page, with each cookie's name and lifetime read from the settings that set them."""
    return _public_page(
        request,
        "cookies.html",
        session_cookie=settings.SESSION_COOKIE_NAME,
        csrf_cookie=settings.CSRF_COOKIE_NAME,
        csrf_age=_duration(settings.CSRF_COOKIE_AGE),
    )


def _public_page(request, template, **context):
    """A page anyone may read, signed in or not, naming the council and its contact details when the portal
    holds only one council."""
    return render(
        request,
        template,
        {
            "council": organisation_single_get(),
            "prepared_on": PREPARED_ON,
            "session_idle": _duration(settings.SESSION_COOKIE_AGE),
            "session_absolute": _duration(settings.SESSION_ABSOLUTE_SECONDS),
            "session_warning": _duration(settings.SESSION_WARNING_SECONDS),
            **context,
        },
    )


def _duration(seconds: int) -> str:
    """'60 minutes', '12 hours', '52 weeks' (Django's CSRF cookie lasts 31,449,600 seconds)."""
    for unit, size in (("week", 7 * 24 * 3600), ("day", 24 * 3600)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return duration_text(seconds)
