"""Superusers' view of sign-in in the admin: linked provider accounts (to unlink one), and the settings' history.
django-otp registers its own devices there: deleting a person's TOTP device is how a superuser lets someone who
lost their phone and their recovery codes set up a new app."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sso.models import CouncilSignIn, SignInIdentity


@admin.register(CouncilSignIn)
class CouncilSignInAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "enabled", "issuer", "allow_passwords"]


@admin.register(SignInIdentity)
class SignInIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "issuer", "subject", "linked_at", "last_used_at"]
    search_fields = ["user__username", "user__email", "subject"]
    readonly_fields = ["user", "organisation", "issuer", "subject", "linked_at", "last_used_at"]
