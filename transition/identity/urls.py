from __future__ import annotations

from django.urls import path

from transition.identity import views

app_name = "identity"

urlpatterns = [
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/setup/", views.totp_setup, name="totp_setup"),
    path("two-factor/passkeys/", views.passkeys, name="passkeys"),
    path("two-factor/passkeys/<int:pk>/remove/", views.passkey_remove, name="passkey_remove"),
    path("two-factor/recovery-codes/", views.recovery_codes_new, name="recovery_codes_new"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("suggestions/<int:pk>/", views.suggestion_decide, name="suggestion_decide"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path("organisations/<int:pk>/import/", views.organisation_import, name="organisation_import"),
]
