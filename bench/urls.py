"""The portal's URLs plus the benchmark's baseline view (bench/settings.py points ROOT_URLCONF here).

`/bench-baseline/` is the issue's "minimal baseline view": a Django view that returns a few bytes and touches no
database, served through the portal's own middleware stack. The portal itself has no such page (`/health/`
touches the database), so it is added here and not in the app.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def baseline(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok\n", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("bench-baseline/", baseline),
    path("", include("strategy_portal.urls")),
]
