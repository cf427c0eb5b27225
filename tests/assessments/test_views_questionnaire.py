from __future__ import annotations

import datetime
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from assessments import content
from assessments.models import Answer, Assessment, Competency, Evidence, FrameworkVersion, Item, Rating
from tests.assessments.conftest import htmx
from tests.factories import AnswerFactory, AssessmentFactory, RatingFactory

TOTAL_ITEMS = sum(len(c.items) for c in content.get_framework().competencies)
SLUGS = [c.slug for c in content.get_framework().competencies]


def section_url(assessment: Assessment, slug: str) -> str:
    return reverse("assessments:section", args=[assessment.pk, slug])


def quick_url(assessment: Assessment) -> str:
    return reverse("assessments:quick", args=[assessment.pk])


def items_of(slug: str) -> list[Item]:
    return list(Item.objects.filter(competency__slug=slug, retired=False).order_by("position"))


@pytest.fixture
def full(engineer):
    return AssessmentFactory(owner=engineer)


@pytest.fixture
def quick(engineer):
    return AssessmentFactory(owner=engineer, quick=True)


# --- resume -----------------------------------------------------------------------------------------


def test_resume_opens_the_first_section_not_yet_complete(engineer_client, full):
    for item in items_of(SLUGS[0]):
        AnswerFactory(assessment=full, item=item, choice=2)
    AnswerFactory(assessment=full, item=items_of(SLUGS[1])[0])
    response = engineer_client.get(reverse("assessments:resume", args=[full.pk]))
    assert response.url == section_url(full, SLUGS[1])


def test_resume_of_a_quick_self_rating_opens_the_quick_page(engineer_client, quick):
    assert engineer_client.get(reverse("assessments:resume", args=[quick.pk])).url == quick_url(quick)


def test_resume_of_a_finished_assessment_shows_its_results(engineer_client, engineer):
    done = AssessmentFactory(owner=engineer, finished=True)
    assert engineer_client.get(reverse("assessments:resume", args=[done.pk])).url == reverse(
        "assessments:results", args=[done.pk]
    )


# --- the section page, as a full page ---------------------------------------------------------------


