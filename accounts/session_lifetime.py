"""The time of sign-in, kept in the session, from which SessionIdleTimeoutMiddleware ends it after
SESSION_ABSOLUTE_SECONDS however active the person is (ASVS 7.3.2)."""

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

SIGNED_IN_AT = "_signed_in_at"


@receiver(user_logged_in)
def _note_sign_in_time(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        # Sent after login() has cycled the session key, so the time goes into the new session.
        session[SIGNED_IN_AT] = int(time.time())
