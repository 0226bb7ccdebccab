"""A plain log of sign-ins, failed sign-ins, lockouts and refused access: who, when, from where.

Written to the "portal.security" logger (the console, and SECURITY_LOG_FILE when it is set).
"""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("portal.security")


def client_address(request) -> str:
    if request is None:
        return "unknown"
    return request.META.get("REMOTE_ADDR", "unknown")


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    logger.info("sign-in user=%s from=%s", user.get_username(), client_address(request))


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    logger.info("sign-out user=%s from=%s", user.get_username() if user else "-", client_address(request))


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    logger.warning("failed-sign-in user=%s from=%s", credentials.get("username", "-"), client_address(request))


def access_refused(request, reason: str = "") -> None:
    user = getattr(request, "user", None)
    who = user.get_username() if user is not None and user.is_authenticated else "anonymous"
    logger.warning("access-refused user=%s path=%s from=%s %s", who, request.path, client_address(request), reason)
