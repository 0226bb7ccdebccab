from django.http import HttpRequest
from django.urls import reverse

from aims.rules import is_board_member_anywhere, is_report_reader_anywhere

# Which pages belong to which navigation item, by URL name prefix.
SECTIONS = {
    "home": ("home", "aims:deliverable_detail", "aims:progress_update"),
    "review": ("aims:review_list", "aims:update_review"),
    "dashboard": ("reports:dashboard",),
    "reports": ("reports:report", "reports:version"),
    "strategies": ("aims:strategy_",),
    "councils": ("people:council_",),
}


def service_nav(request: HttpRequest) -> list[dict]:
    """The items of the GOV.UK service navigation for the signed-in person."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = [("home", "Home", reverse("home"))]
    if is_board_member_anywhere(user):
        items.append(("review", "Updates to review", reverse("aims:review_list")))
    items.append(("dashboard", "Dashboard", reverse("reports:dashboard_index")))
    if is_report_reader_anywhere(user):
        items.append(("reports", "Progress reports", reverse("reports:report_index")))
    items.append(("strategies", "Strategies", reverse("aims:strategy_list")))
    if user.is_superuser:
        items.append(("councils", "Councils", reverse("people:council_list")))
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    return [
        {"label": label, "url": url, "active": any(view_name.startswith(prefix) for prefix in SECTIONS[key])}
        for key, label, url in items
    ]
