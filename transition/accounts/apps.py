from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "transition.accounts"
    label = "accounts"
    verbose_name = "Accounts and sharing"

    def ready(self) -> None:
        # Connects the request signals that send notification emails after the response.
        from transition.lib import mail  # noqa: F401
