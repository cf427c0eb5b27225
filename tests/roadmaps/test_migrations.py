"""Roadmaps made before items could span months come through the migration with nothing lost."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("roadmaps", "0002_comment"),
    ("assessments", "0004_action_planning_fields"),
    ("accounts", "0004_one_pending_invitation_per_address"),
]
AFTER = [("roadmaps", "0003_item_spans")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_every_item_status_note_link_and_comment_survives_with_its_month_as_its_span():
    apps = _migrate(BEFORE)
    User = apps.get_model("accounts", "User")
    Role = apps.get_model("assessments", "Role")
    Roadmap = apps.get_model("roadmaps", "Roadmap")
    Item = apps.get_model("roadmaps", "RoadmapItem")
    Link = apps.get_model("roadmaps", "EvidenceLink")
    Comment = apps.get_model("roadmaps", "Comment")
    owner = User.objects.create(email="old@example.com", name="Old Roadmap")
    role = Role.objects.create(slug="ai-architect", name="AI Architect", summary="", position=0)
    start = datetime.date(2026, 9, 1)
    roadmap = Roadmap.objects.create(owner=owner, role=role, hours_per_week=5, months=6, start_month=start)
    # As the one-month planner made them: every item in one month, its hours all in that month.
    made = []
    for n, (status, notes) in enumerate(
        [("done", "Shipped it."), ("doing", ""), ("todo", ""), ("skipped", "Not now.")]
    ):
        made.append(
            Item.objects.create(
                roadmap=roadmap,
                action_slug=f"action-{n}",
                title=f"Action {n}",
                description="What to do.",
                done_when="When it is done.",
                competencies=["mentoring"],
                hours=8 + n,
                phase="start-where-you-are",
                month=datetime.date(2026, 9 + n, 1),
                status=status,
                notes=notes,
                pinned=n == 2,
                position=n,
            )
        )
    Link.objects.create(item=made[0], url="https://example.com/proof")
    Comment.objects.create(roadmap=roadmap, item=made[1], author=owner, body="How is it going?")

    apps = _migrate(AFTER)
    Item = apps.get_model("roadmaps", "RoadmapItem")
    after = {i.action_slug: i for i in Item.objects.filter(roadmap_id=roadmap.pk)}
    assert set(after) == {i.action_slug for i in made}
    for old in made:
        new = after[old.action_slug]
        assert (new.pk, new.status, new.notes, new.pinned, new.hours, new.month) == (
            old.pk,
            old.status,
            old.notes,
            old.pinned,
            old.hours,
            old.month,
        )
        assert new.end_month == old.month, "a one-month item ends in the month it starts"
    assert apps.get_model("roadmaps", "EvidenceLink").objects.filter(item_id=made[0].pk).count() == 1
    assert apps.get_model("roadmaps", "Comment").objects.filter(item_id=made[1].pk).count() == 1

    # Read through today's model, each old item is a one-month item with all its hours there.
    from roadmaps.models import RoadmapItem

    for old in made:
        item = RoadmapItem.objects.get(pk=old.pk)
        assert item.span == 1
        assert item.hours_in(old.month) == old.hours
