"""Writes of sign-in: linking a provider's account, creating an account for an allowed domain, setting up an
authenticator app and recovery codes."""

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership
from core.errors import DomainError
from sso.discovery import cache_key
from sso.models import CouncilSignIn, SignInIdentity


class SignInRefused(Exception):
    """The provider vouched for someone the portal does not let in. `reason` goes to the security log, `page`
    names what they are told."""

    def __init__(self, reason: str, *, page: str = "no_access", who: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.page = page
        self.who = who


def email_verified(claims: dict) -> bool:
    """The provider says the address is the person's: `email_verified` (the standard claim), or Entra ID's
    `xms_edov` (the tenant owns the address's domain), which Entra sends instead when configured."""
    return claims.get("email_verified") is True or claims.get("xms_edov") in (True, "true", "1", 1)


@transaction.atomic
def sign_in_match(*, council: CouncilSignIn, claims: dict):
    """The portal account a provider's person is, or SignInRefused. In order: an account already linked to the
    provider's subject; else an invited person of this council with the same verified email address (then
    linked); else, if the council allows the address's domain, a new account with no roles. Deactivated accounts
    are refused whatever the provider says; roles come only from the portal's memberships."""
    subject, email = claims.get("sub"), (claims.get("email") or "").strip()
    linked = SignInIdentity.objects.select_related("user").filter(issuer=council.issuer, subject=subject).first()
    if linked is not None:
        return _linked_user(linked, email)
    if not email or not email_verified(claims):
        raise SignInRefused("email-not-verified", who=email)
    same_email = list(get_user_model().objects.filter(email__iexact=email))
    if any(not person.is_active for person in same_email):
        raise SignInRefused("deactivated", page="deactivated", who=email)
    members = set(
        Membership.objects.filter(user__in=same_email, strategy__organisation=council.organisation).values_list(
            "user_id", flat=True
        )
    )
    invited = [person for person in same_email if person.pk in members]
    if len(invited) > 1:
        raise SignInRefused("several-accounts-with-this-email", who=email)
    if invited:
        return _link(council=council, user=invited[0], subject=subject)
    domain = email.rpartition("@")[2].lower()
    if same_email or domain not in council.domains:
        raise SignInRefused("not-invited", who=email)
    return _link(council=council, user=_new_account(claims, email), subject=subject)


def _linked_user(linked: SignInIdentity, email: str):
    if not linked.user.is_active:
        raise SignInRefused("deactivated", page="deactivated", who=email or linked.user.get_username())
    linked.last_used_at = timezone.now()
    linked.save(update_fields=["last_used_at"])
    return linked.user


def _link(*, council: CouncilSignIn, user, subject: str):
    SignInIdentity.objects.create(
        user=user,
        organisation=council.organisation,
        issuer=council.issuer,
        subject=subject,
        last_used_at=timezone.now(),
    )
    return user


def _new_account(claims: dict, email: str):
    base = email.lower()[:150]
    username, n = base, 1
    while get_user_model().objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base[: 150 - len(str(n)) - 1]}-{n}"
    person = get_user_model()(
        username=username,
        email=email,
        first_name=(claims.get("given_name") or "")[:150],
        last_name=(claims.get("family_name") or "")[:150],
    )
    person.set_unusable_password()
    person.save()
    return person


RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


@transaction.atomic
def authenticator_start(*, user) -> TOTPDevice:
    """The authenticator app being set up: a new secret, not trusted until a code from it is entered."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


@transaction.atomic
def authenticator_confirm(*, device: TOTPDevice, token: str) -> list[str]:
    """Trust the app once it gives a right code, replacing any earlier app, and make new recovery codes (each
    works once). Returns the codes, to be shown once. DomainError if the code is wrong."""
    if device.confirmed or not device.verify_token(token):
        raise DomainError("The code is not right. Enter the 6-digit code your authenticator app shows now.")
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=device.user).delete()
    recovery = StaticDevice.objects.create(user=device.user, name=RECOVERY_NAME)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    return codes


def authenticator_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def council_sign_in_save(*, form) -> CouncilSignIn:
    """Save a council's sign-in settings (validated by CouncilSignInForm); the provider's configuration is read
    again at the next sign-in, since the issuer may have changed."""
    council = form.save()
    cache.delete(cache_key(council.issuer))
    return council
