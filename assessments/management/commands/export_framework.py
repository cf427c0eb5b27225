from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assessments import content
from assessments.selectors import framework_from_db


class Command(BaseCommand):
    help = "Print the loaded framework as one JSON object (the schema that loads it validates it)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            framework = framework_from_db()
        except content.FrameworkError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(framework.model_dump_json(indent=2))
