"""Background tasks of the ground floor: sending one email from the outbox."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.tasks import TaskContext, task
from django.utils import timezone

from transition.accounts.models import Email
from transition.lib.mail import send_one


@task(takes_context=True)
def deliver_email(context: TaskContext, email_id: int) -> str:
    """Send one outbox email at most once, however often this task runs.

    The row stays locked while the mail server is talked to and is marked sent in the same transaction, so
    a second run of the task (a retry, a worker that was thought dead) waits and then finds it sent. A
    worker killed before the commit rolls the mark back and the email is sent on the next run; the only
    window for a repeat is between the server's acceptance and the commit, and the fixed Message-ID lets
    the receiving server drop that repeat.
    """
    try:
        with transaction.atomic():
            email = Email.objects.select_for_update().filter(pk=email_id).first()
            if email is None:
                return "deleted"  # its account was deleted before it went
            if email.status == Email.Status.SENT:
                return "already sent"
            send_one(
                to=email.to,
                subject=email.subject,
                body=email.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                key=email.key,
            )
            Email.objects.filter(pk=email.pk).update(
                status=Email.Status.SENT,
                sent_at=timezone.now(),
                attempts=email.attempts + 1,
                last_error="",
                subject="",
                body="",
            )
    except Exception as exc:
        # Record why (outside the rolled-back transaction), then raise so the worker tries again later.
        gave_up = context.attempt >= settings.TASK_MAX_ATTEMPTS
        Email.objects.filter(pk=email_id).exclude(status=Email.Status.SENT).update(
            attempts=context.attempt,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            status=Email.Status.FAILED if gave_up else Email.Status.QUEUED,
        )
        raise
    return "sent"
