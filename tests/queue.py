"""Running the database queue's worker inside a test, until nothing is left that is due."""

from __future__ import annotations

from unittest import mock

from transition.lib.tasks import RetryingWorker


def drain(worker_id: str = "test-worker") -> None:
    # The real worker closes connections between tasks, as requests do; inside a test's transaction that
    # would close the test's own connection (PostgreSQL), so this in-process worker keeps it.
    with mock.patch("transition.lib.tasks.close_old_connections", return_value=None):
        RetryingWorker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        ).run()
