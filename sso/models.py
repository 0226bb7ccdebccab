"""How a council's people sign in: its OpenID Connect provider (Microsoft Entra ID, or any other), whether
passwords are allowed, and the provider accounts linked to portal accounts."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

SECRET_ENV_PREFIX = "PORTAL_OIDC_SECRET_"  # noqa: S105 - the prefix of a variable name, not a secret
DEFAULT_BUTTON_LABEL = "Sign in with Microsoft"


class CouncilSignIn(models.Model):
    """One council's sign-in settings. The client secret is never stored: only the name of the environment
    variable that holds it, which must start with PORTAL_OIDC_SECRET_ so no other setting can be sent out."""

    organisation = models.OneToOneField("aims.Organisation", on_delete=models.CASCADE, related_name="sign_in")
    enabled = models.BooleanField("Show the sign-in button", default=True)
    issuer = models.URLField(
        max_length=300,
        help_text="For Microsoft Entra ID: https://login.microsoftonline.com/your-tenant-ID/v2.0",
    )
    client_id = models.CharField("client ID", max_length=200)
    client_secret_env = models.CharField(
        "environment variable holding the client secret",
        max_length=100,
        validators=[
            RegexValidator(
                rf"^{SECRET_ENV_PREFIX}[A-Z0-9_]+$",
                f"Enter a name that starts with {SECRET_ENV_PREFIX} and has only capital letters, digits and _",
            )
        ],
    )
    button_label = models.CharField(max_length=60, default=DEFAULT_BUTTON_LABEL)
    allowed_domains = models.TextField(
        "email domains that may create accounts",
        blank=True,
        help_text="One a line, like cheshireeast.gov.uk. People from these domains who have not been invited get "
        "an account with no roles. Leave empty to let in invited people only.",
    )
    allow_passwords = models.BooleanField(
        "allow passwords",
        default=True,
        help_text="When off, the council's people can sign in only with the button. Superusers always can.",
    )
    history = HistoricalRecords()  # who changed a council's sign-in settings, and when

    class Meta:
        verbose_name = "council sign-in settings"
        verbose_name_plural = "council sign-in settings"

    def __str__(self) -> str:
        return f"Sign-in for {self.organisation}"

    @property
    def domains(self) -> set[str]:
        return {line.strip().lower().lstrip("@") for line in self.allowed_domains.splitlines() if line.strip()}


class SignInIdentity(models.Model):
    """A provider's account (issuer and subject) linked to a portal account at its first sign-in."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_identities")
    organisation = models.ForeignKey("aims.Organisation", on_delete=models.CASCADE, related_name="sign_in_identities")
    issuer = models.URLField(max_length=300)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sign_in_identity_unique_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"
