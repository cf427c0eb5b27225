from __future__ import annotations

import pytest
from django.urls import reverse

from roadmaps.models import RoadmapItem
from tests.factories import ShareFactory, UserFactory
from tests.roadmaps.factories import roadmap_for

pytestmark = pytest.mark.usefixtures("framework_db")


def test_home_invites_a_new_engineer_to_start(client):
    client.force_login(UserFactory())
    body = client.get(reverse("home")).content.decode()
    assert "Start your assessment" in body


def test_home_shows_roadmap_progress_and_this_months_focus(client):
    roadmap = roadmap_for(levels={"mentoring": 1})
    item = roadmap.items.order_by("month", "position").first()
    RoadmapItem.objects.filter(pk=item.pk).update(status=RoadmapItem.Status.DONE)
    client.force_login(roadmap.owner)
    response = client.get(reverse("home"))
    view = response.context["roadmap_view"]
    assert view.done == 1
    body = response.content.decode()
    assert f"{view.percent}%</span> done" in body
    assert "This month’s focus" in body


def test_home_lists_only_active_shares_with_me(client):
    me = UserFactory()
    active, revoked = UserFactory(name="Active Person"), UserFactory(name="Revoked Person")
    ShareFactory(engineer=active, person=me)
    ShareFactory(engineer=revoked, person=me, revoked=True)
    client.force_login(me)
    body = client.get(reverse("home")).content.decode()
    assert "Active Person" in body
    assert "Revoked Person" not in body


def test_home_query_budget_does_not_grow_with_the_roadmap(client, django_assert_num_queries):
    roadmap = roadmap_for(levels={"mentoring": 1})
    client.force_login(roadmap.owner)
    client.get(reverse("home"))
    # session, the user with the header's counts, in-progress and finished assessments, roadmap, items, links, shares
    with django_assert_num_queries(9):
        client.get(reverse("home"))
    bigger = roadmap_for(
        levels=dict.fromkeys(["mentoring", "user-research", "saying-no"], 0), months=12, hours_per_week=20
    )
    assert bigger.items.count() > roadmap.items.count()
    client.force_login(bigger.owner)
    client.get(reverse("home"))
    with django_assert_num_queries(9):
        client.get(reverse("home"))
