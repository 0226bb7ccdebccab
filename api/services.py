"""Writes for API tokens: a person creates and revokes their own."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from accounts import security_log
from api import tokens
from api.models import ApiToken
from core.errors import DomainError

logger = logging.getLogger("portal.security")


def expiry_problem(expires_on: dt.date | None, *, today: dt.date | None = None) -> str:
    """Why the expiry date cannot be used, or "": the one rule the form and the service share."""
    today = today or timezone.localdate()
    if expires_on is None:
        return "Enter the date the token expires"
    if expires_on <= today:
        return "The date the token expires must be in the future"
    latest = tokens.latest_expiry(today)
    if expires_on > latest:
        return f"The date the token expires must be no later than {latest.day} {latest:%B %Y}, a year from today"
    return ""


@transaction.atomic
def api_token_create(*, user, name: str, expires_on: dt.date, request=None) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns it and the token itself, which is never stored and cannot be shown
    again."""
    name = (name or "").strip()
    if not name:
        raise DomainError("Enter a name for the token")
    if problem := expiry_problem(expires_on):
        raise DomainError(problem)
    raw, prefix = tokens.token_new()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, token_hash=tokens.token_hash(raw), expires_on=expires_on
    )
    logger.info(
        "api-token-created user=%s token=%s expires=%s from=%s",
        user.get_username(), prefix, expires_on.isoformat(), security_log.client_address(request),
    )  # fmt: skip
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, user, request=None) -> ApiToken:
    """Revoke one of the person's own tokens; it stops working at once. Revoking twice changes nothing."""
    if token.user_id != user.pk:
        raise DomainError("You can only revoke your own tokens.")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        logger.info(
            "api-token-revoked user=%s token=%s from=%s",
            user.get_username(), token.prefix, security_log.client_address(request),
        )  # fmt: skip
    return token
