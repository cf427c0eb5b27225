"""Provision an organisation's people from a CSV file, for directories without SCIM.

Columns: user_name, email, name, manager (the manager's user_name, may be empty), active (1/0, default 1).
Running it again updates people in place; managers are set after everyone exists, so order does not matter.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from transition.identity import services
from transition.identity.models import DirectoryEntry, Organisation


class Command(BaseCommand):
    help = "Create, update and deactivate an organisation's people from a CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("domain", help="The organisation's email domain")
        parser.add_argument("file", type=Path)

    def handle(self, *args, domain: str, file: Path, **options) -> None:
        organisation = Organisation.objects.filter(domain__iexact=domain).first()
        if organisation is None:
            raise CommandError(f"No organisation for {domain}.")
        try:
            rows = list(csv.DictReader(file.open(encoding="utf-8-sig", newline="")))
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        problems = []
        for number, row in enumerate(rows, start=2):
            person = services.Person(
                user_name=(row.get("user_name") or "").strip(),
                email=(row.get("email") or "").strip(),
                name=(row.get("name") or "").strip(),
                active=(row.get("active") or "1").strip().lower() not in {"0", "false", "no"},
            )
            entry = DirectoryEntry.objects.filter(organisation=organisation, user_name__iexact=person.user_name).first()
            try:
                if entry is None:
                    services.directory_create(organisation=organisation, person=person, source="csv")
                else:
                    services.directory_update(entry=entry, person=person, source="csv")
            except services.DirectoryError as error:
                problems.append(f"line {number}: {error}")
        for number, row in enumerate(rows, start=2):
            entries = DirectoryEntry.objects.filter(organisation=organisation)
            entry = entries.filter(user_name__iexact=(row.get("user_name") or "").strip()).first()
            wanted = (row.get("manager") or "").strip()
            manager = entries.filter(user_name__iexact=wanted).first() if wanted else None
            if entry is None or (wanted and manager is None):
                if wanted and entry is not None:
                    problems.append(f"line {number}: no manager {wanted}")
                continue
            try:
                services.directory_set_manager(entry=entry, manager=manager, source="csv")
            except services.DirectoryError as error:
                problems.append(f"line {number}: {error}")
        self.stdout.write(f"{len(rows) - len(problems)} of {len(rows)} rows imported.")
        if problems:
            raise CommandError("; ".join(problems))
