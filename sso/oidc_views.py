"""Sign-in through a council's OpenID Connect provider: mozilla-django-oidc's two views, per council.

Start: `/sign-in/<council>/provider/` sends the browser to the council's provider with `state`, `nonce` and a
PKCE challenge (the library's view, given the council's endpoints). Callback: one address for every council,
`/oidc/callback/`; the `state` it brings back must be one this browser's session started, and names the council.
"""

from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from django.contrib.auth import login
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from sso import events, pending
from sso.backends import CouncilOIDCBackend
from sso.discovery import ProviderUnavailable, provider_configuration
from sso.models import CouncilSignIn
from sso.services import SignInRefused

STATES = "_sso_states"  # state -> the CouncilSignIn it was started for
BACKEND = "sso.backends.CouncilOIDCBackend"
REFUSAL_PAGES = {
    "no_access": ("sso/refused_no_access.html", 403),
    "deactivated": ("sso/refused_deactivated.html", 403),
    "failed": ("sso/sign_in_failed.html", 400),
    "unavailable": ("sso/provider_unavailable.html", 503),
}


def _refuse(request, *, page: str, reason: str, council: str, who: str = ""):
    events.sso_refused(request, reason=reason, council=council, who=who)
    template, status = REFUSAL_PAGES[page]
    return render(request, template, {"council_slug": council}, status=status)


class ProviderSignInStartView(OIDCAuthenticationRequestView):
    def __init__(self, *args, **kwargs):
        # The library reads one provider from settings here; the council's are read in get().
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request, slug):
        council = get_object_or_404(
            CouncilSignIn.objects.select_related("organisation"), organisation__slug=slug, enabled=True
        )
        try:
            found = provider_configuration(council.issuer)
        except ProviderUnavailable as exc:
            return _refuse(request, page="unavailable", reason=f"provider-unavailable: {exc}", council=slug)
        self.OIDC_OP_AUTH_ENDPOINT = found["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = council.client_id
        response = super().get(request)
        state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
        request.session.setdefault(STATES, {})[state] = council.pk
        request.session.modified = True
        return response


class ProviderSignInCallbackView(OIDCAuthenticationCallbackView):
    def get(self, request):
        state = request.GET.get("state", "")
        council_pk = request.session.get(STATES, {}).pop(state, None)
        started = request.session.get("oidc_states", {}).pop(state, None)
        request.session.modified = True
        council = CouncilSignIn.objects.select_related("organisation").filter(pk=council_pk).first()
        slug = council.organisation.slug if council else "-"
        if request.GET.get("error"):
            return _refuse(request, page="failed", reason=f"provider-error: {request.GET['error'][:80]}", council=slug)
        if council is None or started is None or not request.GET.get("code"):
            # An unknown, reused or tampered state: not a sign-in this browser started (CSRF on the callback).
            return _refuse(request, page="failed", reason="state-not-started-here", council=slug)
        try:
            backend = CouncilOIDCBackend(council=council)
            user = backend.authenticate(request, nonce=started["nonce"], code_verifier=started.get("code_verifier"))
        except SignInRefused as refused:
            return _refuse(request, page=refused.page, reason=refused.reason, council=slug, who=refused.who)
        except ProviderUnavailable as exc:
            return _refuse(request, page="unavailable", reason=f"provider-unavailable: {exc}", council=slug)
        except (SuspiciousOperation, requests.RequestException) as exc:
            return _refuse(request, page="failed", reason=f"token-refused: {str(exc)[:200]}", council=slug)
        if user is None:
            return _refuse(request, page="failed", reason="no-user", council=slug)
        login(request, user, backend=BACKEND)
        request.session[pending.SIGN_IN_METHOD] = "provider"
        request.session[pending.SIGN_IN_COUNCIL] = council.pk
        events.sso_signed_in(request, user=user, council=slug)
        return redirect(self.success_url)


def signed_out(request, slug):
    """After signing out of the portal: the provider's own sign-out, which would otherwise let the next person at
    this computer straight back in with the same account."""
    council = get_object_or_404(CouncilSignIn.objects.select_related("organisation"), organisation__slug=slug)
    provider_sign_out = ""
    try:
        end_session = provider_configuration(council.issuer).get("end_session_endpoint")
    except ProviderUnavailable:
        end_session = None
    if end_session:
        back = request.build_absolute_uri(reverse("login"))
        query = urlencode({"client_id": council.client_id, "post_logout_redirect_uri": back})
        provider_sign_out = f"{end_session}?{query}"
    if not council.enabled:
        raise Http404
    return render(request, "sso/signed_out.html", {"council": council, "provider_sign_out": provider_sign_out})
