from __future__ import annotations

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """An engineer's rights over their data: export it all, delete the account. No models."""

    name = "privacy"
    verbose_name = "Your data"
