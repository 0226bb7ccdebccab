"""A health endpoint for load balancers and monitoring.

503 "unavailable" when the database does not answer: no page can be served, take this web process out.
200 "degraded" when only Redis (the task queue, or the shared cache when CACHE_URL is set) does not answer: pages
still work (the page cache is a speed-up, "Generate PDF" says it cannot queue), and every web process sees the same
Redis, so taking them out would turn a partial outage into a whole one; monitoring reads "checks" to raise the
alarm. The same for object storage (STORAGE_URL): downloads and uploads answer "service unavailable" while it is
down, every other page works. 200 "ok" when everything answers. Names what is down and nothing more."""

import os

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
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
    if settings.EMBEDDED_BROKER:  # `make run`: the broker is a folder
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        checks["broker"] = "ok" if os.path.isdir(folder) and os.access(folder, os.W_OK) else "unavailable"
    elif settings.CELERY_BROKER_URL:
        try:
            import redis

            redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2).ping()
            checks["broker"] = "ok"
        except Exception:  # noqa: BLE001
            checks["broker"] = "unavailable"
    if settings.CACHES["default"]["BACKEND"] not in PER_PROCESS_CACHES:
        # Pages read the shared cache (the header, page bodies) and render without it when it is down.
        try:
            cache.get("health-check")
            checks["cache"] = "ok"
        except Exception:  # noqa: BLE001
            checks["cache"] = "unavailable"
    if _is_object_storage():
        checks["storage"] = _storage_check()
    if checks["database"] != "ok":
        return JsonResponse({"status": "unavailable", "checks": checks}, status=503)
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", "checks": checks}, status=200)


def _is_object_storage() -> bool:
    try:
        default_storage.path("health-check")
    except NotImplementedError:
        return True
    return False


def _storage_check() -> str:
    """One signed HEAD of a name that need not exist: it proves the store answers and the keys are accepted."""
    try:
        default_storage.exists("health-check")
    except Exception:  # noqa: BLE001 - refused, timed out, keys refused: the files cannot be reached
        return "unavailable"
    return "ok"
