"""Queueing an email: an outbox row and the task that sends it, written in the caller's transaction.

Nothing here talks to the mail server; the worker does (transition.accounts.tasks). A rolled-back change
queues nothing, and a committed one cannot lose its email: the row and the task commit together.
"""

from __future__ import annotations

from django.db import transaction

from transition.accounts.models import Email, Share, User
from transition.accounts.tasks import deliver_email


def email_queue(
    *,
    key: str,
    to: str,
    subject: str,
    body: str,
    recipient: User | None = None,
    actor: User | None = None,
    share: Share | None = None,
) -> Email:
    """Queue one email under a unique ``key``; queueing the same key again queues nothing more."""
    # The row and its task commit together, in the caller's transaction when there is one: no savepoint of
    # its own (get_or_create keeps the one that a race on the key needs).
    with transaction.atomic(savepoint=False):
        email, created = Email.objects.get_or_create(
            key=key,
            defaults={
                "to": to,
                "subject": " ".join(subject.split())[:300],
                "body": body,
                "recipient": recipient,
                "actor": actor,
                "share": share,
            },
        )
        if created:
            deliver_email.enqueue(email.pk)
    return email


def email_resend(*, email: Email) -> bool:
    """Staff: send again an email the worker gave up on. False if it was sent meanwhile."""
    with transaction.atomic():
        updated = Email.objects.filter(pk=email.pk, status=Email.Status.FAILED).update(
            status=Email.Status.QUEUED, attempts=0, last_error=""
        )
        if updated:
            deliver_email.enqueue(email.pk)
    return bool(updated)
