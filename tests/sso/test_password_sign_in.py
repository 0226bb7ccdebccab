"""Password sign-in: passwords switched off per council, and the second step with an authenticator app, which
strategy leads and superusers must set up. Sessions made without the password form (force_login) are untouched."""

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sso.models import CouncilSignIn
from sso.services import authenticator_confirm, authenticator_start
from tests import factories

pytestmark = pytest.mark.django_db


def sign_in(client, person, password=factories.PASSWORD):
    return client.post(reverse("login"), {"username": person.username, "password": password})


def code_of(device) -> str:
    device.refresh_from_db()
    return f"{TOTP(device.bin_key, drift=device.drift).token():06d}"


@pytest.fixture
def app_of():
    def make(person):
        device = authenticator_start(user=person)
        authenticator_confirm(device=device, token=code_of(device))
        device.refresh_from_db()
        device.last_t = -1  # as if set up in an earlier step, so the current code may be used again here
        device.save()
        return device

    return make


def passwords_off(strategy):
    return CouncilSignIn.objects.create(organisation=strategy.organisation, issuer="https://id.example/", client_id="c",
                                        client_secret_env="PORTAL_OIDC_SECRET_X", allow_passwords=False)  # fmt: skip


def test_officer_signs_in_with_a_password_alone(client, officer):
    response = sign_in(client, officer)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_passwords_switched_off_for_the_council(client, officer, strategy, caplog):
    passwords_off(strategy)
    response = sign_in(client, officer)
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Your council does not use passwords for the portal. Use the “Sign in with Microsoft” button instead." in page
    )
    assert "Sign in with Microsoft" in page  # the button is on the page
    assert client.get(reverse("home")).status_code == 302
    assert "password-sign-in-refused" in caplog.text
    # A wrong password says only that it is wrong.
    assert "does not use passwords" not in sign_in(client, officer, "wrong").content.decode()


def test_superusers_may_always_use_a_password(client, strategy, app_of):
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    factories.MembershipFactory(user=admin, strategy=strategy, role="officer")
    passwords_off(strategy)
    assert sign_in(client, admin)["Location"] == reverse("sso:authenticator_set_up")


def test_a_lead_must_set_up_an_app_before_anything_else(client, lead, caplog):
    response = sign_in(client, lead)
    assert response["Location"] == reverse("sso:authenticator_set_up")
    assert "_auth_user_id" not in client.session  # not signed in yet
    assert client.get(reverse("aims:strategy_list"))["Location"].startswith(reverse("login"))
    page = client.get(reverse("sso:authenticator_set_up")).content.decode()
    assert "Set up an authenticator app" in page and '<svg role="img"' in page
    device = TOTPDevice.objects.get(user=lead, confirmed=False)
    response = client.post(reverse("sso:authenticator_set_up"), {"code": code_of(device)})
    assert response["Location"] == reverse("sso:recovery_codes")
    page = client.get(reverse("sso:recovery_codes")).content.decode()
    assert page.count("<li><code>") == 10
    assert client.get(reverse("sso:recovery_codes"))["Location"] == reverse("home")  # shown once
    assert client.get(reverse("aims:strategy_list")).status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert "mfa-set-up-required" in caplog.text and "mfa-set-up user=lead1" in caplog.text


def test_force_login_sessions_are_not_asked_for_a_code(client, lead):
    client.force_login(lead)
    assert client.get(reverse("aims:strategy_list")).status_code == 200


def test_a_person_with_an_app_enters_its_code(client, officer, app_of, caplog):
    device = app_of(officer)
    assert sign_in(client, officer)["Location"] == reverse("sso:code")
    assert "_auth_user_id" not in client.session
    page = client.post(reverse("sso:code"), {"code": "12345"}).content.decode()
    assert "Enter the code as 6 digits, like 123456" in page
    wrong = "000000" if code_of(device) != "000000" else "111111"
    page = client.post(reverse("sso:code"), {"code": wrong}).content.decode()
    assert "The code is not right" in page and "mfa-code-refused user=officer1" in caplog.text
    device.throttling_failure_count = 0  # django-otp's own delay after a failure, not what this test is about
    device.save()
    response = client.post(reverse("sso:code"), {"code": code_of(device)})
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_a_recovery_code_works_once(client, officer, app_of):
    app_of(officer)
    codes = list(officer.staticdevice_set.get().token_set.values_list("token", flat=True))
    assert len(codes) == 10
    sign_in(client, officer)
    assert client.post(reverse("sso:recovery_code"), {"recovery_code": codes[0].upper()})["Location"] == "/"
    client.logout()
    sign_in(client, officer)
    page = client.post(reverse("sso:recovery_code"), {"recovery_code": codes[0]}).content.decode()
    assert "The recovery code is not right, or has been used" in page


def test_the_password_alone_cannot_replace_the_app(client, lead, app_of):
    app_of(lead)
    sign_in(client, lead)
    assert client.get(reverse("sso:authenticator_set_up"))["Location"] == reverse("sso:code")
    assert TOTPDevice.objects.filter(user=lead).count() == 1


def test_wrong_codes_lock_out_like_wrong_passwords(client, officer, app_of, settings, caplog):
    settings.AXES_FAILURE_LIMIT = 3
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # only the portal's lock, not django-otp's delay
    device = app_of(officer)
    sign_in(client, officer)
    wrong = "000000" if code_of(device) != "000000" else "111111"
    client.post(reverse("sso:code"), {"code": wrong})
    client.post(reverse("sso:code"), {"code": wrong})
    assert client.post(reverse("sso:code"), {"code": wrong}).status_code == 429
    response = client.post(reverse("sso:code"), {"code": code_of(device)})
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert "mfa-locked-out user=officer1" in caplog.text


def test_the_second_step_expires(client, officer, app_of, settings):
    app_of(officer)
    sign_in(client, officer)
    settings.SIGN_IN_SECOND_STEP_SECONDS = -1
    assert client.get(reverse("sso:code"))["Location"] == reverse("login")


def test_second_step_pages_without_a_password_first(client):
    for name in ("sso:code", "sso:recovery_code", "sso:authenticator_set_up"):
        assert client.get(reverse(name))["Location"] == reverse("login")
    assert client.get(reverse("sso:recovery_codes"))["Location"] == reverse("home")
