from __future__ import annotations

from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "transition.identity"
    label = "identity"
    verbose_name = "Organisations and sign-in"
