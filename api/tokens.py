"""Personal access tokens: how one is made, stored (as a hash) and checked on each API request.

A token reads `dsp_<prefix>_<secret>`: the prefix (8 characters) is kept in the clear so a person can tell their
tokens apart on "API tokens"; the portal stores only the SHA-256 of the whole token, so a copy of the database
gives nobody a working token. 32 random bytes of secret make guessing pointless, so a plain hash (rather than a
slow password hash) is enough, and lets each request find its token with one indexed query.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.utils import timezone

from api.models import ApiToken

PREFIX = "dsp"
MAX_LIFETIME_DAYS = 366  # "at most a year": a token made on 29 February may run to 28 February next year and a day
LAST_USED_EVERY = dt.timedelta(minutes=1)  # last_used_at is written at most this often: not a write per request


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_new() -> tuple[str, str]:
    """A new (token, visible prefix)."""
    visible = secrets.token_hex(4)
    return f"{PREFIX}_{visible}_{secrets.token_urlsafe(32)}", visible


def latest_expiry(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today + dt.timedelta(days=365)


def is_usable(token: ApiToken, *, today: dt.date | None = None) -> bool:
    """Not revoked, not past its expiry day, and its person's account is active."""
    today = today or timezone.localdate()
    return token.revoked_at is None and token.expires_on >= today and token.user.is_active


def token_authenticate(raw: str) -> ApiToken | None:
    """The usable token for a bearer value, or None. One query (the token with its person), and a write of
    last_used_at at most once a minute."""
    if not raw.startswith(f"{PREFIX}_") or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=token_hash(raw)).first()
    if token is None or not is_usable(token):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
