"""The Django admin, for superusers only.

Council users (leads, officers, board members, clerks) work in the portal's own screens, where every change is
checked per object and goes through the workflow. The admin checks only model permissions across every council,
so any staff user with a group's permissions could reach other councils' strategies or skip the board's review:
it is closed to everyone but superusers.

Each page that writes (any POST) runs in `freshness.atomic`: the marks its saves and deletes make (the
ModelAdmins' own, core/freshness.py MarksAdmin, and the safety net's, aims/signals.py) raise the data versions
once, just before the page's changes commit.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from core import freshness


class PortalAdminSite(admin.AdminSite):
    site_header = "Digital Strategy Portal administration"
    site_title = "Digital Strategy Portal administration"

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def admin_view(self, view, cacheable=False):
        checked = super().admin_view(view, cacheable)

        @wraps(checked)
        def batched(request, *args, **kwargs):
            if request.method in ("GET", "HEAD", "OPTIONS"):
                return checked(request, *args, **kwargs)
            with freshness.atomic():
                return checked(request, *args, **kwargs)

        return batched


class PortalAdminConfig(AdminConfig):
    default_site = "strategy_portal.admin.PortalAdminSite"