def test_section_shows_one_competency_with_its_questions(engineer_client, full):
    response = engineer_client.get(section_url(full, "mentoring"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page
    assert Competency.objects.get(slug="mentoring").name in page
    for item in items_of("mentoring"):
        assert f'name="item-{item.slug}"' in page
    # Only this section's questions, not the next one's.
    assert 'name="item-systems-thinking-' not in page
    assert 'name="evidence-mentoring"' in page


def test_section_links_to_every_section_so_the_engineer_can_jump(engineer_client, full):
    page = engineer_client.get(section_url(full, SLUGS[5])).content.decode()
    for slug in SLUGS:
        assert f'href="{section_url(full, slug)}"' in page
    assert f'href="{section_url(full, SLUGS[5])}" aria-current="step"' in page
    assert f"Section 6 of {len(SLUGS)}" in page


def test_section_shows_saved_answers_checked_and_saved_evidence(engineer_client, full):
    item = items_of("mentoring")[1]
    AnswerFactory(assessment=full, item=item, choice=3)
    Evidence.objects.create(assessment=full, competency=item.competency, text="Mentored two engineers")
    page = engineer_client.get(section_url(full, "mentoring")).content.decode()
    assert f'name="item-{item.slug}" value="3" checked' in page
    assert page.count(" checked") == 1
    assert "Mentored two engineers" in page
    assert f"1 of {TOTAL_ITEMS} answered" in page


def test_section_keeps_required_levels_and_best_answers_hidden_while_answering(engineer_client, full):
    # Showing what the role asks for (or which scenario answer is best) would steer the answers.
    page = engineer_client.get(section_url(full, "mentoring")).content.decode()
    requirement = full.role.requirements.get(competency__slug="mentoring")
    assert requirement.why
    assert requirement.why not in page
    assert "Required" not in page
    for item in items_of("mentoring"):
        if item.explanation:
            assert item.explanation not in page


def test_an_unknown_section_is_404(engineer_client, full):
    assert engineer_client.get(section_url(full, "juggling")).status_code == 404


def test_a_section_of_a_quick_self_rating_leads_to_the_quick_page(engineer_client, quick):
    assert engineer_client.get(section_url(quick, "mentoring")).url == quick_url(quick)


def test_a_section_of_a_finished_assessment_leads_to_its_results(engineer_client, engineer):
    done = AssessmentFactory(owner=engineer, finished=True)
    assert engineer_client.get(section_url(done, "mentoring")).url == reverse("assessments:results", args=[done.pk])


def test_an_htmx_get_of_a_section_gets_the_whole_page(engineer_client, full):
    # Section links are plain links that push a URL; any request for it must render a full page.
    response = engineer_client.get(section_url(full, "mentoring"), headers=htmx())
    assert "<html" in response.content.decode()


# --- saving as you go with htmx ---------------------------------------------------------------------


def test_an_htmx_answer_is_saved_and_answered_with_saved_and_the_progress(engineer_client, full):
    item = items_of("mentoring")[0]
    field = f"item-{item.slug}"
    response = engineer_client.post(section_url(full, "mentoring"), {field: "2"}, headers=htmx(field))
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert f'id="status-{field}"' in fragment
    assert "Saved" in fragment
    assert '<div id="progress" class="progress-block" hx-swap-oob="true">' in fragment
    assert f"1 of {TOTAL_ITEMS} answered" in fragment
    # The section's count in the side navigation is refreshed too.
    assert 'id="count-mentoring" hx-swap-oob="true"' in fragment
    assert f"1/{len(items_of('mentoring'))}" in fragment
    assert Answer.objects.get(assessment=full, item=item).choice == 2


# session, user, assessment, the framework version, answers, and the answer written while the assessment is
# in progress, in one statement: never the evidence texts or the ratings, which the answer does not show.
AUTOSAVE_QUERIES = 6


def test_an_htmx_answer_reads_neither_the_evidence_nor_the_ratings(engineer_client, full, django_assert_num_queries):
    first, second = items_of("mentoring")[:2]
    url = section_url(full, "mentoring")
    engineer_client.get(url)  # this process reads the competencies and items once
    with django_assert_num_queries(AUTOSAVE_QUERIES) as captured:
        engineer_client.post(url, {f"item-{first.slug}": "1"}, headers=htmx(f"item-{first.slug}"))
    assert not [q for q in captured.captured_queries if "evidence" in q["sql"] or "rating" in q["sql"]]
    for comp in Competency.objects.all():
        Evidence.objects.create(assessment=full, competency=comp, text="example")
    with django_assert_num_queries(AUTOSAVE_QUERIES):
        engineer_client.post(url, {f"item-{second.slug}": "2"}, headers=htmx(f"item-{second.slug}"))


def test_the_side_navigation_links_every_section_with_its_count(engineer_client, full):
    AnswerFactory(assessment=full, item=items_of("mentoring")[0])
    page = engineer_client.get(section_url(full, "mentoring")).content.decode()
    for slug in SLUGS:
        assert f'<a href="{section_url(full, slug)}"' in page
    mentoring = re.search(r'<a href="[^"]*/mentoring/" aria-current="step"[^>]*>(.*?)</a>', page, re.S)
    assert mentoring
    assert f"answered </span>1/{len(items_of('mentoring'))}</span>" in mentoring.group(1)
    assert page.count('aria-current="step"') == 1


def test_an_htmx_post_saves_only_the_field_that_changed(engineer_client, full):
    # The whole form is sent with each change; saving the other fields too would let a stale
    # tab overwrite answers given in another one.
    first, second = items_of("mentoring")[:2]
    AnswerFactory(assessment=full, item=second, choice=4)
    field = f"item-{first.slug}"
    engineer_client.post(
        section_url(full, "mentoring"),
        {field: "1", f"item-{second.slug}": "0", "evidence-mentoring": "stale"},
        headers=htmx(field),
    )
    assert Answer.objects.get(assessment=full, item=first).choice == 1
    assert Answer.objects.get(assessment=full, item=second).choice == 4
    assert not Evidence.objects.filter(assessment=full).exists()


def test_going_back_and_changing_an_answer_replaces_it(engineer_client, full):
    item = items_of(SLUGS[0])[0]
    AnswerFactory(assessment=full, item=item, choice=0)
    field = f"item-{item.slug}"
    engineer_client.post(section_url(full, SLUGS[0]), {field: "4"}, headers=htmx(field))
    assert list(Answer.objects.filter(assessment=full).values_list("item__slug", "choice")) == [(item.slug, 4)]
    page = engineer_client.get(section_url(full, SLUGS[0])).content.decode()
    assert f'name="{field}" value="4" checked' in page


def test_evidence_is_saved_as_you_type_and_cleared_when_emptied(engineer_client, full):
    url = section_url(full, "mentoring")
    response = engineer_client.post(
        url, {"evidence-mentoring": "  Ran design reviews  "}, headers=htmx("evidence-mentoring")
    )
    assert response.status_code == 200
    assert Evidence.objects.get(assessment=full).text == "Ran design reviews"
    engineer_client.post(url, {"evidence-mentoring": ""}, headers=htmx("evidence-mentoring"))
    assert not Evidence.objects.filter(assessment=full).exists()


def test_too_long_evidence_is_refused_in_place(engineer_client, full):
    response = engineer_client.post(
        section_url(full, "mentoring"), {"evidence-mentoring": "x" * 2001}, headers=htmx("evidence-mentoring")
    )
    assert response.status_code == 422
    assert "Keep evidence under 2000 characters" in response.content.decode()
    assert not Evidence.objects.filter(assessment=full).exists()


def test_two_tabs_saving_different_answers_at_once_lose_neither(engineer, full):
    tab_a, tab_b = Client(), Client()
    tab_a.force_login(engineer)
    tab_b.force_login(engineer)
    first, second = items_of("mentoring")[:2]
    AnswerFactory(assessment=full, item=first, choice=0)
    url = section_url(full, "mentoring")
    # Both tabs loaded the page with the first question at option 0. Each form sends all it shows,
    # so tab B's post still carries that stale 0 for the question tab A has just changed.
    a = tab_a.post(url, {f"item-{first.slug}": "3", "evidence-mentoring": ""}, headers=htmx(f"item-{first.slug}"))
    b = tab_b.post(
        url,
        {f"item-{first.slug}": "0", f"item-{second.slug}": "1", "evidence-mentoring": ""},
        headers=htmx(f"item-{second.slug}"),
    )
    assert a.status_code == b.status_code == 200
    saved = dict(Answer.objects.filter(assessment=full).values_list("item__slug", "choice"))
    assert saved == {first.slug: 3, second.slug: 1}
    assert f"2 of {TOTAL_ITEMS} answered" in b.content.decode()


# --- bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [("5", "Choose one of the options given."), ("-1", "Choose one of the options given."), ("a lot", "Choose one")],
)
def test_a_value_outside_the_options_is_refused_in_place(engineer_client, full, value, message):
    item = items_of("mentoring")[0]
    field = f"item-{item.slug}"
    response = engineer_client.post(section_url(full, "mentoring"), {field: value}, headers=htmx(field))
    assert response.status_code == 422
    fragment = response.content.decode()
    assert "<html" not in fragment
    # The message replaces the field's status line, next to the question.
    assert f'id="status-{field}" role="status" hx-swap-oob="true">{message}' in fragment
    assert "Saved" not in fragment
    assert not Answer.objects.filter(assessment=full).exists()


def test_a_scenario_answer_past_its_last_option_is_refused(engineer_client, full):
    scenario = next(i for i in items_of("mentoring") if i.kind == "scenario")
    field = f"item-{scenario.slug}"
    response = engineer_client.post(
        section_url(full, "mentoring"), {field: str(len(scenario.options))}, headers=htmx(field)
    )
    assert response.status_code == 422
    assert not Answer.objects.filter(assessment=full).exists()


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("item-no-such-question", "That question is not part of this page."),
        # A real question, but from another section than the page it was posted to.
        ("item-systems-thinking-failure-map", "That question is not part of this page."),
        ("rating-no-such-competency", "That competency is not part of this page."),
        ("", "That competency is not part of this page."),
    ],
)
def test_an_unknown_question_is_refused_in_place(engineer_client, full, field, message):
    response = engineer_client.post(section_url(full, "mentoring"), {field: "1"}, headers=htmx(field))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Answer.objects.filter(assessment=full).exists()
    assert not Rating.objects.filter(assessment=full).exists()


