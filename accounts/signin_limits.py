"""Limits on guessing passwords and on password-reset emails (README "Security", "Sign-in").

- One username from one address: locked after AXES_FAILURE_LIMIT failures within AXES_COOLOFF_TIME (django-axes),
  until the cool-off has passed since the last counted failure, or at once by resetting the password.
- One address, any usernames (password spraying): locked after SIGN_IN_ADDRESS_FAILURE_LIMIT failures within
  the same cool-off, for every username from that address.
- One username, any addresses: never locked, so nobody can lock a known username out from elsewhere. After
  SIGN_IN_USERNAME_SLOWDOWN_AFTER failures within the cool-off, each further try must wait a doubling delay (1, 2,
  4... up to SIGN_IN_USERNAME_MAX_WAIT_SECONDS) after the last failure, except from an address the person has
  signed in from in the last KNOWN_ADDRESS_DAYS days.
- Password-reset emails: at most PASSWORD_RESET_PER_EMAIL_PER_HOUR per email address and
  PASSWORD_RESET_PER_ADDRESS_PER_HOUR per client address.

Axes supports several lockout parameter sets, but with one failure limit for all of them, so the address limit
is counted here from axes' own AccessAttempt rows. Every count is in the database rather than the cache: the
default cache is per process, where each web process would allow the whole limit again.
"""

import math
from datetime import timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt, AccessLog
from axes.signals import user_locked_out
from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.client_address import client_address
from accounts.models import RateLimitCounter

KNOWN_ADDRESS_DAYS = 30
RESET_WINDOW = timedelta(hours=1)


def duration_text(seconds: float) -> str:
    """'1 second', '15 minutes', '90 minutes', '12 hours': the largest unit that divides exactly."""
    seconds = int(seconds)
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def address_failures(request) -> int:
    """Failed sign-ins from the request's address, any username, within the cool-off."""
    total = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return total or 0


class SignInLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, with the address-wide limit besides its own username-and-address one."""

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if address_failures(request) >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT:
            request.sign_in_locked_for = "address"
            return True
        return False

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # As axes does at its own limit: the failure that reaches it is already answered with the locked page.
        if (
            request is not None
            and not request.axes_locked_out
            and address_failures(request) >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
        ):
            request.sign_in_locked_for = "address"
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )


def lockout_response(request, original_response=None, credentials=None):
    """The locked-out page (AXES_LOCKOUT_CALLABLE), saying which lock it is and for how long in words."""
    context = {
        "cool_off": duration_text(get_cool_off(request).total_seconds()),
        "for_address": getattr(request, "sign_in_locked_for", "") == "address",
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)


def username_wait_seconds(request, username: str) -> int:
    """Seconds this sign-in must still wait because the username has failed from many addresses; 0 to go on.

    Counted by the username as typed, whether or not there is such an account, so the answer reveals nothing.
    """
    now = timezone.now()
    after = settings.SIGN_IN_USERNAME_SLOWDOWN_AFTER
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=now - get_cool_off(request))
    found = recent.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    failures = found["failures"] or 0
    if failures < after or found["last"] is None:
        return 0
    address = client_address(request)
    # The person's own usual addresses stay at full speed; there the username-and-address lock still applies.
    if (
        address
        and AccessLog.objects.filter(
            username=username, ip_address=address, attempt_time__gte=now - timedelta(days=KNOWN_ADDRESS_DAYS)
        ).exists()
    ):
        return 0
    wait = min(2 ** min(failures - after, 30), settings.SIGN_IN_USERNAME_MAX_WAIT_SECONDS)
    return max(0, math.ceil(wait - (now - found["last"]).total_seconds()))


class _LimitReached(Exception):
    def __init__(self, which: str):
        self.which = which


def password_reset_limit_reached(request, email: str) -> str | None:
    """Count one password-reset request; return "email" or "address" instead when that limit is reached.

    A refused request is not counted, so the limits are on emails sent. Each count is one row per key updated
    with a conditional UPDATE, so concurrent requests cannot pass the limit together.
    """
    # The email address is keyed by a keyed hash, so addresses without an account are not stored as typed.
    email_key = salted_hmac("portal.password-reset", email.strip().lower()).hexdigest()
    limits = [
        ("address", f"reset-address:{client_address(request)}", settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR),
        ("email", f"reset-email:{email_key}", settings.PASSWORD_RESET_PER_EMAIL_PER_HOUR),
    ]
    now = timezone.now()
    try:
        with transaction.atomic():
            RateLimitCounter.objects.filter(window_start__lte=now - RESET_WINDOW).delete()
            for which, key, limit in limits:
                counter, _ = RateLimitCounter.objects.get_or_create(key=key, defaults={"window_start": now})
                counted = RateLimitCounter.objects.filter(pk=counter.pk, count__lt=limit).update(count=F("count") + 1)
                if not counted:
                    raise _LimitReached(which)  # rolls back the other count too
    except _LimitReached as reached:
        return reached.which
    return None
