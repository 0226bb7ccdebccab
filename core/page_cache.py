"""Caching of page bodies that many people read between changes.

A key always holds the data versions of what the body shows (raised in the transaction of any change to it, by
the marks writes make: core/freshness.py), today's date, and whatever about the reader changes what they see; so
a cached body is never older than the data. The cache is per process by default (LocMemCache) and shared when
CACHE_URL is set.

A miss is computed once (single flight): the first reader takes a lock with cache.add and renders; readers who
miss while it does wait for its body instead of all rendering the same thing at once. A reader who waits longer
than WAIT_SECONDS (the renderer died, or is very slow) renders the body itself, so nobody is ever blocked by a
lock left behind.

Stale while revalidate (`stale=`, the dashboard): a body that is rebuilt after every change can also be kept under
a key without the data versions, the latest body rendered for that page. A reader who misses while another reader
is rebuilding the page gets that latest body at once instead of waiting for the rebuild, so one worker rebuilds
while the others go on serving; the reader who rebuilds, and everyone after, read the current figures. Such a body
is older than the data by at most one rebuild (well under a second), and only for readers who arrive during it.

The cache is a speed-up, never a dependency: if the cache server (CACHE_URL) is down, readers render their page
from the database and the failure is logged, so the portal keeps working without Redis.
"""

import contextlib
import hashlib
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

SECONDS = 60 * 60
LOCK_SECONDS = 30  # a lock outlives a renderer that died by at most this long
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.05
logger = logging.getLogger(__name__)
T = TypeVar("T")


class CacheDown(Exception):
    """The cache backend failed (e.g. Redis unreachable)."""


def _cache(method: str, *args):
    try:
        return getattr(cache, method)(*args)
    except Exception as exc:  # whatever the backend raises: redis.ConnectionError, TimeoutError, OSError...
        logger.warning("page cache unavailable (%s), rendering without it", exc.__class__.__name__)
        raise CacheDown from exc


def body_keys(parts: list) -> tuple[str, str]:
    """The cache keys of the body for `parts` today, and of the lock held while it is being rendered."""
    raw = ":".join(str(p) for p in [*parts, timezone.localdate()])
    key = "body:" + hashlib.sha256(raw.encode()).hexdigest()
    return key, key + ":rendering"


def cached_body(parts: list, render: Callable[[], str], *, stale: list | None = None) -> SafeString:
    """The body for `parts` from the cache, else from `render()`: one reader renders while others wait for it, or,
    with `stale` (the parts without the data versions), are given the latest body rendered for it meanwhile."""
    return mark_safe(cached(parts, render, stale=stale))  # noqa: S308 - rendered by the portal's own templates, which escape user text


def cached(parts: list, render: Callable[[], T], *, stale: list | None = None) -> T:
    """What `render()` returns (a body, or a dict of a page's parts), from the cache when it holds it for `parts`."""
    key, lock = body_keys(parts)
    stale_key = body_keys(["stale", *stale])[0] if stale is not None else None
    try:
        value = _cache("get", key)
        if value is None:
            value = _render_once(key, lock, render, stale_key)
    except CacheDown:
        value = render()
    return value


def _render_once(key: str, lock: str, render: Callable[[], T], stale_key: str | None = None) -> T:
    if _cache("add", lock, 1, LOCK_SECONDS):
        body = None
        try:
            body = _cache("get", key)  # set by a renderer that finished since this reader missed
            if body is None:
                body = render()
                _cache("set", key, body, SECONDS)
                if stale_key:
                    _cache("set", stale_key, body, SECONDS)
        except CacheDown:
            if body is None:
                raise
        finally:
            with contextlib.suppress(CacheDown):
                _cache("delete", lock)
        return body
    if stale_key and (previous := _cache("get", stale_key)) is not None:
        return previous  # another reader is rebuilding this page: serve the latest body rather than queue
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        # The lock is read first: the renderer sets the body before it lets go of the lock, so a lock gone
        # with no body after it means the renderer failed, and there is no point waiting out the deadline.
        rendering = _cache("get", lock) is not None
        body = _cache("get", key)
        if body is not None:
            return body
        if not rendering:
            break
    body = render()
    with contextlib.suppress(CacheDown):
        _cache("set", key, body, SECONDS)
    return body
