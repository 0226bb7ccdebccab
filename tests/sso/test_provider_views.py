"""The start of a provider sign-in, its callback's refusals, the signed-out page and a council's sign-in
settings page, with the Django test client (the full journeys are in tests/browser/test_sso_journey.py)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from sso.discovery import ProviderUnavailable, provider_configuration
from sso.models import CouncilSignIn
from tests import factories
from tests.sso import provider

pytestmark = pytest.mark.django_db


def test_sign_in_page_shows_the_council_button_only_when_configured(client, council_sign_in):
    assert "Sign in with Microsoft" in client.get(reverse("login")).content.decode()
    council_sign_in.enabled = False
    council_sign_in.save()
    assert "Sign in with Microsoft" not in client.get(reverse("login")).content.decode()


def test_start_sends_the_browser_to_the_provider_with_pkce_state_and_nonce(client, oidc_provider, council_sign_in):
    slug = council_sign_in.organisation.slug
    response = client.get(reverse("sso:oidc_start", args=[slug]), {"next": "/strategies/"})
    assert response.status_code == 302
    where = urlsplit(response["Location"])
    query = {key: values[0] for key, values in parse_qs(where.query).items()}
    assert f"{where.scheme}://{where.netloc}{where.path}" == f"{provider.ISSUER}/auth"
    assert query["client_id"] == provider.CLIENT_ID and query["code_challenge_method"] == "S256"
    assert query["redirect_uri"] == "http://testserver/oidc/callback/"
    assert query["scope"] == "openid email profile"
    started = client.session["oidc_states"][query["state"]]
    assert started["nonce"] == query["nonce"] and len(started["code_verifier"]) == 64
    assert client.session["_sso_states"][query["state"]] == council_sign_in.pk


def test_start_for_a_council_without_sign_in_is_not_found(client, strategy):
    assert client.get(reverse("sso:oidc_start", args=[strategy.organisation.slug])).status_code == 404


def test_an_unreachable_provider_gets_a_page_not_an_error(client, council_sign_in, caplog):
    council_sign_in.issuer = "http://127.0.0.1:9/"  # nothing listens there
    council_sign_in.save()
    response = client.get(reverse("sso:oidc_start", args=[council_sign_in.organisation.slug]))
    assert response.status_code == 503
    assert "signing in with your council account is not working" in response.content.decode()
    assert "sso-refused reason=provider-unavailable" in caplog.text


def test_discovery_refuses_a_document_naming_another_issuer(oidc_provider):
    with pytest.raises(ProviderUnavailable, match="names another issuer"):
        provider_configuration(provider.ISSUER + "/")
    assert provider_configuration(provider.ISSUER)["jwks_uri"] == f"{provider.ISSUER}/jwks"


@pytest.mark.parametrize(
    "query", [{}, {"state": "never-sent", "code": "x"}, {"error": "access_denied", "state": "never-sent"}]
)
def test_callback_without_a_state_this_session_started_is_refused(client, query, caplog):
    response = client.get(reverse("sso:oidc_callback"), query)
    assert response.status_code == 400
    assert "Sorry, we could not sign you in" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert "sso-refused reason=" in caplog.text


def test_a_state_works_once(client, oidc_provider, council_sign_in):
    response = client.get(reverse("sso:oidc_start", args=[council_sign_in.organisation.slug]))
    state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
    # A made-up code with the right state: the provider refuses the code, and the state is spent.
    assert client.get(reverse("sso:oidc_callback"), {"state": state, "code": "made-up"}).status_code == 400
    assert state not in client.session["oidc_states"] and state not in client.session["_sso_states"]


def test_signed_out_page_offers_the_providers_sign_out(client, oidc_provider, council_sign_in):
    page = client.get(reverse("sso:signed_out", args=[council_sign_in.organisation.slug])).content.decode()
    assert f"{provider.ISSUER}/session/end?client_id={provider.CLIENT_ID}" in page


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="admin", is_superuser=True, is_staff=True)


def test_sign_in_settings_superusers_only(client, strategy, lead, superuser):
    url = reverse("sso:council_sign_in", args=[strategy.organisation.slug])
    assert client.get(url)["Location"].startswith(reverse("login"))
    client.force_login(lead)
    assert client.get(url).status_code == 403
    assert client.post(url, {"issuer": "https://evil.example/"}).status_code == 403
    client.force_login(superuser)
    assert client.get(url).status_code == 200


def test_superuser_saves_sign_in_settings_and_the_secret_is_never_shown(client, strategy, superuser, monkeypatch):
    monkeypatch.setenv("PORTAL_OIDC_SECRET_CE", "the-real-secret")
    client.force_login(superuser)
    url = reverse("sso:council_sign_in", args=[strategy.organisation.slug])
    answers = {"enabled": "on", "issuer": "https://login.microsoftonline.com/tenant/v2.0", "client_id": "abc",
               "client_secret_env": "DJANGO_SECRET_KEY", "button_label": "Sign in with Microsoft",
               "allowed_domains": "@Council.gov.uk\n\nnot a domain", "allow_passwords": "on"}  # fmt: skip
    page = client.post(url, answers).content.decode()
    assert "There is a problem" in page and "Enter a name that starts with PORTAL_OIDC_SECRET_" in page
    assert "“not a domain” is not an email domain" in page
    assert not CouncilSignIn.objects.exists()
    answers |= {"client_secret_env": "PORTAL_OIDC_SECRET_CE", "allowed_domains": "@Council.gov.uk"}
    assert client.post(url, answers)["Location"] == url
    council = CouncilSignIn.objects.get()
    assert council.domains == {"council.gov.uk"} and council.allow_passwords
    assert council.history.get().history_user == superuser
    page = client.get(url).content.decode()
    assert "the-real-secret" not in page and "The client secret is set on the server" in page
