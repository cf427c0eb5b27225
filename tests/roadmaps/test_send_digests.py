from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments.models import Role
from roadmaps import tasks
from roadmaps.models import Roadmap, RoadmapItem, add_months, month_start
from tests.factories import UserFactory
from tests.queue import drain
from transition.accounts.models import DigestSent, Email

THIS_MONTH = month_start(timezone.localdate())
LAST_MONTH = add_months(THIS_MONTH, -1)
NEXT_MONTH = add_months(THIS_MONTH, 1)


@pytest.fixture(autouse=True)
def _framework(framework_db):
    """Roadmaps need their role from the framework."""


def roadmap(owner, *items: tuple[str, str, object]) -> Roadmap:
    """A roadmap that started last month, with items given as (title, status, month)."""
    plan = Roadmap.objects.create(
        owner=owner,
        role=Role.objects.get(slug="ai-architect"),
        hours_per_week=5,
        months=6,
        start_month=LAST_MONTH,
    )
    for n, (title, status, month) in enumerate(items):
        RoadmapItem.objects.create(
            roadmap=plan,
            action_slug=f"action-{n}",
            title=title,
            description="Do it.",
            done_when="Done.",
            hours=3,
            phase="start-where-you-are",
            month=month,
            status=status,
        )
    return plan


def run(*args: str) -> str:
    out = StringIO()
    call_command("send_digests", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def avery():
    engineer = UserFactory(name="Avery Engineer", email="avery@example.com")
    roadmap(
        engineer,
        ("Write an eval set", "doing", THIS_MONTH),
        ("Interview three users", "todo", LAST_MONTH),
        ("Document failure cases", "done", THIS_MONTH),
        ("Lead a design session", "todo", NEXT_MONTH),
    )
    return engineer


def test_it_emails_this_months_focus_and_what_is_overdue(avery, settings):
    settings.SITE_URL = "https://transition.example.com"
    output = run()
    assert output == f"Queued 1 digest for {THIS_MONTH:%Y-%m}: 0 already sent this month, 0 with nothing due.\n"
    [message] = mail.outbox
    assert message.to == ["avery@example.com"]
    assert message.subject == f"Your roadmap for {THIS_MONTH:%B %Y}: 1 in focus, 1 overdue"
    focus, overdue = message.body.split("Overdue:")
    assert "- Write an eval set (doing, 3 h)" in focus
    assert f"- Interview three users (planned for {LAST_MONTH:%B})" in overdue
    assert "Document failure cases" not in message.body  # done
    assert "Lead a design session" not in message.body  # next month
    assert f"https://transition.example.com/roadmap/{avery.roadmap.pk}/" in message.body
    assert DigestSent.objects.filter(user=avery, month=THIS_MONTH).exists()


def test_it_skips_engineers_with_nothing_due_or_no_roadmap(avery):
    roadmap(UserFactory(), ("All done", "done", THIS_MONTH), ("Skipped", "skipped", LAST_MONTH))
    roadmap(UserFactory(), ("Later", "todo", NEXT_MONTH))
    UserFactory()  # no roadmap
    output = run()
    assert output.endswith(
        "Queued 1 digest for " + f"{THIS_MONTH:%Y-%m}: 0 already sent this month, 2 with nothing due.\n"
    )
    assert [m.to for m in mail.outbox] == [["avery@example.com"]]
    assert DigestSent.objects.count() == 1


def test_overdue_items_alone_earn_a_digest():
    roadmap(UserFactory(email="late@example.com"), ("Interview three users", "doing", LAST_MONTH))
    run()
    [message] = mail.outbox
    assert message.to == ["late@example.com"]
    assert "This month's focus" not in message.body
    assert "- Interview three users" in message.body


def test_running_twice_in_a_month_sends_nothing_twice(avery):
    run()
    output = run()
    assert output == f"Queued 0 digests for {THIS_MONTH:%Y-%m}: 1 already sent this month, 0 with nothing due.\n"
    assert len(mail.outbox) == 1
    assert DigestSent.objects.count() == 1


def test_last_months_digest_does_not_stop_this_one(avery):
    DigestSent.objects.create(user=avery, month=LAST_MONTH)
    run()
    assert len(mail.outbox) == 1


def test_a_dry_run_names_the_recipients_and_sends_nothing(avery):
    output = run("--dry-run")
    assert output == (
        "Would send to avery@example.com: 1 in focus, 1 overdue\n"
        f"Would send 1 digest for {THIS_MONTH:%Y-%m}: 0 already sent this month, 0 with nothing due.\n"
    )
    assert not mail.outbox
    assert not DigestSent.objects.exists()
    run()
    assert len(mail.outbox) == 1


def test_inactive_engineers_get_nothing(avery):
    avery.is_active = False
    avery.save()
    run()
    assert not mail.outbox


@pytest.mark.durable_queue
def test_each_engineer_is_one_task_and_the_mail_server_is_the_workers_business(avery, monkeypatch, settings):
    settings.TASK_RETRY_SECONDS = 0
    other = UserFactory(email="blake@example.com")
    roadmap(other, ("Interview three users", "doing", LAST_MONTH))
    assert run().startswith("Queued 2 digests")
    assert DBTaskResult.objects.filter(task_path="roadmaps.tasks.send_digest").count() == 2
    assert not mail.outbox  # the command sends nothing itself

    calls = []

    def down_once(self, messages):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionRefusedError("mail server down")
        return len(messages)

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", down_once)
    drain()
    assert len(calls) == 3  # one refused, retried, and the other engineer's
    assert Email.objects.filter(status=Email.Status.SENT).count() == 2


@pytest.mark.durable_queue
def test_a_digest_task_run_twice_queues_one_email(avery):
    run()
    run()  # before the worker got to it: the same engineer queued again
    drain()
    assert len(mail.outbox) == 1
    assert DigestSent.objects.count() == 1


def test_a_run_that_got_there_first_is_not_sent_again(avery, monkeypatch):
    real_view = tasks.roadmap_view

    def meanwhile(roadmap, today):
        # Another run records this engineer between the command's query and the task.
        DigestSent.objects.create(user=roadmap.owner, month=THIS_MONTH)
        return real_view(roadmap, today=today)

    monkeypatch.setattr(tasks, "roadmap_view", meanwhile)
    run()
    assert not mail.outbox
    assert DigestSent.objects.count() == 1
