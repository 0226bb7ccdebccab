"""Who may do what with sign-in: which people must use a second factor, who may use a password, who may change
a council's sign-in settings."""

from django.db.models import Q, QuerySet

from accounts.models import Membership, Role
from aims.models import Organisation
from sso.models import CouncilSignIn


def councils_of(user) -> QuerySet[Organisation]:
    """The councils a person belongs to: through a role in one of their strategies, or a linked provider account."""
    return Organisation.objects.filter(
        Q(pk__in=Membership.objects.filter(user=user).values("strategy__organisation_id"))
        | Q(pk__in=user.sign_in_identities.values("organisation_id"))
    )


def passwords_allowed(user) -> bool:
    """False when any of the person's councils has switched passwords off. Superusers always may (break-glass)."""
    if user.is_superuser:
        return True
    return not CouncilSignIn.objects.filter(organisation__in=councils_of(user), allow_passwords=False).exists()


def password_refusal_label(user) -> str:
    """The button the person should use instead of their password."""
    council = CouncilSignIn.objects.filter(organisation__in=councils_of(user), allow_passwords=False).first()
    return council.button_label if council else ""


def second_factor_required(user) -> bool:
    """Strategy leads and superusers signing in with a password must use an authenticator app."""
    return user.is_superuser or Membership.objects.filter(user=user, role=Role.LEAD).exists()


def can_change_sign_in_settings(user) -> bool:
    """Superusers only: whoever sets a council's provider decides who the portal believes people are (a provider
    that vouches for any email address could sign in as any of the council's people), so a strategy lead may not."""
    return user.is_authenticated and user.is_superuser
