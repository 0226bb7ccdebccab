"""Sign-in through a real OpenID Connect provider (oidc-provider on loopback, tests/sso/provider.py) in headless
Chromium, and the authenticator app for password sign-ins. axe runs on every portal page (the provider's own
development pages are not the portal's and are not checked)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import Role
from sso.discovery import cache_key, provider_configuration
from sso.models import SignInIdentity
from tests import factories
from tests.browser.helpers import ENTER_CODE, after_action, check_a11y, sign_in_directly, sign_out, visit
from tests.sso import provider
from tests.sso.totp import code_from_secret, next_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def invited(strategy):
    person = factories.UserFactory(username="ann.lee", email=provider.ACCOUNTS["invited-1"]["email"])
    factories.MembershipFactory(user=person, strategy=strategy, role=Role.OFFICER)
    return person


def _through_provider(page, account: str, name: str):
    """From the portal's sign-in page: press the council's button, sign in at the provider as `account`."""
    visit(page, "/sign-in/", f"{name}-sign-in")
    page.get_by_role("button", name="Sign in with Microsoft").click()
    page.wait_for_load_state("load")
    assert page.url.startswith(provider.ISSUER), page.url
    page.locator("input[name=login]").fill(account)
    page.locator("input[name=password]").fill("any")
    page.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    if page.url.startswith(provider.ISSUER):  # the provider's consent page, the first time
        page.locator("button[type=submit]").click()
    page.wait_for_load_state("load")


def _check_refused(page, name: str, heading: str, status: int):
    assert page.evaluate("performance.getEntriesByType('navigation')[0].responseStatus") == status
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    check_a11y(page, name)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_invited_person_signs_in_with_their_council_account_and_out(page, live_server, oidc_provider,
                                                                     council_sign_in, invited):  # fmt: skip
    _through_provider(page, "invited-1", "sso-invited")
    after_action(page, "sso-invited-home")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("navigation", name="Menu")).to_contain_text(f"Signed in as {invited.get_full_name()}")
    identity = SignInIdentity.objects.get(user=invited)
    assert (identity.issuer, identity.subject) == (provider.ISSUER, "invited-1")

    sign_out(page, "sso-signed-out")
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out of the portal")
    end_session = page.get_by_role("button", name="Sign out of your council account")
    expect(end_session).to_have_attribute("href", re.compile(rf"^{provider.ISSUER}/session/end\?client_id="))
    visit(page, "/", "sso-after-sign-out")
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    page.go_back()
    # The provider's sign-out asks to confirm, then comes back to the portal's sign-in page.
    page.get_by_role("button", name="Sign out of your council account").click()
    page.locator("button[autofocus], button[type=submit]").first.click()
    after_action(page, "sso-back-from-provider-sign-out")
    expect(page).to_have_url(f"{live_server.url}/sign-in/")


def test_a_linked_person_is_found_by_subject_when_their_email_changes(page, live_server, oidc_provider,
                                                                       council_sign_in, invited):  # fmt: skip
    SignInIdentity.objects.create(user=invited, organisation=council_sign_in.organisation, issuer=provider.ISSUER,
                                  subject="newcomer-1")  # fmt: skip
    _through_provider(page, "newcomer-1", "sso-linked")
    after_action(page, "sso-linked-home")
    expect(page.get_by_role("navigation", name="Menu")).to_contain_text(f"Signed in as {invited.get_full_name()}")


def test_uninvited_person_is_refused(page, oidc_provider, council_sign_in, invited, caplog):
    _through_provider(page, "uninvited-1", "sso-uninvited")
    _check_refused(page, "sso-uninvited-refused", "You do not have access to the Digital Strategy Portal", 403)
    expect(page.get_by_text("Ask your strategy lead to invite you.")).to_be_visible()
    assert not get_user_model().objects.filter(email=provider.ACCOUNTS["uninvited-1"]["email"]).exists()
    assert "sso-refused reason=not-invited" in caplog.text


def test_unverified_email_is_refused(page, oidc_provider, council_sign_in, strategy):
    person = factories.UserFactory(email=provider.ACCOUNTS["unverified-1"]["email"])
    factories.MembershipFactory(user=person, strategy=strategy, role=Role.OFFICER)
    _through_provider(page, "unverified-1", "sso-unverified")
    _check_refused(page, "sso-unverified-refused", "You do not have access to the Digital Strategy Portal", 403)


def test_allowed_domain_creates_an_account_without_roles(page, live_server, oidc_provider, council_sign_in):
    council_sign_in.allowed_domains = provider.DOMAIN
    council_sign_in.save()
    _through_provider(page, "newcomer-1", "sso-newcomer")
    after_action(page, "sso-newcomer-home")
    person = get_user_model().objects.get(email=provider.ACCOUNTS["newcomer-1"]["email"])
    assert person.get_full_name() == "Erin New" and not person.memberships.exists()
    assert not person.has_usable_password()


def test_deactivated_person_is_refused(page, oidc_provider, council_sign_in, caplog):
    factories.UserFactory(email=provider.ACCOUNTS["deactivated-1"]["email"], is_active=False)
    _through_provider(page, "deactivated-1", "sso-deactivated")
    _check_refused(page, "sso-deactivated-refused", "Your account has been switched off", 403)
    assert "sso-refused reason=deactivated" in caplog.text


def test_tampered_state_is_refused(page, live_server, oidc_provider, council_sign_in, invited, caplog):
    def tamper(route):
        # The portal's redirect to the provider, with another state, which the provider then sends back to the
        # callback: not the state this browser's session started. (Playwright cannot route the provider's own
        # redirect to the callback, the end of a chain of redirects.)
        response = route.fetch(max_redirects=0)
        headers = {**response.headers, "location": re.sub(r"state=[^&]+", "state=xyz", response.headers["location"])}
        route.fulfill(response=response, headers=headers)

    page.route(re.compile(r".*/sign-in/[^/]+/provider/.*"), tamper)
    _through_provider(page, "invited-1", "sso-tampered")
    _check_refused(page, "sso-tampered-refused", "Sorry, we could not sign you in", 400)
    assert "reason=state-not-started-here" in caplog.text
    assert not SignInIdentity.objects.exists()


def test_id_token_signed_with_another_key_is_refused(page, oidc_provider, council_sign_in, invited, caplog):
    # The portal is pointed at keys with the provider's key id but another key: the provider's signature fails.
    found = provider_configuration(provider.ISSUER)
    cache.set(cache_key(provider.ISSUER), {**found, "jwks_uri": f"{provider.ISSUER}/test/other-jwks"})
    _through_provider(page, "invited-1", "sso-wrong-key")
    _check_refused(page, "sso-wrong-key-refused", "Sorry, we could not sign you in", 400)
    assert "token-refused: ID token refused: InvalidSignatureError" in caplog.text
    assert not SignInIdentity.objects.exists()


def test_lead_sets_up_an_authenticator_app_then_signs_in_with_a_code_and_a_recovery_code(page, live_server, lead):
    visit(page, "/sign-in/", "mfa-sign-in")
    page.get_by_label("Username", exact=True).fill(lead.username)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    after_action(page, "mfa-set-up")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    expect(page.locator("svg[role=img]")).to_have_attribute("aria-label", "QR code for your authenticator app")
    visit(page, "/strategies/", "mfa-not-yet-signed-in")  # nothing of the portal before the second factor
    expect(page).to_have_url(re.compile(r"/sign-in/\?next="))
    page.go_back()
    page.wait_for_load_state("load")

    page.get_by_label(ENTER_CODE).fill("000000")
    page.get_by_role("button", name="Continue").click()
    after_action(page, "mfa-set-up-wrong-code")
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    secret = page.locator("#secret-key").inner_text()
    page.get_by_label(ENTER_CODE).fill(code_from_secret(secret))
    page.get_by_role("button", name="Continue").click()
    after_action(page, "mfa-recovery-codes")
    codes = page.locator(".app-recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("button", name="Continue").click()
    after_action(page, "mfa-home")
    expect(page.get_by_role("navigation", name="Menu")).to_contain_text(f"Signed in as {lead.get_full_name()}")
    assert TOTPDevice.objects.get(user=lead).confirmed

    sign_out(page, "mfa-signed-out")
    page.get_by_label("Username", exact=True).fill(lead.username)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    after_action(page, "mfa-code")
    expect(page.get_by_label(ENTER_CODE)).to_be_visible()
    page.get_by_label(ENTER_CODE).fill(next_code(lead.username))
    page.get_by_role("button", name="Continue").click()
    after_action(page, "mfa-home-after-code")
    expect(page).to_have_url(f"{live_server.url}/")

    sign_out(page, "mfa-signed-out-again")
    page.get_by_label("Username", exact=True).fill(lead.username)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    after_action(page, "mfa-code-again")
    page.get_by_role("link", name="Use a recovery code").click()
    after_action(page, "mfa-recovery-code")
    page.get_by_label("Enter one of your recovery codes").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    after_action(page, "mfa-home-after-recovery-code")
    expect(page).to_have_url(f"{live_server.url}/")


def test_superuser_sets_up_a_councils_sign_in(page, live_server, strategy, monkeypatch):
    monkeypatch.setenv("PORTAL_OIDC_SECRET_BOROUGH", "not-shown")
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    sign_in_directly(page, live_server, admin)
    visit(page, f"/councils/{strategy.organisation.slug}/sign-in-settings/", "sso-settings")
    page.get_by_label("Issuer").fill("not a web address")
    page.get_by_label("Application (client) ID").fill("client-1")
    page.get_by_label("Environment variable holding the client secret").fill("PORTAL_OIDC_SECRET_BOROUGH")
    page.get_by_role("button", name="Save sign-in settings").click()
    after_action(page, "sso-settings-error")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the issuer as a web address")
    page.get_by_label("Issuer").fill("https://login.microsoftonline.com/tenant-1/v2.0")
    page.get_by_label("Allow the council's people to sign in with a password").uncheck()
    page.get_by_role("button", name="Save sign-in settings").click()
    after_action(page, "sso-settings-saved")
    expect(page.get_by_role("alert")).to_contain_text(f"Sign-in settings for {strategy.organisation.name} saved")
    expect(page.get_by_text("The client secret is set on the server")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("not-shown")


def test_an_unreachable_provider_is_a_page_of_its_own(page, council_sign_in):
    council_sign_in.issuer = "http://127.0.0.1:9/"
    council_sign_in.save()
    visit(page, "/sign-in/", "sso-unreachable-sign-in")
    page.get_by_role("button", name="Sign in with Microsoft").click()
    page.wait_for_load_state("load")
    _check_refused(page, "sso-unreachable", "Sorry, signing in with your council account is not working", 503)
