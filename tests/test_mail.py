"""Emails are outbox rows and tasks written with the change; a worker sends each once, retrying with back-off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from privacy.services import user_delete
from tests.factories import UserFactory
from tests.queue import drain
from transition.accounts.models import Email
from transition.accounts.outbox import email_queue, email_resend
from transition.accounts.tasks import deliver_email
from transition.lib.mail import message_id
from transition.lib.tasks import recover_abandoned, retry_delay

pytestmark = [pytest.mark.durable_queue, pytest.mark.django_db(transaction=True)]


def _queue(key: str = "test:1", subject: str = "Transition: a comment") -> Email:
    return email_queue(key=key, to="a@example.com", subject=subject, body="Body")


def test_the_email_waits_for_the_worker_not_the_request():
    _queue()
    assert mail.outbox == []
    drain()
    assert [m.subject for m in mail.outbox] == ["Transition: a comment"]
    email = Email.objects.get()
    assert email.status == Email.Status.SENT
    assert (email.subject, email.body) == ("", "")  # the outbox keeps no copy once it is sent


def _queue_then_fail() -> None:
    with transaction.atomic():
        _queue()
        raise RuntimeError("the comment could not be saved")


def test_a_rolled_back_change_queues_no_email():
    with pytest.raises(RuntimeError):
        _queue_then_fail()
    drain()
    assert mail.outbox == []
    assert not Email.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_queueing_the_same_key_twice_queues_one_email():
    _queue()
    _queue()
    drain()
    assert len(mail.outbox) == 1


def test_a_task_run_twice_sends_the_email_once():
    email = _queue()
    drain()
    deliver_email.enqueue(email.pk)  # a retry of a task that had in fact succeeded
    drain()
    assert len(mail.outbox) == 1


def test_every_attempt_carries_the_same_message_id():
    email = _queue()
    drain()
    assert mail.outbox[0].extra_headers["Message-ID"] == message_id(email.key)
    assert message_id(email.key) == message_id("test:1")  # a repeat can be recognised by the receiving server


def test_a_failing_mail_server_is_retried_with_back_off_then_kept_as_failed(monkeypatch, settings):
    settings.TASK_MAX_ATTEMPTS = 3
    settings.TASK_RETRY_SECONDS = 0  # due again at once, so the test's worker sees every retry
    calls = []

    def refused(**kwargs):
        calls.append(kwargs["to"])
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("transition.accounts.tasks.send_one", refused)
    email = _queue()
    drain()
    assert len(calls) == 3
    email.refresh_from_db()
    assert email.status == Email.Status.FAILED
    assert email.attempts == 3
    assert "mail server down" in email.last_error
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.FAILED  # kept, for staff to see in the admin
    assert "ConnectionRefusedError" in task.traceback

    monkeypatch.undo()
    assert email_resend(email=email)
    drain()
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == Email.Status.SENT


def test_the_wait_doubles_and_is_capped(settings):
    settings.TASK_RETRY_SECONDS = 60
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 10)] == [60, 120, 240, 3600]


def test_a_retry_waits_its_turn(monkeypatch, settings):
    settings.TASK_RETRY_SECONDS = 60

    def refused(**kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("transition.accounts.tasks.send_one", refused)
    _queue()
    drain()
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.READY
    assert task.run_after > timezone.now() + timedelta(seconds=50)
    assert Email.objects.get().status == Email.Status.QUEUED


def test_a_task_left_running_by_a_dead_worker_is_run_again(settings):
    settings.TASK_LEASE_SECONDS = 60
    _queue()
    DBTaskResult.objects.update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(minutes=5), worker_ids=["dead"]
    )
    assert recover_abandoned() == 1
    drain()
    assert len(mail.outbox) == 1


def test_a_task_still_within_its_lease_is_left_alone(settings):
    settings.TASK_LEASE_SECONDS = 600
    _queue()
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=timezone.now(), worker_ids=["busy"])
    assert recover_abandoned() == 0


def test_deleting_the_account_drops_its_queued_emails():
    user = UserFactory(email="gone@example.com")
    email_queue(key="test:gone", to=user.email, subject="Hello", body="Body", recipient=user)
    user_delete(user=user)
    drain()
    assert mail.outbox == []
