from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import NAME_FIELDS, Membership, User
from core.freshness import MarksAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["strategy"]


@admin.register(User)
class UserAdmin(MarksAdmin, BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("Work", {"fields": ("job_title", "service", "telephone")}),)
    list_display = ["username", "first_name", "last_name", "email", "job_title", "service", "is_active"]
    list_filter = BaseUserAdmin.list_filter + ("memberships__role",)
    search_fields = ["username", "first_name", "last_name", "email", "service"]
    inlines = [MembershipInline]

    def saved_marks(self, obj, stored) -> dict:
        """Their home (roles are edited inline); a rename shows on pages of every kind."""
        renamed = stored is not None and any(getattr(stored, f) != getattr(obj, f) for f in NAME_FIELDS)
        return {"people": [obj.pk], "renamed": [obj.pk] if renamed else []}

    def deleted_marks(self, obj) -> dict:
        return {"deliverables": list(obj.contributed_deliverables.values_list("pk", flat=True))}


@admin.register(Membership)
class MembershipAdmin(MarksAdmin, admin.ModelAdmin):
    list_display = ["user", "strategy", "role"]
    list_filter = ["role", "strategy"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "strategy__title"]
    autocomplete_fields = ["user", "strategy"]

    def saved_marks(self, obj, stored) -> dict:
        return {"people": [obj.user_id, getattr(stored, "user_id", None)]}

    def deleted_marks(self, obj) -> dict:
        return {"people": [obj.user_id]}
