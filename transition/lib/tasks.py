"""The background worker: django-tasks-db's worker, with retries, back-off and recovery of abandoned tasks.

django.tasks records a task that raised as failed and stops there; a worker killed mid-task leaves its
task marked running for ever. This worker adds what a deployment needs:

- a task that raises is tried again after TASK_RETRY_SECONDS, then twice as long each time (at most an
  hour), TASK_MAX_ATTEMPTS times in all; its last error stays on the row, and after the last attempt it
  is kept as failed, for staff to see in the admin;
- a task still marked running TASK_LEASE_SECONDS after it started belonged to a worker that died
  (kill -9, a lost machine): it is made ready again, at start and every few seconds after.

Tasks must be idempotent (the outbox makes every email so): running one twice must do its work once.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import OperationalError, close_old_connections
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

logger = logging.getLogger("transition.worker")

SWEEP_EVERY_SECONDS = 5.0


def retry_delay(attempts: int) -> timedelta:
    """How long to wait before the next try, after ``attempts`` tries that failed."""
    seconds = settings.TASK_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, 3600))


def recover_abandoned() -> int:
    """Make ready again the tasks whose worker died while running them; returns how many."""
    cutoff = timezone.now() - timedelta(seconds=settings.TASK_LEASE_SECONDS)
    count = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff).update(
        status=TaskResultStatus.READY, run_after=timezone.now()
    )
    if count:
        logger.warning("%d task(s) left running by a worker that stopped were queued again.", count)
    return count


def queue_backlog() -> int:
    """Tasks due to run and not yet taken by a worker (the readiness check reports it)."""
    return DBTaskResult.objects.ready().count()


class RetryingWorker(Worker):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._swept_at = 0.0

    def run(self) -> None:
        # django-tasks-db's loop, with a sweep for abandoned tasks every few seconds, idle or busy.
        logger.info("Worker %s started on queues %s.", self.worker_id, ",".join(self.queue_names))
        while self.running:
            close_old_connections()
            if time.monotonic() - self._swept_at > SWEEP_EVERY_SECONDS:
                recover_abandoned()
                self._swept_at = time.monotonic()
            tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
            if not self.process_all_queues:
                tasks = tasks.filter(queue_name__in=self.queue_names)
            with exclusive_transaction(tasks.db):
                try:
                    task_result = tasks.get_locked()
                except OperationalError as exc:
                    if not is_locked_database_exception(exc):
                        raise
                    task_result = None  # SQLite busy: try again next turn
                else:
                    if task_result is not None:
                        task_result.claim(self.worker_id)  # so no other worker runs it
            if task_result is not None:
                self.run_task(task_result)
            elif self.batch:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            close_old_connections()
            if self.running and task_result is None:
                time.sleep(self.interval)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        if db_task_result.status == TaskResultStatus.FAILED:
            self._retry_or_keep(db_task_result)

    def _retry_or_keep(self, db_task_result: DBTaskResult) -> None:
        attempts = len(db_task_result.worker_ids)
        if attempts >= settings.TASK_MAX_ATTEMPTS:
            logger.error(
                "Task %s (%s) failed %d times and is kept as failed.",
                db_task_result.id,
                db_task_result.task_path,
                attempts,
            )
            return
        # Back to ready with the error kept, so the admin shows why it is waiting.
        DBTaskResult.objects.filter(pk=db_task_result.pk, status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY, run_after=timezone.now() + retry_delay(attempts), finished_at=None
        )
        logger.warning("Task %s failed (attempt %d); it will be tried again.", db_task_result.id, attempts)
