from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from assessments.models import Assessment
from roadmaps import services as roadmap_services
from roadmaps.comments import comment_create
from roadmaps.models import RoadmapItem
from tests.factories import ShareFactory, UserFactory
from tests.team import factories as tf
from transition.accounts.models import Share
from transition.accounts.services import share_revoke

EVIDENCE = "Mentored two engineers through their first design review."
NOTES = "Ran the eval workshop with the search team."
LINK = "https://wiki.example.com/eval-workshop"


def results_url(engineer) -> str:
    return reverse("team:person_results", args=[engineer.pk])


def roadmap_url(engineer) -> str:
    return reverse("team:person_roadmap", args=[engineer.pk])


@pytest.fixture
def engineer(framework_db):
    """An engineer with results (and evidence), a roadmap with notes and a link, and a mentor comment."""
    engineer = UserFactory(name="Alex Rivera")
    assessment = tf.finished_assessment(engineer, 2)
    tf.evidence(assessment, "mentoring", EVIDENCE)
    roadmap = tf.roadmap(engineer, assessment)
    item = roadmap.items.first()
    roadmap_services.item_set_notes(item=item, notes=NOTES)
    roadmap_services.item_link_add(item=item, url=LINK)
    return engineer


def follower(engineer, relation=Share.Relation.MANAGER, **kw):
    person = UserFactory(name=f"A {relation}")
    ShareFactory(engineer=engineer, person=person, relation=relation, **kw)
    return person


