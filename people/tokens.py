"""The link in an invitation: Django's password-reset token with its own salt and lifetime.

Its hash covers the password and the last sign-in, so setting the password (or signing in) spends it: single use.
A reset link cannot be used as an invitation link, nor the other way round (different salt).
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "people.tokens.InvitationTokenGenerator"

    def check_token(self, user, token) -> bool:
        """As Django's, with INVITATION_TIMEOUT in place of PASSWORD_RESET_TIMEOUT."""
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return (self._num_seconds(self._now()) - ts) <= settings.INVITATION_TIMEOUT


invitation_token = InvitationTokenGenerator()
