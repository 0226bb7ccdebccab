"""A plain log of sign-ins, failed sign-ins, lockouts and refused access: who, when, from where.

Written to the "portal.security" logger (the console, and SECURITY_LOG_FILE when it is set).
"""

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts import client_address as addresses

logger = logging.getLogger("portal.security")


def client_address(request) -> str:
    # The same address the lockouts and rate limits count by: the real client's behind a trusted proxy.
    return addresses.client_address(request) or "unknown"


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    logger.info("sign-in user=%s from=%s", user.get_username(), client_address(request))


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    logger.info("sign-out user=%s from=%s", user.get_username() if user else "-", client_address(request))


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    logger.warning("failed-sign-in user=%s from=%s", credentials.get("username", "-"), client_address(request))


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    scope = "address" if getattr(request, "sign_in_locked_for", "") == "address" else "username-and-address"
    logger.warning("locked-out user=%s from=%s lock=%s", username or "-", client_address(request), scope)


def access_refused(request, reason: str = "") -> None:
    user = getattr(request, "user", None)
    who = user.get_username() if user is not None and user.is_authenticated else "anonymous"
    logger.warning("access-refused user=%s path=%s from=%s %s", who, request.path, client_address(request), reason)


def sign_in_delayed(request, username: str, wait: int) -> None:
    logger.warning("sign-in-delayed user=%s from=%s wait=%ss", username, client_address(request), wait)


def password_reset_refused(request, limit: str) -> None:
    logger.warning("password-reset-refused limit=%s from=%s", limit, client_address(request))
