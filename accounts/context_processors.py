"""Service navigation shown in the header of every page."""

import contextlib

from django.core.cache import cache
from django.http import HttpRequest

SINGLE_ORGANISATION_KEY = "single-organisation"
SINGLE_ORGANISATION_SECONDS = 60


def navigation(request: HttpRequest) -> dict:
    from accounts.navigation import service_nav

    return {"service_nav": service_nav(request), "current_organisation": _single_organisation(request)}


def _single_organisation(request: HttpRequest):
    """The council's name, when the portal holds only one council (a council's own deployment); else None and
    pages name it themselves. Read on every page, so cached for a minute: organisations are added by an
    administrator, and a change clears it at once in this process (aims/signals.py)."""
    try:
        name = cache.get(SINGLE_ORGANISATION_KEY)
    except Exception:  # noqa: BLE001 - the cache server (CACHE_URL) is down: read the database instead
        name = _organisation_name()
    else:
        if name is None:
            name = _organisation_name()
            with contextlib.suppress(Exception):
                cache.set(SINGLE_ORGANISATION_KEY, name, SINGLE_ORGANISATION_SECONDS)
    return {"name": name} if name else None


def _organisation_name() -> str:
    from aims.models import Organisation

    names = list(Organisation.objects.values_list("name", flat=True)[:2])
    return names[0] if len(names) == 1 else ""
