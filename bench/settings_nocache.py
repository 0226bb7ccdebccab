"""The benchmark's settings with caching switched off (DummyCache).

`bench/web.py` runs the cached pages twice: as the portal serves them (page bodies from the cache while the data
they show is unchanged) and under these, so every request computes its page from the database, as the first
reader after a change does.
"""

from bench.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
