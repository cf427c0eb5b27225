"""Write the requests wrk sends (signed-in sessions, CSRF) for the benchmark; or clean up after a load run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bench.targets import cleanup, write


class Command(BaseCommand):
    help = "Write one file of requests per endpoint for wrk (bench/targets.py), or delete what a load run posted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--prefix", default="bench")
        parser.add_argument("--subjects", type=int, default=20)
        parser.add_argument(
            "--cleanup", action="store_true", help="Delete the comments posted since the files were written."
        )

    def handle(self, *args: Any, directory: Path, prefix: str, subjects: int, **options: Any) -> None:
        if options["cleanup"]:
            since = json.loads((directory / "targets.json").read_text(encoding="utf-8"))["since"]
            self.stdout.write(json.dumps({"deleted_comments": cleanup(prefix, since)}))
            return
        self.stdout.write(json.dumps(write(prefix, directory, subjects)))
