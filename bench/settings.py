"""The portal's settings for the benchmark: unchanged, except that the URLs add the baseline view (bench/urls.py).

Cache, database and broker come from the environment as in production (bench/web.py sets CACHE_URL to Redis, as
the README recommends for production).
"""

from strategy_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
