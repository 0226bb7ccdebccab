"""A password sign-in waiting for its second step (a code from the authenticator app, or setting one up).

Until that step is done the person is not signed in at all: the session holds only who is waiting, since when,
and where they were going. So nothing of the portal is reachable with the password alone, and sessions that
did not come through the password form (a test's force_login, a provider's sign-in) are never asked for a code.
"""

import time

import django_otp
from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.shortcuts import resolve_url

PENDING = "_sso_pending_sign_in"
SIGN_IN_METHOD = "_sso_sign_in_method"  # "password" or "provider"
SIGN_IN_COUNCIL = "_sso_sign_in_council"  # the CouncilSignIn a provider's sign-in came through


def pending_start(request, *, user, backend: str, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING] = {"user": user.pk, "backend": backend, "at": int(time.time()), "next": next_url}


def pending_user(request):
    """The person whose password was right and who has not yet done the second step, or None."""
    data = request.session.get(PENDING)
    if not data:
        return None
    if time.time() - data["at"] > settings.SIGN_IN_SECOND_STEP_SECONDS:
        del request.session[PENDING]
        return None
    return get_user_model().objects.filter(pk=data["user"], is_active=True).first()


def pending_finish(request, *, user, device) -> str:
    """Sign the person in, noting the device that verified them (django-otp); returns where to go next."""
    data = request.session.pop(PENDING)
    login(request, user, backend=data["backend"])
    django_otp.login(request, device)
    request.session[SIGN_IN_METHOD] = "password"
    return data["next"] or resolve_url(settings.LOGIN_REDIRECT_URL)
