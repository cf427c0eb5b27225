"""Sending one email, as the background worker does it.

Only the worker (``manage.py worker``) talks to the mail server: a page writes an outbox row and a task
(transition.accounts.outbox), so a mail server that is down or hangs never holds a request. The
mail timeout (EMAIL_TIMEOUT) therefore bounds a worker's wait, not a person's.
"""

from __future__ import annotations

import hashlib

from django.core.mail import EmailMessage


def message_id(key: str) -> str:
    """One Message-ID per outbox row, the same on every attempt, so a receiving server can drop a repeat."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@transition.invalid>"


def send_one(*, to: str, subject: str, body: str, from_email: str, key: str) -> None:
    """Send it or raise: the task that calls this decides what a failure means (retry, then give up)."""
    message = EmailMessage(
        subject=" ".join(subject.split()),  # a header cannot hold a line break
        body=body,
        from_email=from_email,
        to=[to],
        headers={"Message-ID": message_id(key)},
    )
    message.send(fail_silently=False)
