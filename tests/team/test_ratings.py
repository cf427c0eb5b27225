from __future__ import annotations

import re

import pytest
from django.urls import reverse

from assessments.models import Competency, ManagerRating
from assessments.results import results_context
from assessments.services import RatingError, manager_rating_save
from tests.factories import ShareFactory, UserFactory
from tests.team import factories as tf
from transition.accounts.models import Notification, Share
from transition.accounts.services import share_revoke


@pytest.fixture
def engineer(framework_db):
    engineer = UserFactory(name="Alex Rivera")
    tf.finished_assessment(engineer, 2, levels={"mentoring": 1})
    return engineer


@pytest.fixture
def manager(engineer):
    manager = UserFactory(name="Mia Manager")
    ShareFactory(engineer=engineer, person=manager, manager=True)
    return manager


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def rate_url(engineer) -> str:
    return reverse("team:rate", args=[engineer.pk])


def results_url(engineer) -> str:
    return reverse("team:person_results", args=[engineer.pk])


def own_results_url(engineer) -> str:
    return reverse(
        "assessments:results", args=[engineer.assessments.filter(status="finished").latest("finished_at").pk]
    )


def competency(slug: str) -> Competency:
    return Competency.objects.get(slug=slug)


HTMX = {"HX-Request": "true"}


# --- the form -------------------------------------------------------------------------------------------


def test_manager_sees_a_rating_form_for_every_competency(manager_client, engineer):
    page = manager_client.get(results_url(engineer)).content.decode()
    assert "Your rating of Alex" in page
    assert page.count(f'action="{rate_url(engineer)}"') == Competency.objects.count()
    assert 'for="level-mentoring"' in page


def test_form_shows_the_managers_earlier_rating(manager_client, engineer, manager):
    manager_rating_save(
        engineer=engineer, manager=manager, competency=competency("mentoring"), level=3, comment="Solid"
    )
    page = manager_client.get(results_url(engineer)).content.decode()
    form = page[page.index('id="rate-mentoring"') :]
    form = form[: form.index("</form>")]
    assert '<option value="3" selected>' in form
    assert 'value="Solid"' in form
    assert "Not rated yet" not in form
    assert "more than a level apart" in form  # they rated themselves 1


def test_mentor_sees_no_rating_form_and_cannot_rate(client, engineer):
    mentor = UserFactory()
    ShareFactory(engineer=engineer, person=mentor)
    client.force_login(mentor)
    assert f'action="{rate_url(engineer)}"' not in client.get(results_url(engineer)).content.decode()
    assert client.post(rate_url(engineer), {"competency": "mentoring", "level": "3"}).status_code == 404
    assert not ManagerRating.objects.exists()


def _another_engineer(engineer):
    return UserFactory()


def _another_teams_manager(engineer):
    manager = UserFactory()
    ShareFactory(engineer=UserFactory(), person=manager, manager=True)
    return manager


def _revoked_manager(engineer):
    manager = UserFactory()
    ShareFactory(engineer=engineer, person=manager, manager=True, revoked=True)
    return manager


def _the_engineer_themself(engineer):
    return engineer


@pytest.mark.parametrize("who", [_another_engineer, _another_teams_manager, _revoked_manager, _the_engineer_themself])
def test_nobody_else_can_rate(client, engineer, who):
    client.force_login(who(engineer))
    assert client.post(rate_url(engineer), {"competency": "mentoring", "level": "3"}).status_code == 404
    assert not ManagerRating.objects.exists()


def test_rating_is_a_post(manager_client, engineer):
    assert manager_client.get(rate_url(engineer)).status_code == 405


def test_an_unknown_competency_is_404(manager_client, engineer):
    assert manager_client.post(rate_url(engineer), {"competency": "juggling", "level": "3"}).status_code == 404


def test_no_results_no_rating(client, framework_db):
    newcomer = UserFactory()
    manager = UserFactory()
    ShareFactory(engineer=newcomer, person=manager, manager=True)
    client.force_login(manager)
    assert client.post(rate_url(newcomer), {"competency": "mentoring", "level": "3"}).status_code == 404


