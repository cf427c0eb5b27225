"""The results page as the engineer reads it: blind spots both ways and a tie in role fit, in words."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from assessments import content, services
from assessments.models import Competency, Item
from tests.browser.axe import assert_no_axe_violations
from tests.factories import PASSWORD, AnswerFactory, AssessmentFactory, RatingFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRAMEWORK = content.get_framework()
WIDTHS = [(1366, 900), (390, 844)]


@pytest.fixture
def engineer(framework_db):
    return UserFactory(email="sam@example.com", name="Sam Engineer")


@pytest.fixture
def signed_in(page, live_server, engineer):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill("sam@example.com")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    return page


def _answered(engineer, picks: dict[str, tuple[str, str]]):
    """A full questionnaire: for each competency, (behaviour, scenario) as "max" or "min", then finished."""
    assessment = AssessmentFactory(owner=engineer)
    for item in Item.objects.filter(competency__slug__in=picks).select_related("competency"):
        behaviour, scenario = picks[item.competency.slug]
        scores = [o["score"] for o in item.options]
        target = max(scores) if (behaviour if item.kind == "behaviour" else scenario) == "max" else min(scores)
        AnswerFactory(assessment=assessment, item=item, choice=scores.index(target))
    return services.assessment_finish(assessment=assessment)


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_untested_and_overrated_competencies_are_explained_in_words(signed_in, live_server, engineer, width, height):
    page = signed_in
    page.set_viewport_size({"width": width, "height": height})
    slugs = [c.slug for c in FRAMEWORK.competencies]
    picks = dict.fromkeys(slugs[:10], ("min", "max")) | dict.fromkeys(slugs[10:], ("max", "min"))
    assessment = _answered(engineer, picks)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/results/")

    untested = page.locator(".blind-spot-untested")
    expect(untested.get_by_role("heading", level=3)).to_have_text(
        "Untested: you know what good looks like, but you have not done it yet"
    )
    expect(untested.get_by_role("listitem")).to_have_count(10)
    expect(untested.get_by_text("Next step:").first).to_be_visible()
    overrated = page.locator(".blind-spot-overrated")
    expect(overrated.get_by_role("heading", level=3)).to_contain_text("Overrated")
    expect(overrated.get_by_role("listitem")).to_have_count(len(slugs) - 10)
    table = page.locator(".level-table")
    expect(table.locator(".badge-info", has_text="untested")).to_have_count(10)
    expect(table.locator(".badge-warn", has_text="overrated")).to_have_count(len(slugs) - 10)
    assert_no_axe_violations(page)

    # The role switch redraws the chart with htmx; the badges come with it.
    page.get_by_role("navigation", name="Compare with another role").get_by_role("link", name="AI Lead").click()
    expect(page).to_have_url(f"{live_server.url}/assessments/{assessment.pk}/results/?role=ai-lead")
    expect(page.locator(".readiness-panel")).to_contain_text("AI Lead")
    expect(page.locator(".level-table .badge-info", has_text="untested")).to_have_count(10)
    assert_no_axe_violations(page)


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_a_tie_in_role_fit_is_called_a_tie_with_what_would_decide_it(signed_in, live_server, engineer, width, height):
    page = signed_in
    page.set_viewport_size({"width": width, "height": height})
    a, b = FRAMEWORK.role_by_slug["ai-product-lead"], FRAMEWORK.role_by_slug["ai-product-manager"]
    assessment = AssessmentFactory(owner=engineer, role=None, quick=True)
    for competency in Competency.objects.all():
        level = round((a.requirements[competency.slug].level + b.requirements[competency.slug].level) / 2)
        RatingFactory(assessment=assessment, competency=competency, level=level)
    finished = services.assessment_finish(assessment=assessment)
    page.goto(f"{live_server.url}/assessments/{finished.pk}/results/")

    tie = page.get_by_role("note")
    expect(tie).to_contain_text("It is a tie between AI Product Lead and AI Product Manager")
    expect(tie).to_contain_text("within 0.05 of each other")
    expect(tie).to_contain_text("What would decide it:")
    expect(page.locator(".readiness-panel")).to_contain_text("first of the roles you fit about equally well")
    expect(page.locator(".fit-list > li")).to_have_count(5)
    assert_no_axe_violations(page)


def test_the_scenario_answers_open_in_place_and_have_a_page_of_their_own(signed_in, live_server, engineer, browser):
    page = signed_in
    slugs = [c.slug for c in FRAMEWORK.competencies]
    assessment = _answered(engineer, dict.fromkeys(slugs[:3], ("max", "min")))
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/results/")

    section = page.locator("section", has=page.get_by_role("heading", name="Your scenario answers"))
    expect(section.locator(".scenario-review")).to_have_count(0)  # fetched only when opened
    section.locator("summary").click()
    expect(section.locator(".scenario-review").first).to_contain_text("You chose:")
    expect(section.locator(".scenario-review")).to_have_count(
        Item.objects.filter(kind="scenario", competency__slug__in=slugs[:3]).count()
    )
    assert_no_axe_violations(page)

    # Without JavaScript the opened disclosure holds a link to the same list on a page of its own.
    context = browser.new_context(java_script_enabled=False)
    context.add_cookies(page.context.cookies())
    plain = context.new_page()
    plain.goto(f"{live_server.url}/assessments/{assessment.pk}/results/")
    plain.locator("summary", has_text="Show each scenario").click()
    plain.get_by_role("link", name="the strongest answer and why").click()
    expect(plain.get_by_role("heading", level=1)).to_have_text("Your scenario answers")
    expect(plain.locator(".scenario-review").first).to_contain_text("Strongest answer:")
    context.close()
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/results/scenarios/")
    assert_no_axe_violations(page)  # axe needs JavaScript
