"""Provision an organisation's people from a CSV file, for directories without SCIM.

Columns: user_name, email, name, manager (the manager's user_name, may be empty), active (1/0, default 1).
Running it again updates people in place; managers are set after everyone exists, so order does not matter.
The file is imported whole or not at all: one bad row and nothing changes (the organisation admin page's
CSV import reads and applies files with the same functions).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from transition.identity import services
from transition.identity.models import Organisation


class Command(BaseCommand):
    help = "Create, update and deactivate an organisation's people from a CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("domain", help="The organisation's email domain")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Say what would change, change nothing")

    def handle(self, *args, domain: str, file: Path, dry_run: bool = False, **options) -> None:
        organisation = Organisation.objects.filter(domain__iexact=domain).first()
        if organisation is None:
            raise CommandError(f"No organisation for {domain}.")
        try:
            rows = services.directory_csv_read(file.read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        except services.DirectoryError as error:
            raise CommandError(str(error)) from None
        if dry_run:
            plan = services.directory_import_plan(organisation=organisation, rows=rows)
        else:
            plan = services.directory_import(organisation=organisation, rows=rows, source="csv")
        for line in plan.changes:
            self.stdout.write(f"line {line.number}: {line.user_name}: {line.label} {line.detail}".rstrip())
        if plan.errors:
            raise CommandError(
                "Nothing was imported. " + "; ".join(f"line {e.number}: {e.detail}" for e in plan.errors)
            )
        done = "would change" if dry_run else "changed"
        self.stdout.write(f"{len(plan.changes)} of {len(rows)} rows {done}.")
