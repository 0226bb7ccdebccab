"""mozilla-django-oidc's backend, per council, with the portal's rules for who may come in.

mozilla-django-oidc reads one provider from settings; `CouncilOIDCBackend(council=...)` takes the endpoints
from the council's discovery document and its client from `CouncilSignIn` instead, and keeps the library's
checks: the code exchanged with the PKCE verifier, the ID token's signature checked against the provider's JWKS
and its nonce against the one sent. It adds what the library leaves out: the token's issuer and audience.
"""

import os

import jwt
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from sso.discovery import provider_configuration
from sso.models import CouncilSignIn
from sso.services import sign_in_match


class CouncilOIDCBackend(OIDCAuthenticationBackend):
    def __init__(self, council: CouncilSignIn | None = None, *args, **kwargs):
        # Without a council (Django loading it from AUTHENTICATION_BACKENDS to find a session's user) it
        # authenticates nobody; the library's __init__ would ask settings for a single provider, so it is skipped.
        self.UserModel = get_user_model()
        self.council = council
        if council is None:
            return
        found = provider_configuration(council.issuer)
        self.OIDC_OP_TOKEN_ENDPOINT = found["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = found.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = found["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = council.client_id
        self.OIDC_RP_CLIENT_SECRET = os.environ.get(council.client_secret_env, "")
        self.OIDC_RP_SIGN_ALGO = self.get_settings("OIDC_RP_SIGN_ALGO", "RS256")
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        if self.council is None:
            return None
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        """The library's check of the signature, plus the issuer and the audience (this council's client)."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token algorithm {header.get('alg')!r} is not {self.OIDC_RP_SIGN_ALGO}")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.council.issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc.__class__.__name__}") from exc

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims (signed), completed by the userinfo endpoint when the provider has one; the
        userinfo's subject must be the token's (OpenID Connect Core 5.3.2)."""
        claims = {}
        if self.OIDC_OP_USER_ENDPOINT:
            claims = super().get_userinfo(access_token, id_token, payload)
            if claims.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("userinfo is about another subject")
        return {**claims, **payload}

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        return sign_in_match(council=self.council, claims=claims)
