"""The mail server down or hanging: pages answer as fast as ever, and every email arrives once it is back."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.faults.conftest import app_env, report, wait_until
from tests.faults.servers import MailServer, Tarpit, closed_port
from transition.accounts.models import Email
from transition.lib.mail import message_id

pytestmark = pytest.mark.durable_queue

INVITES = 6
MAIL_TIMEOUT = 10  # what the web process would wait, if it still talked to the mail server


def _smtp(settings, port: int) -> None:
    # The web process points at the broken server too: a page that still sent mail would wait MAIL_TIMEOUT.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": MAIL_TIMEOUT},
        }
    }


def _pages_that_email(prefix: str) -> tuple[list[float], list[int]]:
    """Invitations and a password reset, each a page that queues an email; (seconds, statuses)."""
    engineer = UserFactory(email=f"{prefix}-engineer@example.com")
    client = Client()
    client.force_login(engineer)
    latencies, statuses = [], []
    for n in range(INVITES):
        started = time.perf_counter()
        response = client.post(reverse("sharing:list"), {"email": f"{prefix}-{n}@example.com", "relation": "mentor"})
        latencies.append(time.perf_counter() - started)
        statuses.append(response.status_code)
    started = time.perf_counter()
    response = Client().post(reverse("password_reset"), {"email": engineer.email})
    latencies.append(time.perf_counter() - started)
    statuses.append(response.status_code)
    return latencies, statuses


def _worker_env(postgres: str, port: int) -> dict[str, str]:
    return app_env(
        DATABASE_URL=postgres,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_TIMEOUT="2",
        TASK_RETRY_SECONDS="0.2",
        TASK_MAX_ATTEMPTS="100",
        DB_CONN_MAX_AGE="0",
    )


def _delivery(mail: MailServer) -> tuple[int, int]:
    expected = {message_id(key) for key in Email.objects.values_list("key", flat=True)}
    lost = len(expected - set(mail.received))
    duplicates = sum(count - 1 for count in mail.received.values() if count > 1)
    return lost, duplicates


def test_with_the_mail_server_hanging_pages_are_as_fast_and_every_email_arrives_once(postgres, settings, start_worker):
    with MailServer(mode="ok") as mail:
        _smtp(settings, mail.port)
        baseline, base_statuses = _pages_that_email("before")
        with Tarpit() as tarpit:
            _smtp(settings, tarpit.port)
            hanging, statuses = _pages_that_email("hanging")
        mail.mode = "hang"
        start_worker(_worker_env(postgres, mail.port))
        wait_until(lambda: mail.hanging >= 2, 30, "the worker to meet the hanging server")
        assert not mail.received  # nothing gets through while it hangs
        mail.mode = "ok"  # the mail server is back
        wait_until(lambda: not Email.objects.exclude(status=Email.Status.SENT).exists(), 90, "every email to be sent")
        lost, duplicates = _delivery(mail)
    errors = sum(1 for s in base_statuses + statuses if s >= 500)
    report(
        "mail hanging",
        pages=len(hanging),
        baseline_max_s=round(max(baseline), 3),
        hanging_max_s=round(max(hanging), 3),
        mail_timeout_s=MAIL_TIMEOUT,
        emails=Email.objects.count(),
        lost=lost,
        duplicates=duplicates,
        errors_500=errors,
    )
    assert errors == 0
    assert max(hanging) < 1.0  # well under the 10 s a page waited on the mail server before
    assert Email.objects.count() == 2 * (INVITES + 1)
    assert (lost, duplicates) == (0, 0)


def test_with_the_mail_server_down_nothing_fails_and_every_email_arrives_once_it_is_up(
    postgres, settings, start_worker
):
    port = closed_port()
    _smtp(settings, port)
    latencies, statuses = _pages_that_email("down")
    worker = start_worker(_worker_env(postgres, port))
    wait_until(lambda: Email.objects.filter(attempts__gte=2).exists(), 30, "the worker to be refused and retry")
    assert worker.proc.poll() is None  # refused connections do not stop the worker
    with MailServer(port=port) as mail:
        wait_until(lambda: not Email.objects.exclude(status=Email.Status.SENT).exists(), 90, "every email to be sent")
        lost, duplicates = _delivery(mail)
    errors = sum(1 for s in statuses if s >= 500)
    report(
        "mail down",
        pages=len(latencies),
        max_s=round(max(latencies), 3),
        emails=Email.objects.count(),
        lost=lost,
        duplicates=duplicates,
        errors_500=errors,
    )
    assert errors == 0
    assert max(latencies) < 1.0
    assert (lost, duplicates) == (0, 0)
