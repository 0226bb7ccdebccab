"""Service navigation shown in the header of every page."""

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    from accounts.navigation import service_nav

    return {"service_nav": service_nav(request), "current_organisation": _single_organisation(request)}


def _single_organisation(request: HttpRequest):
    """The council, when the portal holds only one (a council's own deployment); else pages name it themselves."""
    from aims.models import Organisation

    organisations = list(Organisation.objects.all()[:2])
    return organisations[0] if len(organisations) == 1 else None
