from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessments.models import Role
from roadmaps.management.commands import send_digests
from roadmaps.models import Roadmap, RoadmapItem, add_months, month_start
from tests.factories import UserFactory
from transition.accounts.models import DigestSent

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
    assert output == f"Sent 1 digest for {THIS_MONTH:%Y-%m}: 0 already sent this month, 0 with nothing due.\n"
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
        "Sent 1 digest for " + f"{THIS_MONTH:%Y-%m}: 0 already sent this month, 2 with nothing due.\n"
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
    assert output == f"Sent 0 digests for {THIS_MONTH:%Y-%m}: 1 already sent this month, 0 with nothing due.\n"
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


def test_a_failed_send_is_retried_next_time(avery, monkeypatch):
    def broken(**kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(send_digests, "send_mail", broken)
    with pytest.raises(CommandError, match="1 failed"):
        run()
    assert not DigestSent.objects.exists()
    monkeypatch.undo()
    run()
    assert len(mail.outbox) == 1


def test_a_run_that_got_there_first_is_not_sent_again(avery, monkeypatch):
    real_view = send_digests.roadmap_view

    def meanwhile(roadmap, today):
        # Another run records this engineer between our query and our send.
        DigestSent.objects.create(user=roadmap.owner, month=THIS_MONTH)
        return real_view(roadmap, today=today)

    monkeypatch.setattr(send_digests, "roadmap_view", meanwhile)
    output = run()
    assert output == f"Sent 0 digests for {THIS_MONTH:%Y-%m}: 1 already sent this month, 0 with nothing due.\n"
    assert not mail.outbox
    assert DigestSent.objects.count() == 1
