"""Service navigation shown in the header of every page."""

import time

from django.http import HttpRequest

from aims.models import Organisation
from aims.navigation import service_nav

SINGLE_ORGANISATION_SECONDS = 60
_single_organisation_memo: tuple[float, str] | None = None  # (read at, name), per process; replaced whole


def navigation(request: HttpRequest) -> dict:
    return {"service_nav": service_nav(request), "current_organisation": _single_organisation()}


def _single_organisation():
    """The council's name, when the portal holds only one council (a council's own deployment); else None and
    pages name it themselves. Read on every page, so kept in each process for a minute: organisations are added
    by an administrator, and a change forgets it at once in the process that made it (aims/data_versions.py), within
    a minute in the others. Not in the shared cache: a round trip to Redis cost more than the query it saved."""
    global _single_organisation_memo
    memo = _single_organisation_memo
    if memo is None or time.monotonic() - memo[0] > SINGLE_ORGANISATION_SECONDS:
        memo = _single_organisation_memo = (time.monotonic(), _organisation_name())
    return {"name": memo[1]} if memo[1] else None


def forget_single_organisation() -> None:
    global _single_organisation_memo
    _single_organisation_memo = None


def _organisation_name() -> str:
    names = list(Organisation.objects.values_list("name", flat=True)[:2])
    return names[0] if len(names) == 1 else ""