def get_as(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- who may read -------------------------------------------------------------------------------------


@pytest.mark.parametrize("relation", [Share.Relation.MANAGER, Share.Relation.MENTOR])
def test_manager_and_mentor_can_read_results_and_roadmap(client, engineer, relation):
    person = follower(engineer, relation)
    results = get_as(client, person, results_url(engineer))
    assert results.status_code == 200
    assert "Where Alex Rivera stands" in results.content.decode()
    roadmap = client.get(roadmap_url(engineer))
    assert roadmap.status_code == 200
    assert "Alex Rivera\u2019s roadmap" in roadmap.content.decode()


def _other_engineer(engineer):
    return UserFactory()


def _other_manager(engineer):
    manager = UserFactory()
    ShareFactory(engineer=UserFactory(), person=manager, manager=True)  # a manager, but of someone else
    return manager


def _revoked_manager(engineer):
    return follower(engineer, status=Share.Status.REVOKED)


def _pending_manager(engineer):
    return follower(engineer, status=Share.Status.PENDING)


def _manager_who_left(engineer):
    return follower(engineer, status=Share.Status.LEFT)


def _the_engineer_themself(engineer):
    # Their own pages are elsewhere; this one is for the people they share with.
    return engineer


@pytest.mark.parametrize(
    "who",
    [_other_engineer, _other_manager, _revoked_manager, _pending_manager, _manager_who_left, _the_engineer_themself],
)
@pytest.mark.parametrize("url", [results_url, roadmap_url])
def test_anyone_without_an_active_share_gets_404(client, engineer, who, url):
    assert get_as(client, who(engineer), url(engineer)).status_code == 404


@pytest.mark.parametrize("url", [results_url, roadmap_url])
def test_anonymous_visitors_are_sent_to_sign_in(client, engineer, url):
    response = client.get(url(engineer))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_unknown_and_deactivated_engineers_are_404_like_unshared_ones(client, engineer):
    manager = follower(engineer)
    client.force_login(manager)
    assert client.get(reverse("team:person_results", args=[engineer.pk + 1000])).status_code == 404
    engineer.is_active = False
    engineer.save()
    assert client.get(results_url(engineer)).status_code == 404


def test_revoking_takes_effect_on_the_next_request(client, engineer):
    manager = follower(engineer)
    assert get_as(client, manager, roadmap_url(engineer)).status_code == 200
    share_revoke(share=Share.objects.get(engineer=engineer, person=manager))
    assert client.get(roadmap_url(engineer)).status_code == 404
    assert client.get(results_url(engineer)).status_code == 404


# --- what is shown ------------------------------------------------------------------------------------


def test_results_are_read_only(client, engineer):
    page = get_as(client, follower(engineer), results_url(engineer)).content.decode()
    assert "Re-assess" not in page
    assert "Create my roadmap" not in page
    assert "Update my roadmap" not in page
    assert "Compare with another role" not in page
    # Which option they chose in each scenario stays theirs; the levels are the results.
    assert "Your scenario answers" not in page


def test_roadmap_is_read_only(client, engineer):
    page = get_as(client, follower(engineer), roadmap_url(engineer)).content.decode()
    roadmap = engineer.roadmap
    assert "Change hours or re-plan" not in page
    assert reverse("roadmaps:item_update", args=[roadmap.pk, roadmap.items.first().pk]) not in page
    assert 'name="status"' not in page
    assert reverse("roadmaps:detail", args=[roadmap.pk]) not in page


@pytest.mark.parametrize("relation", [Share.Relation.MANAGER, Share.Relation.MENTOR])
def test_evidence_and_notes_stay_private_without_include_private(client, engineer, relation):
    person = follower(engineer, relation, include_private=False)
    results = get_as(client, person, results_url(engineer)).content.decode()
    roadmap = client.get(roadmap_url(engineer)).content.decode()
    assert EVIDENCE not in results
    assert NOTES not in roadmap
    assert LINK not in roadmap
    assert "evidence and notes stay private" in results


@pytest.mark.parametrize("relation", [Share.Relation.MANAGER, Share.Relation.MENTOR])
def test_evidence_and_notes_are_shown_when_the_engineer_included_them(client, engineer, relation):
    person = follower(engineer, relation, include_private=True)
    results = get_as(client, person, results_url(engineer)).content.decode()
    roadmap = client.get(roadmap_url(engineer)).content.decode()
    assert EVIDENCE in results
    assert NOTES in roadmap
    assert LINK in roadmap


def test_the_private_flag_of_the_share_in_use_decides(client, engineer):
    manager = follower(engineer, include_private=False)
    other = UserFactory()
    ShareFactory(engineer=engineer, person=other, manager=True, include_private=True)  # another manager was given more
    assert NOTES not in get_as(client, manager, roadmap_url(engineer)).content.decode()


def test_mentor_sees_the_conversation_and_manager_does_not(client, engineer):
    mentor = follower(engineer, Share.Relation.MENTOR)
    manager = follower(engineer, Share.Relation.MANAGER)
    comment_create(roadmap=engineer.roadmap, author=mentor, body="Start with the eval set, it unblocks the rest.")
    as_mentor = get_as(client, mentor, roadmap_url(engineer)).content.decode()
    as_manager = get_as(client, manager, roadmap_url(engineer)).content.decode()
    assert "Start with the eval set" in as_mentor
    assert reverse("roadmaps:comment_create", args=[engineer.roadmap.pk]) in as_mentor
    assert "Start with the eval set" not in as_manager
    assert reverse("roadmaps:comment_create", args=[engineer.roadmap.pk]) not in as_manager


def test_pages_link_to_each_other_and_back_to_the_team_for_a_manager(client, engineer):
    page = get_as(client, follower(engineer), results_url(engineer)).content.decode()
    assert f'href="{roadmap_url(engineer)}"' in page
    assert f'href="{reverse("team:dashboard")}" class="back-link"' in page
    mentor_page = get_as(client, follower(engineer, Share.Relation.MENTOR), roadmap_url(engineer)).content.decode()
    assert 'class="back-link"' not in mentor_page
    assert f'href="{results_url(engineer)}"' in mentor_page


def test_an_engineer_without_results_or_roadmap_gets_a_plain_explanation(client, framework_db):
    newcomer = UserFactory(name="New Person")
    manager = follower(newcomer)
    results = get_as(client, manager, results_url(newcomer))
    assert results.status_code == 200
    assert "New Person has not finished an assessment yet" in results.content.decode()
    roadmap = client.get(roadmap_url(newcomer))
    assert roadmap.status_code == 200
    assert "New Person has not made a roadmap yet" in roadmap.content.decode()


def test_results_show_the_latest_finished_assessment(client, engineer):
    tf.finished_assessment(engineer, 4)
    page = get_as(client, follower(engineer), results_url(engineer)).content.decode()
    assert '<span class="change up">+' in page  # compared with the previous one


# --- query budgets ------------------------------------------------------------------------------------

# One more than before the history charts: every finished assessment's readiness and levels, in one query.
RESULTS_QUERIES = 9
ROADMAP_QUERIES = 7


@pytest.mark.parametrize("relation", [Share.Relation.MANAGER, Share.Relation.MENTOR])
def test_results_page_query_budget(client, engineer, relation, django_assert_num_queries):
    person = follower(engineer, relation, include_private=True)
    client.force_login(person)
    # A mentor reads no ratings; a manager reads their own — one query each way, so the budget is the same.
    with django_assert_num_queries(RESULTS_QUERIES - (relation == Share.Relation.MENTOR)):
        assert client.get(results_url(engineer)).status_code == 200


def test_results_page_query_budget_does_not_grow_with_the_history(client, engineer, django_assert_num_queries):
    person = follower(engineer, Share.Relation.MENTOR, include_private=True)
    client.force_login(person)
    for n in range(3):
        tf.finished_assessment(engineer, n)
    with django_assert_num_queries(RESULTS_QUERIES - 1):
        page = client.get(results_url(engineer)).content.decode()
    assert page.count('class="line-dot"') == Assessment.objects.filter(owner=engineer, status="finished").count()


def test_results_page_shows_progress_across_assessments(client, engineer):
    tf.finished_assessment(engineer, 4)
    page = get_as(client, follower(engineer), results_url(engineer)).content.decode()
    history = page[page.index('id="history-heading"') :]
    assert f"Progress of {escape(engineer.name)}" in history
    assert 'role="img" aria-labelledby="trend-title trend-desc"' in history
    assert '<table class="heat-strip">' in history


def test_roadmap_page_query_budget_does_not_grow_with_items(client, engineer, django_assert_num_queries):
    manager = follower(engineer, include_private=True)
    client.force_login(manager)
    with django_assert_num_queries(ROADMAP_QUERIES):
        client.get(roadmap_url(engineer))
    for item in RoadmapItem.objects.filter(roadmap=engineer.roadmap)[:5]:
        roadmap_services.item_link_add(item=item, url=LINK + f"/{item.pk}")
    with django_assert_num_queries(ROADMAP_QUERIES):
        client.get(roadmap_url(engineer))
