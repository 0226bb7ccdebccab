from tests.sso.fixtures import council_sign_in, oidc_provider  # noqa: F401 - fixtures
