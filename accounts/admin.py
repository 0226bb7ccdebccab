from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["strategy"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("Work", {"fields": ("job_title", "service", "telephone")}),)
    list_display = ["username", "first_name", "last_name", "email", "job_title", "service", "is_active"]
    list_filter = BaseUserAdmin.list_filter + ("memberships__role",)
    search_fields = ["username", "first_name", "last_name", "email", "service"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "strategy", "role"]
    list_filter = ["role", "strategy"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "strategy__title"]
    autocomplete_fields = ["user", "strategy"]
