from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Answer, Assessment, Competency, Evidence, Item, ManagerRating, Rating
from roadmaps.models import Comment, EvidenceLink, RoadmapItem
from tests.factories import PASSWORD, ShareFactory, UserFactory
from tests.roadmaps.factories import roadmap_for
from transition.accounts.models import DigestSent, Notification, Share, User

pytestmark = pytest.mark.usefixtures("framework_db")

MARK = "private-marker-7f3a"


@pytest.fixture
def world():
    """An engineer with everything, their manager and mentor, and another engineer they mentor."""
    engineer = UserFactory(email="eng@example.com")
    roadmap = roadmap_for(engineer, levels={"mentoring": 1})
    item = Item.objects.filter(kind="scenario").first()
    extra = assessment_services.assessment_start(owner=engineer, role=None, mode="full")
    assessment_services.answer_save(assessment=extra, item=item, choice=0)
    assessment_services.evidence_save(assessment=extra, competency=item.competency, text=f"evidence {MARK}")
    first = roadmap.items.first()
    first.notes = f"notes {MARK}"
    first.save()
    EvidenceLink.objects.create(item=first, url="https://example.com/proof")
    manager, mentor, mentee = UserFactory(), UserFactory(), UserFactory()
    ShareFactory(engineer=engineer, person=manager, manager=True)
    ShareFactory(engineer=engineer, person=mentor)
    ShareFactory(engineer=mentee, person=engineer)
    mentee_roadmap = roadmap_for(mentee)
    root = Comment.objects.create(roadmap=roadmap, author=mentor, body="mentor says")
    Comment.objects.create(roadmap=roadmap, author=engineer, body=f"reply {MARK}", parent=root)
    Comment.objects.create(roadmap=mentee_roadmap, author=engineer, body=f"advice {MARK}")
    mentee_reply = Comment.objects.create(
        roadmap=mentee_roadmap, author=mentee, body="mentee reply", parent=Comment.objects.get(body=f"advice {MARK}")
    )
    competency = Competency.objects.first()
    ManagerRating.objects.create(engineer=engineer, manager=manager, competency=competency, level=2)
    ManagerRating.objects.create(engineer=mentee, manager=engineer, competency=competency, level=3)
    Notification.objects.create(recipient=engineer, kind="comment", text="x")
    Notification.objects.create(recipient=mentee, actor=engineer, kind="comment", text="y")
    DigestSent.objects.create(user=engineer, month=timezone.localdate().replace(day=1))
    AccessAttempt.objects.create(
        username="eng@example.com", ip_address="10.0.0.1", user_agent="x", failures_since_start=1
    )
    return {"engineer": engineer, "manager": manager, "mentor": mentor, "mentee": mentee, "mentee_reply": mentee_reply}


def _rows_referring_to(user: User) -> dict[str, int]:
    counts = {}
    # Every foreign key to the user model, so a new table cannot escape this test.
    for model in apps.get_models():
        for field in model._meta.get_fields():
            points_at_user = getattr(field, "related_model", None) is User and field.concrete
            if (field.many_to_one or field.one_to_one) and points_at_user:
                n = model.objects.filter(**{field.name: user}).count()
                if n:
                    counts[f"{model.__name__}.{field.name}"] = n
    indirect = {
        "Answer": Answer.objects.filter(assessment__owner=user),
        "Rating": Rating.objects.filter(assessment__owner=user),
        "Evidence": Evidence.objects.filter(assessment__owner=user),
        "RoadmapItem": RoadmapItem.objects.filter(roadmap__owner=user),
        "EvidenceLink": EvidenceLink.objects.filter(item__roadmap__owner=user),
        "Comment on roadmap": Comment.objects.filter(roadmap__owner=user),
        "AccessAttempt": AccessAttempt.objects.filter(username__iexact=user.email),
    }
    counts.update({k: q.count() for k, q in indirect.items() if q.count()})
    sessions = [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]
    if sessions:
        counts["Session"] = len(sessions)
    return counts


def test_export_holds_all_their_data_as_one_json_file(client, world):
    client.force_login(world["engineer"])
    response = client.get(reverse("account:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == "eng@example.com"
    assert len(data["assessments"]) == 2
    text = response.content.decode()
    assert text.count(MARK) >= 4  # evidence, notes, both comments
    assert data["roadmap"]["items"][0]["evidence_links"] == ["https://example.com/proof"]
    assert {s["relation"] for s in data["shares_given"]} == {"manager", "mentor"}


def test_export_holds_nothing_of_anyone_else(client, world):
    client.force_login(world["manager"])
    text = client.get(reverse("account:export")).content.decode()
    assert MARK not in text


def test_deleting_the_account_needs_the_password(client, world):
    client.force_login(world["engineer"])
    response = client.post(reverse("account:delete"), {"password": "wrong"})
    assert response.status_code == 422
    assert "Nothing was deleted" in response.content.decode()
    assert User.objects.filter(pk=world["engineer"].pk).exists()


def test_deleting_the_account_removes_every_row_that_refers_to_them(client, world):
    engineer = world["engineer"]
    client.force_login(engineer)
    other_client = client.__class__()
    other_client.force_login(engineer)  # a second session, on another device
    before = _rows_referring_to(engineer)
    assert {
        "Assessment.owner",
        "Roadmap.owner",
        "Share.engineer",
        "Share.person",
        "Comment.author",
        "Notification.recipient",
        "Notification.actor",
        "ManagerRating.engineer",
        "ManagerRating.manager",
        "DigestSent.user",
        "Answer",
        "Evidence",
        "RoadmapItem",
        "EvidenceLink",
        "AccessAttempt",
        "Session",
    } <= set(before)
    response = client.post(reverse("account:delete"), {"password": PASSWORD})
    assert response.url == reverse("landing")
    assert not User.objects.filter(pk=engineer.pk).exists()
    assert _rows_referring_to(engineer) == {}
    assert other_client.get(reverse("home")).status_code == 302  # the other session is gone too


def test_a_mentor_leaving_ends_their_shares_but_keeps_the_engineers_data(client, world):
    mentor, engineer = world["mentor"], world["engineer"]
    replies_before = Comment.objects.filter(author=engineer).count()
    client.force_login(mentor)
    client.post(reverse("account:delete"), {"password": PASSWORD})
    assert not Share.objects.filter(person_id=mentor.pk).exists()
    assert Comment.objects.filter(author=engineer).count() == replies_before
    assert RoadmapItem.objects.filter(roadmap__owner=engineer).exists()
    assert Assessment.objects.filter(owner=engineer).count() == 2


def test_a_manager_leaving_keeps_the_engineers_data(client, world):
    manager, engineer = world["manager"], world["engineer"]
    client.force_login(manager)
    client.post(reverse("account:delete"), {"password": PASSWORD})
    assert not Share.objects.filter(engineer=engineer, relation="manager").exists()
    assert Share.objects.filter(engineer=engineer, relation="mentor").exists()
    assert Assessment.objects.filter(owner=engineer).count() == 2


def test_replies_to_a_deleted_authors_comment_survive(client, world):
    engineer = world["engineer"]
    client.force_login(engineer)
    client.post(reverse("account:delete"), {"password": PASSWORD})
    assert Comment.objects.filter(pk=world["mentee_reply"].pk).exists()


def test_account_page_lists_the_rights(client, world):
    client.force_login(world["engineer"])
    body = client.get(reverse("account:settings")).content.decode()
    assert reverse("account:export") in body
    assert reverse("account:delete") in body
