"""Error pages that log refused access."""

from django.views import defaults

from accounts.security_log import access_refused


def permission_denied(request, exception=None):
    access_refused(request, "403")
    return defaults.permission_denied(request, exception)
