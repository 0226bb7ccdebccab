"""Rate limits for the API, counted in the Django cache: per client address for every request (so a flood of
wrong tokens is limited too) and per token for requests that carry one, each per minute (fixed windows).

Share the cache between web processes (CACHE_URL, Redis): the per-process default cache counts each process
separately, so with N processes a client gets up to N times the limit.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60
logger = logging.getLogger(__name__)


def limit_for(kind: str) -> int:
    return {"address": settings.API_RATE_LIMIT_PER_ADDRESS, "token": settings.API_RATE_LIMIT_PER_TOKEN}[kind]


def hit(kind: str, ident: str, *, now: float | None = None) -> int:
    """Count one request for (kind, ident). 0 if within the limit, else the seconds to wait (Retry-After)."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    key = f"api-rate:{kind}:{ident}:{window}"
    try:
        cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
            count = 1
    except Exception:  # noqa: BLE001 - a cache that does not answer must not take the API down with it
        logger.warning("API rate limit not counted: the cache did not answer")
        return 0
    if count <= limit_for(kind):
        return 0
    return max(1, int((window + 1) * WINDOW_SECONDS - now) + 1)