# --- saving ---------------------------------------------------------------------------------------------


def test_plain_form_saves_and_returns_to_the_row(manager_client, engineer, manager):
    response = manager_client.post(rate_url(engineer), {"competency": "mentoring", "level": "3", "comment": " Good "})
    assert response.status_code == 302
    assert response.url == results_url(engineer) + "#rate-mentoring"
    rating = ManagerRating.objects.get()
    assert (rating.engineer, rating.manager, rating.competency.slug) == (engineer, manager, "mentoring")
    assert (rating.level, rating.comment) == (3, "Good")
    assert "Your rating of Mentoring is saved." in manager_client.get(response.url).content.decode()


def test_htmx_save_answers_with_the_row(manager_client, engineer):
    response = manager_client.post(rate_url(engineer), {"competency": "mentoring", "level": "4"}, headers=HTMX)
    row = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in row
    assert row.strip().startswith('<form method="post" action="' + rate_url(engineer))
    assert 'id="rate-mentoring"' in row
    assert '<option value="4" selected>' in row
    assert ">Saved</p>" in row
    assert ManagerRating.objects.get().level == 4


def test_rating_again_updates_the_one_rating(manager_client, engineer):
    manager_client.post(rate_url(engineer), {"competency": "mentoring", "level": "1"})
    manager_client.post(rate_url(engineer), {"competency": "mentoring", "level": "2", "comment": "Better"})
    assert list(ManagerRating.objects.values_list("level", "comment")) == [(2, "Better")]


@pytest.mark.parametrize("level", ["5", "-1", "abc", "", "2.5"])
def test_a_bad_level_is_refused_in_place_and_nothing_is_saved(manager_client, engineer, level):
    data = {"competency": "mentoring", "level": level, "comment": "Kept"}
    response = manager_client.post(rate_url(engineer), data, headers=HTMX)
    row = response.content.decode()
    assert response.status_code == 422
    assert "Choose a level from 0 to 4." in row
    assert 'aria-invalid="true"' in row
    assert 'value="Kept"' in row  # what was typed stays
    assert not ManagerRating.objects.exists()

    plain = manager_client.post(rate_url(engineer), data)
    page = plain.content.decode()
    assert plain.status_code == 422
    assert "<html" in page
    form = page[page.index('id="rate-mentoring"') :]
    assert "Choose a level from 0 to 4." in form[: form.index("</form>")]
    assert not ManagerRating.objects.exists()


def test_a_refused_change_keeps_showing_the_saved_rating(manager_client, engineer, manager):
    manager_rating_save(engineer=engineer, manager=manager, competency=competency("mentoring"), level=3)
    row = manager_client.post(rate_url(engineer), {"competency": "mentoring", "level": "9"}, headers=HTMX)
    assert row.status_code == 422
    assert '<option value="3" selected>' in row.content.decode()
    assert ManagerRating.objects.get().level == 3


def test_an_overlong_comment_is_refused(manager_client, engineer):
    response = manager_client.post(
        rate_url(engineer), {"competency": "mentoring", "level": "2", "comment": "x" * 1001}, headers=HTMX
    )
    assert response.status_code == 422
    assert "Keep the comment under 1000 characters" in response.content.decode()
    assert not ManagerRating.objects.exists()


# --- the service ----------------------------------------------------------------------------------------


def test_service_refuses_a_person_who_is_not_an_active_manager(engineer):
    mentor = UserFactory()
    ShareFactory(engineer=engineer, person=mentor)
    with pytest.raises(RatingError):
        manager_rating_save(engineer=engineer, manager=mentor, competency=competency("mentoring"), level=2)
    assert not ManagerRating.objects.exists()


@pytest.mark.parametrize("level", [-1, 5])
def test_service_refuses_a_level_outside_the_scale(engineer, manager, level):
    with pytest.raises(RatingError, match="from 0 to 4"):
        manager_rating_save(engineer=engineer, manager=manager, competency=competency("mentoring"), level=level)


