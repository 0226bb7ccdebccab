"""The Django admin, for superusers only.

Council users (leads, officers, board members, clerks) work in the portal's own screens, where every change is
checked per object and goes through the workflow. The admin checks only model permissions across every council,
so any staff user with a group's permissions could reach other councils' strategies or skip the board's review:
it is closed to everyone but superusers.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class PortalAdminSite(admin.AdminSite):
    site_header = "Digital Strategy Portal administration"
    site_title = "Digital Strategy Portal administration"

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser


class PortalAdminConfig(AdminConfig):
    default_site = "strategy_portal.admin.PortalAdminSite"
