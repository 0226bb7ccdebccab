"""Caching of page bodies that many people read between changes.

A key always holds the data_version of every strategy the body shows (raised by any change in it, see
aims/signals.py), today's date, and whatever about the reader changes what they see; so a cached body is never
older than the data. The cache is per process by default (LocMemCache) and shared when CACHE_URL is set.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

SECONDS = 60 * 60


def cached_body(parts: list, render: Callable[[], str]) -> SafeString:
    raw = ":".join(str(p) for p in [*parts, timezone.localdate()])
    key = "body:" + hashlib.sha256(raw.encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        body = render()
        cache.set(key, body, SECONDS)
    return mark_safe(body)  # noqa: S308 - rendered by the portal's own templates, which escape user text
