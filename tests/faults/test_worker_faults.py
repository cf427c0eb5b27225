"""A worker killed in the middle of a task (kill -9): started again, every email is delivered once."""

from __future__ import annotations

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.faults.conftest import app_env, report, wait_until
from tests.faults.servers import MailServer
from transition.accounts.models import Email
from transition.accounts.outbox import email_queue
from transition.lib.mail import message_id

pytestmark = pytest.mark.durable_queue

EMAILS = 10


def test_a_worker_killed_mid_send_loses_nothing_and_repeats_nothing(postgres, start_worker):
    for n in range(EMAILS):
        email_queue(key=f"fault:kill:{n}", to=f"person-{n}@example.com", subject=f"Email {n}", body="Body")
    env = app_env(
        DATABASE_URL=postgres,
        EMAIL_TIMEOUT="30",
        TASK_RETRY_SECONDS="0.2",
        TASK_LEASE_SECONDS="2",  # a task running longer than this belonged to a dead worker
        DB_CONN_MAX_AGE="0",
    )
    # After three emails, the next message's end is received and not acknowledged: the worker is
    # killed mid-send. The server switches itself, so a fast worker cannot send everything first.
    with MailServer(mode="ok", hang_after=3) as mail:
        env["EMAIL_HOST"], env["EMAIL_PORT"] = "127.0.0.1", str(mail.port)
        first = start_worker(env)
        wait_until(lambda: mail.hanging >= 1, 90, "the worker to be in the middle of a send")
        first.kill()
        running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count()
        mail.hang_after, mail.mode = None, "ok"
        start_worker(env)
        wait_until(lambda: not Email.objects.exclude(status=Email.Status.SENT).exists(), 60, "every email sent")
        expected = {message_id(key) for key in Email.objects.values_list("key", flat=True)}
        lost = len(expected - set(mail.received))
        duplicates = sum(count - 1 for count in mail.received.values() if count > 1)
    report("worker killed", emails=EMAILS, left_running_by_the_killed_worker=running, lost=lost, duplicates=duplicates)
    assert running == 1  # the task it was killed in, recovered after its lease
    assert (lost, duplicates) == (0, 0)
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()
