"""Django's password-reset views, with the portal's sign-in limits in mind (accounts/signin_limits.py)."""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import views as auth_views


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        # The failures so far were against the old password, and the link proves the person has the mailbox:
        # lift the locks on the username, so resetting is the way in without waiting.
        AxesProxyHandler.reset_attempts(username=form.user.get_username())
        return response
