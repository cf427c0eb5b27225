from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from assessments.models import Assessment
from roadmaps.models import Comment, Roadmap
from transition.accounts.models import Share, User

pytestmark = pytest.mark.usefixtures("framework_db")


def _run() -> str:
    out = io.StringIO()
    call_command("create_demo_accounts", stdout=out)
    return out.getvalue()


# Real commits: notification emails wait for the commit, and the demo's commit is where they would go.
@pytest.mark.django_db(transaction=True)
def test_demo_gives_the_manager_a_team_and_the_engineer_a_mentor(settings, mailoutbox):
    settings.DEBUG = True
    output = _run()
    assert "engineer@example.com" in output
    assert "transition-demo" in output
    engineer = User.objects.get(email="engineer@example.com")
    assert engineer.check_password("transition-demo")
    manager = User.objects.get(email="manager@example.com")
    mentor = User.objects.get(email="mentor@example.com")
    reports = Share.objects.filter(person=manager, relation="manager", status="active")
    assert reports.count() >= 3  # enough for the team heatmap
    assert all(Assessment.objects.filter(owner=s.engineer, status="finished").exists() for s in reports)
    assert Share.objects.filter(engineer=engineer, person=mentor, relation="mentor", status="active").exists()
    assert Roadmap.objects.get(owner=engineer).items.filter(status="done").exists()
    assert Comment.objects.filter(author=mentor).exists()
    assert not mailoutbox  # the demo's own notifications are not sent


def test_running_it_again_changes_nothing(settings):
    settings.DEBUG = True
    _run()
    counts = (User.objects.count(), Share.objects.count(), Assessment.objects.count(), Comment.objects.count())
    _run()
    assert counts == (User.objects.count(), Share.objects.count(), Assessment.objects.count(), Comment.objects.count())


def test_demo_accounts_never_exist_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="local development only"):
        _run()
    assert not User.objects.exists()
