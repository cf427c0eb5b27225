from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import content
from assessments.models import Answer, Assessment, Evidence, Item, Role
from tests.assessments.conftest import htmx
from tests.factories import AnswerFactory, AssessmentFactory

URL = reverse("assessments:start")


def test_it_requires_login(client, framework_db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_offers_the_five_roles_and_not_sure_yet(engineer_client):
    page = engineer_client.get(URL).content.decode()
    for role in Role.objects.all():
        assert f'value="{role.slug}"' in page
        assert role.name in page
    assert 'value="not-sure"' in page
    assert "Not sure yet" in page
    assert 'value="full"' in page
    assert 'value="quick"' in page


def test_an_htmx_request_gets_the_whole_page(engineer_client):
    # Nothing swaps the start page in, so htmx (or a stray hx-get) must still get a full page.
    response = engineer_client.get(URL, headers=htmx())
    assert response.status_code == 200
    assert "<html" in response.content.decode()


def test_it_starts_the_full_questionnaire_for_the_chosen_role(engineer_client, engineer):
    response = engineer_client.post(URL, {"role": "ai-product-manager", "mode": "full"})
    assessment = Assessment.objects.get(owner=engineer)
    assert response.status_code == 302
    assert response.url == reverse("assessments:resume", args=[assessment.pk])
    assert assessment.role.slug == "ai-product-manager"
    assert assessment.mode == Assessment.Mode.FULL
    assert assessment.status == Assessment.Status.IN_PROGRESS
    assert assessment.previous is None
    # Resuming a fresh full questionnaire opens its first section.
    first = content.get_framework().competencies[0].slug
    assert engineer_client.get(response.url).url == reverse("assessments:section", args=[assessment.pk, first])


def test_it_records_the_framework_version(engineer_client, engineer):
    engineer_client.post(URL, {"role": "ai-lead", "mode": "full"})
    assert Assessment.objects.get(owner=engineer).framework_version == content.get_framework().version


def test_it_starts_the_quick_self_rating(engineer_client, engineer):
    response = engineer_client.post(URL, {"role": "ai-architect", "mode": "quick"})
    assessment = Assessment.objects.get(owner=engineer)
    assert assessment.mode == Assessment.Mode.QUICK
    assert engineer_client.get(response.url).url == reverse("assessments:quick", args=[assessment.pk])


def test_not_sure_yet_starts_without_a_role(engineer_client, engineer):
    engineer_client.post(URL, {"role": "not-sure", "mode": "quick"})
    assert Assessment.objects.get(owner=engineer).role is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"mode": "full"}, "Choose a role, or “Not sure yet”."),
        ({"role": "astronaut", "mode": "full"}, "Choose one of the roles listed."),
        ({"role": "ai-lead"}, "Choose the full questionnaire or the quick self-rating."),
        ({"role": "ai-lead", "mode": "leisurely"}, "is not one of the available choices"),
    ],
)
def test_a_missing_or_unknown_choice_is_reported_in_place(engineer_client, engineer, data, message):
    response = engineer_client.post(URL, data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "<html" in page
    assert message in page
    assert 'role="alert"' in page
    assert not Assessment.objects.filter(owner=engineer).exists()


def test_it_keeps_the_choice_that_was_valid_when_the_other_is_missing(engineer_client):
    page = engineer_client.post(URL, {"role": "ai-lead"}).content.decode()
    assert 'value="ai-lead" checked' in page


def test_it_links_to_the_assessment_in_progress(engineer_client, engineer):
    assessment = AssessmentFactory(owner=engineer)
    page = engineer_client.get(URL).content.decode()
    assert "Continue where you stopped" in page
    assert reverse("assessments:resume", args=[assessment.pk]) in page


def test_it_does_not_link_to_someone_elses_assessment(engineer_client):
    other = AssessmentFactory()
    page = engineer_client.get(URL).content.decode()
    assert "Continue where you stopped" not in page
    assert reverse("assessments:resume", args=[other.pk]) not in page


def test_a_reassessment_offers_the_previous_role_and_mode(engineer_client, engineer):
    AssessmentFactory(owner=engineer, finished=True, quick=True, role=Role.objects.get(slug="ai-lead"))
    page = engineer_client.get(URL).content.decode()
    assert "Re-assess your skills" in page
    assert 'value="ai-lead" checked' in page
    assert 'value="quick" checked' in page


def test_a_reassessment_starts_with_the_previous_answers(engineer_client, engineer):
    previous = AssessmentFactory(owner=engineer, finished=True)
    item = Item.objects.get(slug="systems-thinking-failure-map")
    AnswerFactory(assessment=previous, item=item, choice=3)
    Evidence.objects.create(assessment=previous, competency=item.competency, text="Led the incident review")

    response = engineer_client.post(URL, {"role": "ai-architect", "mode": "full"}, follow=True)

    new = Assessment.objects.exclude(pk=previous.pk).get(owner=engineer)
    assert new.previous == previous
    assert Answer.objects.get(assessment=new, item=item).choice == 3
    page = response.content.decode()
    assert "1 answer from last time is filled in" in page
    # The copied answer is shown checked in the section it belongs to.
    assert response.redirect_chain[-1][0] == reverse("assessments:section", args=[new.pk, "systems-thinking"])
    assert 'name="item-systems-thinking-failure-map" value="3" checked' in page
    assert "Led the incident review" in page


@pytest.mark.parametrize(("before", "now"), [("quick", "full"), ("full", "quick")])
def test_a_new_mode_that_starts_blank_does_not_claim_answers_are_filled_in(engineer_client, engineer, before, now):
    previous = AssessmentFactory(owner=engineer, finished=True, quick=before == "quick")
    if before == "full":
        AnswerFactory(assessment=previous, item=Item.objects.get(slug="systems-thinking-failure-map"), choice=3)
    start = engineer_client.get(URL).content.decode()
    assert "Starts blank" in start
    response = engineer_client.post(URL, {"role": "ai-architect", "mode": now}, follow=True)
    assert "filled in" not in response.content.decode()
