"""Fixtures for sign-in tests, imported by tests/sso/ and tests/browser/test_sso_journey.py."""

import pytest

from sso.models import CouncilSignIn
from tests.sso import provider


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory):
    process = provider.start(portal_urls=[live_server.url, "http://testserver"], work=tmp_path_factory.mktemp("oidc"))
    yield provider.ISSUER
    provider.stop(process)


@pytest.fixture
def council_sign_in(strategy, monkeypatch):
    """The test strategy's council signs in through the test provider."""
    monkeypatch.setenv(provider.SECRET_ENV, provider.CLIENT_SECRET)
    return CouncilSignIn.objects.create(
        organisation=strategy.organisation,
        issuer=provider.ISSUER,
        client_id=provider.CLIENT_ID,
        client_secret_env=provider.SECRET_ENV,
    )
