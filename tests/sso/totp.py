"""Codes an authenticator app would show, computed with django-otp's own TOTP from the secret."""

import time
from base64 import b32decode

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def code_from_secret(secret: str) -> str:
    """The code for now from the key shown on "Set up an authenticator app" (groups of 4, no padding)."""
    key = secret.replace(" ", "")
    return f"{TOTP(b32decode(key + '=' * (-len(key) % 8))).token():06d}"


def next_code(username: str) -> str:
    """The code of the person's app that the portal will accept next: a code is accepted once, so after a code
    of this 30-second step has been used, wait for the next step."""
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    while totp.t() <= device.last_t:
        time.sleep(0.5)
    return f"{totp.token():06d}"
