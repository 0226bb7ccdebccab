"""Service navigation shown in the header of every page."""

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    from accounts.navigation import service_nav

    return {"service_nav": service_nav(request), "current_organisation": _single_organisation(request)}


def _single_organisation(request: HttpRequest):
    """The council, when everything this person can see belongs to one (a council's own deployment)."""
    from aims.models import Organisation

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        organisations = list(Organisation.objects.all()[:2])
    else:
        from accounts.rules import visible_strategies

        organisations = list(Organisation.objects.filter(strategies__in=visible_strategies(user)).distinct()[:2])
    return organisations[0] if len(organisations) == 1 else None
