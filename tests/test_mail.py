"""Notification emails wait for the commit and for the response, and never fail a request."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.signals import request_finished, request_started
from django.db import transaction

from transition.lib.mail import _waiting, send_soon

pytestmark = pytest.mark.django_db(transaction=True)  # real commits, so on_commit runs as in production


@pytest.fixture(autouse=True)
def _no_request_left_open():
    yield
    _waiting.set(None)  # a test that failed between the two signals must not hold later emails back


def _send(subject: str = "Transition: a comment") -> None:
    send_soon(subject=subject, message="Body", from_email="noreply@example.com", recipient_list=["a@example.com"])


def test_outside_a_request_the_email_goes_when_the_transaction_commits():
    with transaction.atomic():
        _send()
        assert mail.outbox == []
    assert [m.subject for m in mail.outbox] == ["Transition: a comment"]


def _send_then_fail() -> None:
    with transaction.atomic():
        _send()
        raise RuntimeError("the comment could not be saved")


def test_a_rolled_back_change_sends_no_email():
    with pytest.raises(RuntimeError):
        _send_then_fail()
    assert mail.outbox == []


def test_in_a_request_the_email_goes_after_the_response_is_sent():
    request_started.send(sender=None)
    _send()
    assert mail.outbox == []  # the view has returned; the response is on its way
    request_finished.send(sender=None)
    assert [m.subject for m in mail.outbox] == ["Transition: a comment"]


def test_an_email_a_request_left_waiting_is_sent_when_the_next_one_starts():
    request_started.send(sender=None)
    _send("first")
    request_started.send(sender=None)  # the first request's response was never closed
    assert [m.subject for m in mail.outbox] == ["first"]
    request_finished.send(sender=None)


def test_a_mail_server_that_fails_is_logged_not_raised(monkeypatch, caplog):
    def refused(**kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("transition.lib.mail.send_mail", refused)
    request_started.send(sender=None)
    _send()
    request_finished.send(sender=None)
    assert "A notification email could not be sent" in caplog.text