def test_a_plain_post_with_a_bad_value_shows_the_page_with_the_message_and_keeps_the_good_answers(
    engineer_client, full
):
    good, bad = items_of("mentoring")[:2]
    response = engineer_client.post(
        section_url(full, "mentoring"), {f"item-{good.slug}": "2", f"item-{bad.slug}": "9", "go": "next"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "<html" in page
    assert "Some answers were not saved" in page
    assert f'id="status-item-{bad.slug}" role="status">Choose one of the options given.' in page
    assert f'name="item-{good.slug}" value="2" checked' in page
    assert dict(Answer.objects.filter(assessment=full).values_list("item__slug", "choice")) == {good.slug: 2}


def test_a_tampered_assessment_id_is_404(engineer_client, full):
    missing = full.pk + 1000
    field = f"item-{items_of('mentoring')[0].slug}"
    assert engineer_client.get(reverse("assessments:section", args=[missing, "mentoring"])).status_code == 404
    response = engineer_client.post(
        reverse("assessments:section", args=[missing, "mentoring"]), {field: "1"}, headers=htmx(field)
    )
    assert response.status_code == 404
    assert (
        engineer_client.post(reverse("assessments:quick", args=[missing]), {"rating-mentoring": "1"}).status_code == 404
    )
    assert not Answer.objects.exists()


def test_it_checks_owner(engineer_client):
    theirs = AssessmentFactory()
    theirs_quick = AssessmentFactory(quick=True)
    field = f"item-{items_of('mentoring')[0].slug}"
    urls = [
        reverse("assessments:resume", args=[theirs.pk]),
        section_url(theirs, "mentoring"),
        quick_url(theirs_quick),
        reverse("assessments:review", args=[theirs.pk]),
    ]
    for url in urls:
        # 404, never 403: a 403 would confirm that the assessment exists.
        assert engineer_client.get(url).status_code == 404, url
        assert engineer_client.get(url, headers=htmx()).status_code == 404, url
    assert engineer_client.post(section_url(theirs, "mentoring"), {field: "1"}, headers=htmx(field)).status_code == 404
    assert engineer_client.post(section_url(theirs, "mentoring"), {field: "1", "go": "next"}).status_code == 404
    assert (
        engineer_client.post(quick_url(theirs_quick), {"rating-mentoring": "1"}, headers=htmx("rating-mentoring"))
    ).status_code == 404
    assert not Answer.objects.exists()
    assert not Rating.objects.exists()


def test_an_htmx_post_to_a_finished_assessment_is_refused_in_place(engineer_client, engineer):
    done = AssessmentFactory(owner=engineer, finished=True)
    field = f"item-{items_of('mentoring')[0].slug}"
    response = engineer_client.post(section_url(done, "mentoring"), {field: "1"}, headers=htmx(field))
    assert response.status_code == 422
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert "This assessment is finished, so its answers can no longer change." in fragment
    assert not Answer.objects.filter(assessment=done).exists()


def test_a_plain_post_to_a_finished_assessment_leads_to_its_results_with_the_message(engineer_client, engineer):
    done = AssessmentFactory(owner=engineer, finished=True, quick=True)
    response = engineer_client.post(quick_url(done), {"rating-mentoring": "3", "go": "review"}, follow=True)
    assert response.redirect_chain == [(reverse("assessments:results", args=[done.pk]), 302)]
    assert "This assessment is finished, so its answers can no longer change." in response.content.decode()
    assert not Rating.objects.filter(assessment=done).exists()


# --- without JavaScript: plain posts, one section at a time, Post/Redirect/Get ----------------------


def test_a_plain_post_saves_the_section_and_goes_to_the_next(engineer_client, full):
    items = items_of(SLUGS[0])
    data = {f"item-{item.slug}": "3" for item in items} | {f"evidence-{SLUGS[0]}": "An example", "go": "next"}
    response = engineer_client.post(section_url(full, SLUGS[0]), data)
    assert response.status_code == 302
    assert response.url == section_url(full, SLUGS[1])
    assert Answer.objects.filter(assessment=full, choice=3).count() == len(items)
    assert Evidence.objects.get(assessment=full).text == "An example"
    assert "Your answers are saved." in engineer_client.get(response.url).content.decode()


def test_a_plain_post_can_go_back_to_the_previous_section(engineer_client, full):
    item = items_of(SLUGS[1])[0]
    response = engineer_client.post(section_url(full, SLUGS[1]), {f"item-{item.slug}": "1", "go": "prev"})
    assert response.url == section_url(full, SLUGS[0])
    assert Answer.objects.get(assessment=full, item=item).choice == 1


def test_a_plain_post_of_the_last_section_goes_to_the_review(engineer_client, full):
    page = engineer_client.get(section_url(full, SLUGS[-1])).content.decode()
    assert 'value="next"' not in page
    response = engineer_client.post(section_url(full, SLUGS[-1]), {"go": "review"})
    assert response.url == reverse("assessments:review", args=[full.pk])


# --- the quick self-rating ----------------------------------------------------------------------------


def test_quick_page_rates_every_competency_against_its_level_descriptions(engineer_client, quick):
    response = engineer_client.get(quick_url(quick))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page
    for comp in content.get_framework().competencies:
        assert page.count(f'name="rating-{comp.slug}"') == 5
        for description in comp.levels:
            assert escape(description) in page
    assert "item-" not in page
    assert f"0 of {len(SLUGS)} answered" in page


def test_quick_page_keeps_required_levels_hidden_while_answering(engineer_client, quick):
    page = engineer_client.get(quick_url(quick)).content.decode()
    assert "Required" not in page
    for requirement in quick.role.requirements.exclude(why=""):
        assert requirement.why not in page


def test_quick_page_shows_saved_ratings_checked(engineer_client, quick):
    RatingFactory(assessment=quick, competency=Competency.objects.get(slug="mentoring"), level=2)
    page = engineer_client.get(quick_url(quick)).content.decode()
    assert 'name="rating-mentoring" value="2" checked' in page
    assert f"1 of {len(SLUGS)} answered" in page


def test_an_htmx_rating_is_saved_and_answered_with_saved_and_the_progress(engineer_client, quick):
    response = engineer_client.post(quick_url(quick), {"rating-mentoring": "4"}, headers=htmx("rating-mentoring"))
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert 'id="status-rating-mentoring"' in fragment
    assert "Saved" in fragment
    assert f"1 of {len(SLUGS)} answered" in fragment
    assert Rating.objects.get(assessment=quick).level == 4


@pytest.mark.parametrize("value", ["5", "-1", "high"])
def test_a_rating_outside_0_to_4_is_refused_in_place(engineer_client, quick, value):
    response = engineer_client.post(quick_url(quick), {"rating-mentoring": value}, headers=htmx("rating-mentoring"))
    assert response.status_code == 422
    assert "Choose a level from 0 to 4." in response.content.decode()
    assert not Rating.objects.exists()


def test_quick_page_refuses_questions_of_the_full_questionnaire(engineer_client, quick):
    # Item answers are not on the quick page; saved anyway they would outrank the ratings in the score.
    field = f"item-{items_of('mentoring')[0].slug}"
    response = engineer_client.post(quick_url(quick), {field: "4"}, headers=htmx(field))
    assert response.status_code == 422
    assert "That question is not part of this page." in response.content.decode()
    assert not Answer.objects.exists()


def test_section_page_refuses_quick_ratings(engineer_client, full):
    response = engineer_client.post(
        section_url(full, "mentoring"), {"rating-mentoring": "4"}, headers=htmx("rating-mentoring")
    )
    assert response.status_code == 422
    assert "That field is not part of this page." in response.content.decode()
    assert not Rating.objects.exists()


def test_a_plain_post_of_the_quick_page_saves_every_rating_and_goes_to_the_review(engineer_client, quick):
    data = {f"rating-{slug}": str(i % 5) for i, slug in enumerate(SLUGS)} | {"go": "review"}
    response = engineer_client.post(quick_url(quick), data)
    assert response.url == reverse("assessments:review", args=[quick.pk])
    assert Rating.objects.filter(assessment=quick).count() == len(SLUGS)
    assert Rating.objects.get(assessment=quick, competency__slug=SLUGS[3]).level == 3


def test_the_quick_page_of_a_full_questionnaire_leads_back_to_it(engineer_client, full):
    assert engineer_client.get(quick_url(full)).url == reverse("assessments:resume", args=[full.pk])


# --- review -------------------------------------------------------------------------------------------


def test_review_shows_what_is_answered_per_section(engineer_client, full):
    for item in items_of("mentoring"):
        AnswerFactory(assessment=full, item=item)
    response = engineer_client.get(reverse("assessments:review", args=[full.pk]))
    page = response.content.decode()
    n = len(items_of("mentoring"))
    assert f"You have answered {n} of {TOTAL_ITEMS} questions." in page
    assert f"{n} of {n}" in page
    assert 'action="{}"'.format(reverse("assessments:finish", args=[full.pk])) in page


def test_review_of_a_quick_self_rating_shows_the_levels_given(engineer_client, quick):
    RatingFactory(assessment=quick, competency=Competency.objects.get(slug="mentoring"), level=3)
    page = engineer_client.get(reverse("assessments:review", args=[quick.pk])).content.decode()
    assert f"You have answered 1 of {len(SLUGS)} competencies." in page
    assert "level 3" in page
    assert page.count("not rated") == len(SLUGS) - 1


def test_an_htmx_get_of_the_review_gets_the_whole_page(engineer_client, full):
    assert (
        "<html" in engineer_client.get(reverse("assessments:review", args=[full.pk]), headers=htmx()).content.decode()
    )


def test_review_of_a_finished_assessment_leads_to_its_results(engineer_client, engineer):
    done = AssessmentFactory(owner=engineer, finished=True)
    assert engineer_client.get(reverse("assessments:review", args=[done.pk])).url == reverse(
        "assessments:results", args=[done.pk]
    )


# --- query budgets: the same number of queries with one answer and with every answer --------------

# session, user (with the header's counts), assessment, the framework version (is this process's copy of
# the competencies and items current?), answers, ratings, evidence
QUESTIONNAIRE_QUERIES = 7
# A section of the full questionnaire shows no ratings, so it does not read them.
SECTION_QUERIES = QUESTIONNAIRE_QUERIES - 1


def test_section_query_budget_does_not_grow_with_the_answers(engineer_client, full, django_assert_num_queries):
    url = section_url(full, "mentoring")
    AnswerFactory(assessment=full, item=items_of("mentoring")[0])
    engineer_client.get(url)  # this process reads the competencies and items once
    with django_assert_num_queries(SECTION_QUERIES):
        assert engineer_client.get(url).status_code == 200
    for item in Item.objects.exclude(answers__assessment=full):
        AnswerFactory(assessment=full, item=item, choice=1)
    for comp in Competency.objects.all():
        Evidence.objects.create(assessment=full, competency=comp, text="example")
    with django_assert_num_queries(SECTION_QUERIES):
        assert engineer_client.get(url).status_code == 200


def test_quick_query_budget_does_not_grow_with_the_answers(engineer_client, quick, django_assert_num_queries):
    RatingFactory(assessment=quick, competency=Competency.objects.first(), level=1)
    engineer_client.get(quick_url(quick))  # this process reads the competencies and items once
    with django_assert_num_queries(QUESTIONNAIRE_QUERIES):
        assert engineer_client.get(quick_url(quick)).status_code == 200
    for comp in Competency.objects.exclude(pk=Competency.objects.first().pk):
        RatingFactory(assessment=quick, competency=comp, level=3)
    with django_assert_num_queries(QUESTIONNAIRE_QUERIES):
        assert engineer_client.get(quick_url(quick)).status_code == 200


def test_review_query_budget_does_not_grow_with_the_answers(engineer_client, full, django_assert_num_queries):
    url = reverse("assessments:review", args=[full.pk])
    AnswerFactory(assessment=full, item=Item.objects.first())
    engineer_client.get(url)  # this process reads the competencies and items once
    with django_assert_num_queries(QUESTIONNAIRE_QUERIES):
        engineer_client.get(url)
    for item in Item.objects.exclude(answers__assessment=full):
        AnswerFactory(assessment=full, item=item, choice=1)
    with django_assert_num_queries(QUESTIONNAIRE_QUERIES):
        engineer_client.get(url)


def test_the_competencies_and_items_are_read_once_and_again_after_each_framework_load(
    engineer_client, full, django_assert_num_queries
):
    url = section_url(full, "mentoring")
    item = items_of("mentoring")[0]
    assert escape(item.prompt) in engineer_client.get(url).content.decode()
    with django_assert_num_queries(SECTION_QUERIES):
        engineer_client.get(url)

    # Another process loads a changed framework: it moves loaded_at, and this one reads again.
    Item.objects.filter(pk=item.pk).update(prompt="A question worded anew in a later framework load")
    assert "worded anew" not in engineer_client.get(url).content.decode()
    version = FrameworkVersion.objects.get()
    FrameworkVersion.objects.filter(pk=version.pk).update(loaded_at=version.loaded_at + datetime.timedelta(seconds=1))
    with django_assert_num_queries(SECTION_QUERIES + 2):  # competencies and their items
        assert "worded anew" in engineer_client.get(url).content.decode()


def test_loading_the_framework_again_marks_it_loaded_even_when_nothing_changed(framework_db):
    before = FrameworkVersion.objects.get().loaded_at
    call_command("load_framework", verbosity=0)
    assert FrameworkVersion.objects.get().loaded_at > before
