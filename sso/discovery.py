"""A council's provider endpoints, read from its /.well-known/openid-configuration and kept in the cache."""

import hashlib

import requests
from django.conf import settings
from django.core.cache import cache

REQUIRED = ("authorization_endpoint", "token_endpoint", "jwks_uri")


class ProviderUnavailable(Exception):
    """The provider's configuration could not be read or is not usable; the message says why, for the log."""


def cache_key(issuer: str) -> str:
    return "sso:discovery:" + hashlib.sha256(issuer.encode()).hexdigest()


def provider_configuration(issuer: str) -> dict:
    """The provider's discovery document. Its `issuer` must be exactly the one configured (OpenID Connect
    Discovery 1.0, section 4.3), so a document served from elsewhere is refused."""
    key = cache_key(issuer)
    found = cache.get(key)
    if found is not None:
        return found
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"discovery failed at {url}: {exc.__class__.__name__}") from exc
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        raise ProviderUnavailable(f"discovery at {url} names another issuer")
    missing = [name for name in REQUIRED if not document.get(name)]
    if missing:
        raise ProviderUnavailable(f"discovery at {url} lacks {', '.join(missing)}")
    cache.set(key, document, settings.OIDC_DISCOVERY_CACHE_SECONDS)
    return document
