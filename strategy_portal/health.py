"""A health endpoint for load balancers: 200 when the database, Redis (when configured as the broker) and a shared
cache (when CACHE_URL is set) answer; 503 otherwise, naming what is down and nothing more."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache")


@never_cache
def health(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = "unavailable"
    if settings.CELERY_BROKER_URL:
        try:
            import redis

            redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2).ping()
            checks["broker"] = "ok"
        except Exception:  # noqa: BLE001
            checks["broker"] = "unavailable"
    if settings.CACHES["default"]["BACKEND"] not in PER_PROCESS_CACHES:
        # Every page reads the shared cache (the header, page bodies): without it they answer 503.
        try:
            cache.get("health-check")
            checks["cache"] = "ok"
        except Exception:  # noqa: BLE001
            checks["cache"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )
