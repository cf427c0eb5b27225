from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from transition.lib.tasks import RetryingWorker


class Command(DbWorkerCommand):
    help = (
        "Run the background worker: emails and digests from the database queue, each failing task tried again "
        "with back-off, and tasks of a worker that died run again. Stop it with Ctrl+C or SIGTERM."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # django-tasks-db builds its Worker inside handle(); swapping the class keeps every option it has.
        original = db_worker.Worker
        db_worker.Worker = RetryingWorker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
