"""Forms of sign-in: the password form with the council's rule on passwords, the two-factor codes, and a
council's sign-in settings."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from accounts.forms import SignInForm
from sso import events, rules
from sso.models import CouncilSignIn

ENTER_CODE = "Enter the 6-digit code from your authenticator app"
WRONG_CODE = "The code is not right. Enter the 6-digit code your authenticator app shows now."
ENTER_RECOVERY_CODE = "Enter a recovery code"
WRONG_RECOVERY_CODE = "The recovery code is not right, or has been used. Each code works once."


class PasswordSignInForm(SignInForm):
    """The portal's sign-in form, refusing a correct password from a person whose council has switched passwords
    off (checked once the password is known to be right, as Django checks an account switched off)."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not rules.passwords_allowed(user):
            events.password_refused(self.request, user=user, reason="council-allows-no-passwords")
            label = rules.password_refusal_label(user)
            raise ValidationError(
                f"Your council does not use passwords for the portal. Use the “{label}” button instead.",
                code="passwords_off",
            )


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.label_size = Size.SMALL
    helper.layout = Layout(*fields)
    return helper


class CodeForm(forms.Form):
    code = forms.CharField(
        label=ENTER_CODE,
        help_text="The code changes every 30 seconds.",
        max_length=20,
        error_messages={"required": ENTER_CODE},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false", "autofocus": True}
        )
        self.helper = _helper(Field.text("code", field_width=Fluid.ONE_THIRD))
        self.helper.label_size = Size.MEDIUM

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise ValidationError("Enter the code as 6 digits, like 123456")
        return code


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.CharField(
        label="Enter one of your recovery codes",
        help_text="You were given 10 codes when you set up your authenticator app. Each works once.",
        max_length=40,
        error_messages={"required": ENTER_RECOVERY_CODE},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recovery_code"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        )
        self.helper = _helper(Field.text("recovery_code", field_width=Fluid.ONE_THIRD))
        self.helper.label_size = Size.MEDIUM

    def clean_recovery_code(self) -> str:
        return "".join(self.cleaned_data["recovery_code"].split()).lower()


class CouncilSignInForm(forms.ModelForm):
    issuer = forms.URLField(
        label="Issuer",
        max_length=300,
        assume_scheme="https",
        help_text="For Microsoft Entra ID: https://login.microsoftonline.com/your-tenant-ID/v2.0",
        error_messages={
            "required": "Enter the issuer",
            "invalid": "Enter the issuer as a web address, like https://login.microsoftonline.com/your-tenant-ID/v2.0",
        },
    )

    class Meta:
        model = CouncilSignIn
        fields = [
            "enabled",
            "issuer",
            "client_id",
            "client_secret_env",
            "button_label",
            "allowed_domains",
            "allow_passwords",
        ]
        labels = {
            "enabled": "Show the sign-in button on the sign-in page",
            "client_id": "Application (client) ID",
            "client_secret_env": "Environment variable holding the client secret",
            "button_label": "Button label",
            "allowed_domains": "Email domains that may create accounts without an invitation (optional)",
            "allow_passwords": "Allow the council's people to sign in with a password",
        }
        help_texts = {
            "client_secret_env": "The secret itself is never entered here. Set it on the server in a variable "
            "whose name starts with PORTAL_OIDC_SECRET_, for example PORTAL_OIDC_SECRET_CHESHIRE_EAST.",
            "button_label": "For example, Sign in with Microsoft",
            "allow_passwords": "Superusers can always sign in with a password.",
        }
        error_messages = {
            "client_id": {"required": "Enter the application (client) ID"},
            "client_secret_env": {"required": "Enter the name of the environment variable"},
            "button_label": {"required": "Enter the button label"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.checkbox("enabled"),
            Field.text("issuer"),
            Field.text("client_id", field_width=Fluid.TWO_THIRDS),
            Field.text("client_secret_env", field_width=Fluid.TWO_THIRDS),
            Field.text("button_label", field_width=Fluid.TWO_THIRDS),
            Field.textarea("allowed_domains", rows=3),
            Field.checkbox("allow_passwords"),
        )

    def clean_issuer(self) -> str:
        issuer = self.cleaned_data["issuer"].strip()
        if not issuer.startswith("https://") and not issuer.startswith("http://127.0.0.1"):
            raise ValidationError("Enter an issuer address that starts with https://")
        return issuer

    def clean_allowed_domains(self) -> str:
        lines = [line.strip().lower().lstrip("@") for line in self.cleaned_data["allowed_domains"].splitlines()]
        for line in filter(None, lines):
            if "." not in line or any(c.isspace() or c in "/@:" for c in line):
                raise ValidationError(f"“{line}” is not an email domain. Enter domains like cheshireeast.gov.uk")
        return "\n".join(filter(None, lines))
