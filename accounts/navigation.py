from django.http import HttpRequest
from django.urls import reverse


def service_nav(request: HttpRequest) -> list[dict]:
    """The items of the GOV.UK service navigation for the signed-in person."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    from accounts.rules import is_board_member_anywhere

    items = [("Your deliverables", reverse("home"))]
    if is_board_member_anywhere(user):
        items.append(("Updates to review", reverse("aims:review_list")))
    items.append(("Strategies", reverse("aims:strategy_list")))
    path = request.path
    return [
        {"label": label, "url": url, "active": path == url or (url != "/" and path.startswith(url))}
        for label, url in items
    ]
