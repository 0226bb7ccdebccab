"""Django's password-reset views with the portal's limits (accounts/signin_limits.py)."""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import views as auth_views

from accounts import security_log, signin_limits
from accounts.forms import PasswordResetForm

TOO_MANY_RESETS = "You have asked for too many password reset emails. Wait an hour and try again."


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm

    def form_valid(self, form):
        reached = signin_limits.password_reset_limit_reached(self.request, form.cleaned_data["email"])
        if reached:
            security_log.password_reset_refused(self.request, reached)
            # The same answer whether or not the address has an account.
            form.add_error(None, TOO_MANY_RESETS)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        # The failures so far were against the old password, and the link proves the person has the mailbox:
        # lift the locks on the username, so resetting is the way in without waiting.
        AxesProxyHandler.reset_attempts(username=form.user.get_username())
        return response