# --- notification ---------------------------------------------------------------------------------------


def test_the_engineer_is_notified_once_per_sitting(
    manager_client, engineer, manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the email waits for the commit
        manager_client.post(rate_url(engineer), {"competency": "mentoring", "level": "3"})
        manager_client.post(rate_url(engineer), {"competency": "saying-no", "level": "2"})
    notification = Notification.objects.get()
    assert (notification.recipient, notification.actor, notification.kind) == (engineer, manager, "rating")
    assert notification.url == own_results_url(engineer) + "#manager-view"
    assert "Mia Manager rated your competencies" in notification.text
    assert [m.to for m in mailoutbox] == [[engineer.email]]


def test_a_new_notification_once_the_engineer_read_the_last(manager_client, engineer):
    manager_client.post(rate_url(engineer), {"competency": "mentoring", "level": "3"})
    Notification.objects.update(read_at="2026-01-01T00:00:00Z")
    manager_client.post(rate_url(engineer), {"competency": "mentoring", "level": "4"})
    assert Notification.objects.count() == 2


def test_saving_the_same_rating_again_notifies_nobody(manager_client, engineer):
    manager_client.post(rate_url(engineer), {"competency": "mentoring", "level": "3"})
    Notification.objects.update(read_at="2026-01-01T00:00:00Z")
    manager_client.post(rate_url(engineer), {"competency": "mentoring", "level": "3"})
    assert Notification.objects.count() == 1


# --- the engineer's side by side ------------------------------------------------------------------------


def test_results_context_pairs_each_rating_with_the_engineers_level(engineer, manager):
    manager_rating_save(engineer=engineer, manager=manager, competency=competency("mentoring"), level=3, comment="Hm")
    manager_rating_save(engineer=engineer, manager=manager, competency=competency("saying-no"), level=3)
    assessment = engineer.assessments.get()
    ratings = results_context(assessment)["manager_ratings"]
    assert [(r.competency.slug, r.current, r.level, r.manager, r.comment, r.differs) for r in ratings] == [
        ("saying-no", 2.0, 3, "Mia Manager", "", False),  # one level apart is not marked
        ("mentoring", 1.0, 3, "Mia Manager", "Hm", True),
    ]


def test_engineer_sees_self_and_manager_side_by_side_with_differences_marked(client, engineer, manager):
    manager_rating_save(engineer=engineer, manager=manager, competency=competency("mentoring"), level=3, comment="Hm")
    manager_rating_save(engineer=engineer, manager=manager, competency=competency("saying-no"), level=3)
    client.force_login(engineer)
    page = client.get(own_results_url(engineer)).content.decode()
    section = page[page.index('id="manager-view"') :]
    section = section[: section.index("</section>")]
    rows = {re.search(r'<th scope="row">([^<]+)', row).group(1).strip(): row for row in section.split("<tr")[2:]}
    assert list(rows) == ["Saying no", "Mentoring"]
    assert "more than a level apart" in rows["Mentoring"]
    assert "<td>1.0</td>" in rows["Mentoring"]
    assert "3 · Proficient" in rows["Mentoring"]
    assert "Mia Manager" in rows["Mentoring"]
    assert "Hm" in rows["Mentoring"]
    assert "more than a level apart" not in rows["Saying no"]


def test_engineer_without_manager_ratings_sees_no_section(client, engineer):
    client.force_login(engineer)
    assert 'id="manager-view"' not in client.get(own_results_url(engineer)).content.decode()


def test_a_revoked_managers_rating_leaves_the_engineers_page(client, engineer, manager):
    manager_rating_save(engineer=engineer, manager=manager, competency=competency("mentoring"), level=3)
    share_revoke(share=Share.objects.get(engineer=engineer, person=manager))
    client.force_login(engineer)
    assert 'id="manager-view"' not in client.get(own_results_url(engineer)).content.decode()
