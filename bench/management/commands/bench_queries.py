"""Count the SQL queries of each main page and htmx action on the seeded benchmark data (bench/queries.py)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings

from bench.endpoints import ENDPOINTS, LABELS
from bench.queries import measure_subjects


class Command(BaseCommand):
    help = "Print the SQL queries per request of each page and htmx action, for a few seeded engineers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--prefix", default="bench")
        parser.add_argument("--subjects", type=int, default=3, help="Engineers to measure (their data differ).")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")
        parser.add_argument("--cpu", action="store_true", help="Also time each request's CPU (not deterministic).")

    def handle(self, *args: Any, prefix: str, subjects: int, **options: Any) -> None:
        # Counting needs no collectstatic (the hashed-name manifest changes no query) and no mail server
        # (the comment's notification email is kept in memory, as in the tests).
        plain = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        mailers = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        with override_settings(STORAGES=plain, MAILERS=mailers):
            found = measure_subjects(prefix, subjects, cpu=options["cpu"])
        if options["json"]:
            self.stdout.write(json.dumps(found))
            return
        self.stdout.write("| endpoint | queries per request |\n|---|---|")
        for name in ENDPOINTS:
            counts = sorted(set(found[name]))
            shown = str(counts[0]) if len(counts) == 1 else f"{counts[0]} to {counts[-1]} (varies: N+1?)"
            self.stdout.write(f"| {LABELS[name]} | {shown} |")
