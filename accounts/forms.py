from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from accounts import security_log, signin_limits
from core import wording


class SignInForm(AuthenticationForm):
    """Django's sign-in form with GOV.UK-style messages, and the wait asked of a username tried from many
    addresses (accounts/signin_limits.py)."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Contact your strategy lead.",
        "wait": "There have been too many attempts to sign in to this account. Wait %(wait)s and try again.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is not None and self.cleaned_data.get("password"):
            # Before the password is checked: a try that has to wait is neither checked nor counted as a failure.
            wait = signin_limits.username_wait_seconds(self.request, username)
            if wait:
                security_log.sign_in_delayed(self.request, username, wait)
                raise ValidationError(
                    self.error_messages["wait"], code="wait", params={"wait": signin_limits.duration_text(wait)}
                )
        return super().clean()


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form with the GOV.UK messages for an email address."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={"required": "Enter your email address", "invalid": wording.EMAIL_FORMAT},
    )
