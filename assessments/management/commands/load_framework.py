from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments import content
from assessments.services import framework_load


class Command(BaseCommand):
    help = "Load the competency framework files into the database (idempotent: upsert by slug)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "source",
            nargs="?",
            help="A framework directory, or a JSON file as export_framework prints it (default: the shipped files).",
        )

    def handle(self, *args: Any, source: str | None = None, **options: Any) -> None:
        try:
            if source is None:
                framework = content.load_directory()
            else:
                path = Path(source)
                if path.is_dir():
                    framework = content.load_directory(path)
                elif path.is_file():
                    framework = content.load_json(path.read_text(encoding="utf-8"))
                else:
                    raise CommandError(f"{source}: no such file or directory")
        except content.FrameworkError as exc:
            raise CommandError(f"The framework was not loaded: {exc}") from exc
        report = framework_load(framework=framework)
        if options["verbosity"] == 0:
            return
        if not report.changed:
            self.stdout.write(f"Framework {framework.version} is already loaded; nothing changed.")
            return
        self.stdout.write(
            f"Framework {framework.version} loaded: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.retired)} retired, {len(report.deleted)} deleted."
        )
        if options["verbosity"] > 1:
            for kind in ("created", "updated", "retired", "deleted"):
                for label in getattr(report, kind):
                    self.stdout.write(f"  {kind}: {label}")
