from django.urls import path

from sso import mfa_views, oidc_views, settings_views

app_name = "sso"

urlpatterns = [
    path("sign-in/<slug:slug>/provider/", oidc_views.ProviderSignInStartView.as_view(), name="oidc_start"),
    path("oidc/callback/", oidc_views.ProviderSignInCallbackView.as_view(), name="oidc_callback"),
    path("signed-out/<slug:slug>/", oidc_views.signed_out, name="signed_out"),
    path("sign-in/code/", mfa_views.code, name="code"),
    path("sign-in/recovery-code/", mfa_views.recovery_code, name="recovery_code"),
    path("two-factor/set-up/", mfa_views.authenticator_set_up, name="authenticator_set_up"),
    path("two-factor/recovery-codes/", mfa_views.recovery_codes, name="recovery_codes"),
    path("councils/<slug:slug>/sign-in-settings/", settings_views.council_sign_in, name="council_sign_in"),
]
