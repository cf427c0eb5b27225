from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from transition import views
from transition.identity import password_views
from transition.identity import views as identity_views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("home/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # The benchmark's signed-in floor (bench/endpoints.py): what any signed-in page costs at least.
    path("floor", views.floor, name="floor"),
    path("readyz", views.readyz, name="readyz"),
    # Password sign-in with the SSO-only and two-factor steps; it answers before transition.accounts' own "login".
    path("accounts/login/", identity_views.sign_in, name="login"),
    # Every other password path too: a single-sign-on-only domain is refused on each of them.
    path("accounts/signup/", password_views.signup, name="signup"),
    path("accounts/password/", password_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/reset/", password_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        password_views.ResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("transition.accounts.urls")),
    path("sso/", include("transition.identity.sso_urls")),
    path("identity/", include("transition.identity.urls")),
    path("scim/v2/", include("transition.identity.scim_urls")),
    path("account/", include("privacy.urls")),
    path("assessments/", include("assessments.urls")),
    path("roadmap/", include("roadmaps.urls")),
    path("sharing/", include("transition.accounts.sharing_urls")),
    path("team/", include("team.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "transition.views.server_error"
