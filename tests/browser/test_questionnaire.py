from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from assessments import content
from assessments.models import Answer, Assessment, Rating
from tests.browser.axe import assert_no_axe_violations
from tests.factories import PASSWORD, AssessmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRAMEWORK = content.get_framework()
SLUGS = [c.slug for c in FRAMEWORK.competencies]
TOTAL_ITEMS = sum(len(c.items) for c in FRAMEWORK.competencies)


@pytest.fixture
def engineer(framework_db):
    return UserFactory(email="sam@example.com", name="Sam Engineer")


def _sign_in(page, live_server, email: str = "sam@example.com") -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


@pytest.fixture
def signed_in(page, live_server, engineer):
    _sign_in(page, live_server)
    return page


def _answer(page, field: str, value: int) -> None:
    """Choose an option and wait until htmx reports it saved, as the person would see it."""
    page.locator(f'input[name="{field}"][value="{value}"]').check()
    expect(page.locator(f"#status-{field}")).to_have_text("Saved")


def _leave_and_come_back(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    page.get_by_role("link", name="Continue where you stopped").click()


def _finish(page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Review and finish")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Finish and see my results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Where you stand")
    assert_no_axe_violations(page)


def test_quick_self_rating_from_start_to_results_with_a_break(signed_in, live_server, engineer):
    page = signed_in
    page.get_by_role("link", name="Start your assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start your assessment")
    assert_no_axe_violations(page)
    page.locator('input[name="role"][value="ai-architect"]').check()
    page.locator('input[name="mode"][value="quick"]').check()
    page.get_by_role("button", name="Start").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Rate yourself on each competency")
    assert_no_axe_violations(page)
    half = len(SLUGS) // 2
    for i, slug in enumerate(SLUGS[:half]):
        _answer(page, f"rating-{slug}", i % 5)
    expect(page.locator("#progress-label")).to_have_text(f"{half} of {len(SLUGS)} answered")

    _leave_and_come_back(page)
    expect(page).to_have_url(re.compile(r"/quick/$"))
    for i, slug in enumerate(SLUGS[:half]):
        expect(page.locator(f'input[name="rating-{slug}"][value="{i % 5}"]')).to_be_checked()
    expect(page.locator('input[name^="rating-"]:checked')).to_have_count(half)

    for slug in SLUGS[half:]:
        _answer(page, f"rating-{slug}", 3)
    # Going back to change an earlier answer.
    _answer(page, f"rating-{SLUGS[0]}", 4)
    page.get_by_role("button", name="Save and review").click()
    expect(page.get_by_text(f"You have answered {len(SLUGS)} of {len(SLUGS)} competencies.")).to_be_visible()
    _finish(page)

    assessment = Assessment.objects.get(owner=engineer)
    assert assessment.is_finished
    assert assessment.result["levels"][SLUGS[0]] == 4.0
    assert Rating.objects.filter(assessment=assessment).count() == len(SLUGS)
    # Readiness is drawn as a gauge, with the words beside it.
    expect(page.get_by_role("img", name="Readiness gauge")).to_be_visible()
    expect(page.locator(".readiness")).to_contain_text("ready for AI Architect")


def test_full_questionnaire_from_start_to_results_with_a_break(signed_in, live_server, engineer):
    page = signed_in
    page.goto(live_server.url + "/assessments/start/")
    page.locator('input[name="role"][value="not-sure"]').check()
    page.locator('input[name="mode"][value="full"]').check()
    page.get_by_role("button", name="Start").click()

    first, second, later = FRAMEWORK.competencies[0], FRAMEWORK.competencies[1], FRAMEWORK.competencies[6]
    expect(page.get_by_role("heading", level=1)).to_have_text(first.name)
    assert_no_axe_violations(page)
    for item in first.items:
        _answer(page, f"item-{item.slug}", 2)
    page.get_by_role("button", name="Save and continue →").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(second.name)
    _answer(page, f"item-{second.items[0].slug}", 3)

    # Leave mid-way; resuming opens the first section that is not complete, answers still checked.
    _leave_and_come_back(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(second.name)
    expect(page.locator(f'input[name="item-{second.items[0].slug}"][value="3"]')).to_be_checked()
    expect(page.locator("#progress-label")).to_have_text(f"{len(first.items) + 1} of {TOTAL_ITEMS} answered")

    # Jump ahead through the section list, then back to change an answer in the first section.
    nav = page.get_by_role("navigation", name="Questionnaire sections")
    nav.get_by_role("link", name=re.compile(re.escape(later.name))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(later.name)
    _answer(page, f"item-{later.items[0].slug}", 1)
    page.get_by_role("navigation", name="Questionnaire sections").get_by_role(
        "link", name=re.compile(re.escape(first.name))
    ).click()
    expect(page.locator(f'input[name="item-{first.items[0].slug}"][value="2"]')).to_be_checked()
    _answer(page, f"item-{first.items[0].slug}", 4)

    page.get_by_role("link", name="Review and finish").click()
    expect(page.get_by_text(f"You have answered {len(first.items) + 2} of {TOTAL_ITEMS} questions.")).to_be_visible()
    _finish(page)

    assessment = Assessment.objects.get(owner=engineer)
    saved = dict(Answer.objects.filter(assessment=assessment).values_list("item__slug", "choice"))
    assert saved[first.items[0].slug] == 4
    assert saved[second.items[0].slug] == 3
    assert saved[later.items[0].slug] == 1
    expect(page.get_by_text("your best fit of the five roles")).to_be_visible()
    expect(page.get_by_role("heading", name="Still unanswered")).to_be_visible()


def test_an_answer_is_saved_with_htmx_without_a_page_load(signed_in, live_server, engineer):
    page = signed_in
    assessment = AssessmentFactory(owner=engineer)
    comp = FRAMEWORK.competencies[2]
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/section/{comp.slug}/")
    expect(page.locator("#progress-label")).to_have_text(f"0 of {TOTAL_ITEMS} answered")
    # A page load would wipe this marker.
    page.evaluate("window.stillTheSamePage = true")

    field = f"item-{comp.items[0].slug}"
    page.locator(f'input[name="{field}"][value="1"]').check()

    expect(page.locator(f"#status-{field}")).to_have_text("Saved")
    expect(page.locator("#progress-label")).to_have_text(f"1 of {TOTAL_ITEMS} answered")
    expect(page.locator(f"#count-{comp.slug}")).to_contain_text(f"1/{len(comp.items)}")
    assert page.evaluate("window.stillTheSamePage") is True
    assert Answer.objects.get(assessment=assessment).choice == 1


def test_a_refused_answer_shows_the_message_in_place(signed_in, live_server, engineer):
    page = signed_in
    assessment = AssessmentFactory(owner=engineer, quick=True)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/quick/")
    page.evaluate("window.stillTheSamePage = true")
    # Finished in another tab meanwhile: this tab's next answer cannot be saved.
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.FINISHED)
    page.locator(f'input[name="rating-{SLUGS[0]}"][value="2"]').check()
    expect(page.locator(f"#status-rating-{SLUGS[0]}")).to_contain_text("This assessment is finished")
    assert page.evaluate("window.stillTheSamePage") is True
    assert not Rating.objects.exists()


def test_the_questionnaire_works_without_javascript(browser, live_server, engineer):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        _sign_in(page, live_server)
        page.goto(live_server.url + "/assessments/start/")
        page.locator('input[name="role"][value="ai-lead"]').check()
        page.locator('input[name="mode"][value="full"]').check()
        page.get_by_role("button", name="Start").click()

        first = FRAMEWORK.competencies[0]
        for item in first.items:
            page.locator(f'input[name="item-{item.slug}"][value="3"]').check()
        page.get_by_role("button", name="Save and continue →").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(FRAMEWORK.competencies[1].name)
        expect(page.get_by_text("Your answers are saved.")).to_be_visible()

        page.get_by_role("button", name="← Previous section").click()
        for item in first.items:
            expect(page.locator(f'input[name="item-{item.slug}"][value="3"]')).to_be_checked()

        page.get_by_role("link", name="Review and finish").click()
        page.get_by_role("button", name="Finish and see my results").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Where you stand")
    finally:
        context.close()
    assert Answer.objects.filter(assessment__owner=engineer, choice=3).count() == len(first.items)


def test_results_print_without_the_controls(signed_in, live_server, engineer):
    page = signed_in
    assessment = AssessmentFactory(owner=engineer, finished=True)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/results/")
    switch = page.get_by_role("navigation", name="Compare with another role")
    expect(switch).to_be_visible()
    page.emulate_media(media="print")
    expect(switch).to_be_hidden()
    expect(page.get_by_role("link", name="Re-assess")).to_be_hidden()
    expect(page.get_by_role("heading", name="Your level against what the role asks")).to_be_visible()
