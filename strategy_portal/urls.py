from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as accounts_views
from reports import home_views
from sso.sign_in_views import SignInView, SignOutView
from strategy_portal import views as portal_views
from strategy_portal.health import health

urlpatterns = [
    path("", home_views.home, name="home"),
    path("sign-in/", SignInView.as_view(), name="login"),
    path("sign-out/", SignOutView.as_view(), name="logout"),
    path("password-reset/", accounts_views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        accounts_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accessibility/", portal_views.accessibility, name="accessibility"),
    path("privacy/", portal_views.privacy, name="privacy"),
    path("cookies/", portal_views.cookies, name="cookies"),
    path("session/keep-alive/", portal_views.session_keep_alive, name="session_keep_alive"),
    path("", include("strategy_setup.urls")),  # first: its strategies/new/ is no strategy's slug (aims.urls)
    path("", include("aims.urls")),
    path("", include("reports.urls")),
    path("", include("people.urls")),
    path("", include("indicators.urls")),
    path("", include("sso.urls")),
    path("public/", include("public.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
]

handler403 = "strategy_portal.views.permission_denied"
