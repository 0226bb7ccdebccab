"""Limits on guessing passwords (README "Security", "Sign-in").

- One username from one address: locked after AXES_FAILURE_LIMIT failures within AXES_COOLOFF_TIME (django-axes),
  until the cool-off has passed since the last counted failure, or at once by resetting the password.
- One username, any addresses: never locked, so nobody can lock a known username out from elsewhere. After
  SIGN_IN_USERNAME_SLOWDOWN_AFTER failures within the cool-off, each further try must wait a doubling delay (1, 2,
  4... up to SIGN_IN_USERNAME_MAX_WAIT_SECONDS) after the last failure, except from an address the person has
  signed in from in the last KNOWN_ADDRESS_DAYS days.

Counted from axes' own AccessAttempt rows, in the database rather than the cache: the default cache is per
process, where each web process would allow the whole limit again.
"""

import math
from datetime import timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

from accounts.client_address import client_address

KNOWN_ADDRESS_DAYS = 30


def duration_text(seconds: float) -> str:
    """'1 second', '15 minutes', '90 minutes', '12 hours': the largest unit that divides exactly."""
    seconds = int(seconds)
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def lockout_response(request, original_response=None, credentials=None):
    """The locked-out page (AXES_LOCKOUT_CALLABLE), saying for how long in words (axes gives "PT15M")."""
    context = {"cool_off": duration_text(get_cool_off(request).total_seconds())}
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
