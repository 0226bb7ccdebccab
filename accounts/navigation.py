from django.http import HttpRequest
from django.urls import reverse


def service_nav(request: HttpRequest) -> list[dict]:
    """The items of the GOV.UK service navigation for the signed-in person."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = [("Home", reverse("home")), ("Strategies", reverse("aims:strategy_list"))]
    path = request.path
    return [
        {"label": label, "url": url, "active": path == url or (url != "/" and path.startswith(url))}
        for label, url in items
    ]
