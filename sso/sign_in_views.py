"""The sign-in page (the council buttons and the password form, its second step) and sign-out."""

from django.contrib.auth import views as auth_views
from django.shortcuts import redirect

from sso import events, pending, rules
from sso.forms import PasswordSignInForm
from sso.models import CouncilSignIn
from sso.services import authenticator_of


def councils_with_buttons():
    return CouncilSignIn.objects.filter(enabled=True).select_related("organisation").order_by("organisation__name")


class SignInView(auth_views.LoginView):
    """Django's sign-in with a second step for people with an authenticator app, and for strategy leads and
    superusers, who must set one up (sso/pending.py)."""

    authentication_form = PasswordSignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"councils": list(councils_with_buttons())}

    def form_valid(self, form):
        user = form.get_user()
        has_app = authenticator_of(user) is not None
        if not has_app and not rules.second_factor_required(user):
            response = super().form_valid(form)
            self.request.session[pending.SIGN_IN_METHOD] = "password"
            return response
        pending.pending_start(self.request, user=user, backend=user.backend, next_url=self.get_redirect_url())
        events.mfa_event(self.request, event="code-asked" if has_app else "set-up-required", user=user)
        return redirect("sso:code" if has_app else "sso:authenticator_set_up")


class SignOutView(auth_views.LogoutView):
    """Signing out ends the portal's session; a person who came through their council's provider is then offered
    the provider's sign-out too."""

    def post(self, request, *args, **kwargs):
        council_pk = request.session.get(pending.SIGN_IN_COUNCIL)
        response = super().post(request, *args, **kwargs)
        council = CouncilSignIn.objects.select_related("organisation").filter(pk=council_pk).first()
        if council is not None:
            return redirect("sso:signed_out", council.organisation.slug)
        return response
