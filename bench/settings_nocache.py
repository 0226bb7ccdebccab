"""The portal's settings with caching switched off (DummyCache), for the benchmark only.

`bench/web.py` runs each page twice: under the portal's own settings (pages served from their cache whenever the
data has not changed since) and under these, so every request computes its page from the database, as the first
reader after any change does.
"""

from strategy_portal.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
