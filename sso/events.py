"""Security log entries for sign-in with a council's provider and for two-factor authentication, on the same
"portal.security" logger as the password sign-ins (accounts/security_log.py)."""

import logging

from accounts.security_log import client_address

logger = logging.getLogger("portal.security")


def sso_signed_in(request, *, user, council: str) -> None:
    logger.info("sso-sign-in user=%s council=%s from=%s", user.get_username(), council, client_address(request))


def sso_refused(request, *, reason: str, council: str, who: str = "-") -> None:
    logger.warning(
        "sso-refused reason=%s council=%s who=%s from=%s", reason, council, who or "-", client_address(request)
    )


def mfa_event(request, *, event: str, user) -> None:
    """event: set-up, code-accepted, code-refused, recovery-code-used, recovery-code-refused, locked-out..."""
    log = logger.warning if "refused" in event or "locked" in event else logger.info
    log("mfa-%s user=%s from=%s", event, user.get_username(), client_address(request))


def password_refused(request, *, user, reason: str) -> None:
    logger.warning("password-sign-in-refused user=%s reason=%s from=%s", user.get_username(), reason,
                   client_address(request))  # fmt: skip
