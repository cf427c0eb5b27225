"""Seed the benchmark's data set into the configured database (see bench/seed.py and ``make bench``)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.seed import PASSWORD, SIZES, seed

# The bench's own databases (bench/run.py creates them); DEBUG's local database is the other safe place.
BENCH_DATABASE_PREFIX = "transition_bench_"


def _refusal() -> str:
    """Why seeding here would be wrong, or "": it writes thousands of people with a published password."""
    name = str(settings.DATABASES["default"]["NAME"])
    if settings.DEBUG or name.startswith(BENCH_DATABASE_PREFIX):
        return ""
    return (
        f"seed_bench writes thousands of accounts with a published password: it only seeds the bench's own "
        f"databases ({BENCH_DATABASE_PREFIX}*) or, with DJANGO_DEBUG=1, a local one, not {name!r}."
    )


class Command(BaseCommand):
    help = "Seed realistic benchmark data (small: 50 engineers, large: 10,000) into the configured database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--prefix", default="bench", help="Prefix of every seeded email address.")
        parser.add_argument("--workers", type=int, default=2, help="Processes that score and plan (default 2).")

    def handle(self, *args: Any, size: str, prefix: str, workers: int, **options: Any) -> None:
        if refusal := _refusal():
            raise CommandError(refusal)
        call_command("load_framework", verbosity=0)
        try:
            counts = seed(SIZES[size], prefix, workers=workers, progress=options["verbosity"] > 0)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps({"size": size, "password": PASSWORD, **counts}))
