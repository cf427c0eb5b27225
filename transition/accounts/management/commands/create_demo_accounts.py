from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from transition.accounts.models import User
from transition.accounts.services import user_create

# A published password is fine here only because demo accounts exist only with DEBUG on.
DEMO_PASSWORD = "transition-demo"  # noqa: S105  # nosec B105
DEMO_ACCOUNTS = (
    ("engineer@example.com", "Avery Engineer", "an engineer moving into AI leadership"),
    ("manager@example.com", "Morgan Manager", "a manager reviewing their reports"),
    ("mentor@example.com", "Riley Mentor", "a mentor commenting on roadmaps"),
)


class Command(BaseCommand):
    help = "Create the demo accounts (development only) and print their logins. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            # Accounts with a published password must never exist on a real server.
            raise CommandError("Demo accounts are for local development only (set DJANGO_DEBUG=1).")
        for email, name, _ in DEMO_ACCOUNTS:
            if not User.objects.filter(email=email).exists():
                user_create(email=email, name=name, password=DEMO_PASSWORD)
        self.stdout.write(f"Demo accounts (password for each: {DEMO_PASSWORD}):")
        for email, _, what in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<24} {what}")
