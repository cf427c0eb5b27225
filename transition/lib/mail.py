"""Notification emails: sent once the change they tell of is saved, after the page has been answered.

A notification is first a row the person sees in the app; its email is a courtesy copy. So the
email waits for the transaction to commit (a rolled-back comment sends nothing), goes out after
the response (the person posting does not wait on the mail server), and a mail server that is
down or refuses is logged rather than turned into an error page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.core.mail import send_mail
from django.core.signals import request_finished, request_started
from django.db import transaction

logger = logging.getLogger(__name__)

# The emails waiting for the current response to be sent; None outside a request.
_waiting: ContextVar[list[Callable[[], None]] | None] = ContextVar("transition_mail_waiting", default=None)


def send_soon(*, subject: str, message: str, from_email: str, recipient_list: list[str]) -> None:
    """Send this email after the current transaction commits and the current response is sent."""

    def job() -> None:
        try:
            send_mail(subject=subject, message=message, from_email=from_email, recipient_list=recipient_list)
        except Exception:  # any failure of the mail server or its connection: the notification row stands
            logger.warning("A notification email could not be sent; the in-app notification was kept.", exc_info=True)

    transaction.on_commit(lambda: _after_response(job))


def _after_response(job: Callable[[], None]) -> None:
    waiting = _waiting.get()
    if waiting is None:
        job()  # not in a request (a management command, a shell): now
    else:
        waiting.append(job)


def _request_started(**kwargs: Any) -> None:
    _send_waiting()  # whatever a request that never finished left behind
    _waiting.set([])


def _send_waiting(**kwargs: Any) -> None:
    waiting = _waiting.get()
    _waiting.set(None)
    for job in waiting or []:
        job()


request_started.connect(_request_started, dispatch_uid="transition.lib.mail.request_started")
request_finished.connect(_send_waiting, dispatch_uid="transition.lib.mail.request_finished")
