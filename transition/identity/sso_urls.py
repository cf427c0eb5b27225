"""Only the pieces of django-allauth that single sign-on needs: no allauth password, email or sign-up pages."""

from __future__ import annotations

from django.urls import include, path

from transition.identity import views

urlpatterns = [
    # Ahead of allauth's own view for the same address: a replayed SAML response gets a clear page.
    path("saml/<str:organization_slug>/acs/finish/", views.saml_finish_acs, name="saml_finish_acs"),
    path("", include("allauth.socialaccount.providers.openid_connect.urls")),
    path("", include("allauth.socialaccount.providers.saml.urls")),
]
