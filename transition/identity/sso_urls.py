"""Only the pieces of django-allauth that single sign-on needs: no allauth password, email or sign-up pages."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("allauth.socialaccount.providers.openid_connect.urls")),
    path("", include("allauth.socialaccount.providers.saml.urls")),
]
