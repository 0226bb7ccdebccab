"""Service navigation shown in the header of every page."""

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    from accounts.navigation import service_nav

    return {"service_nav": service_nav(request)}
