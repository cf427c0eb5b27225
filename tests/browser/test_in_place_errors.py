"""A bad value typed into each form with an htmx preview or an in-place save: the message shows beside the
field and the page stays whole (its navigation, its form and what was typed).

DEBUG is on here, as on a developer's machine, where django-htmx's script used to swap a 400 answer in
for the whole document; the same must hold with it off, which every other browser test covers.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations
from tests.browser.test_roadmap import MARK, STILL_HERE, _sign_in
from tests.factories import UserFactory
from tests.roadmaps.factories import finished_assessment, roadmap_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True


@pytest.fixture
def engineer(framework_db):
    return UserFactory(name="Robin Roadmap")


def _no_script_page(browser):
    # axe needs JavaScript, so these pages are checked by the tests above, with it on, in the same states.
    page = browser.new_context(java_script_enabled=False).new_page()
    page.set_default_timeout(10_000)
    return page


def _page_is_whole(page, heading: str) -> None:
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert page.evaluate(STILL_HERE) == "still here", "the page was replaced or reloaded"


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize(
    ("typed", "message"),
    [("0", "Give at least 1 hour a week."), ("41", "40 hours a week is the most"), ("", "Enter the hours")],
)
def test_bad_hours_on_a_new_roadmap_are_reported_beside_the_field(live_server, page, engineer, typed, message, width):
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
    assessment = finished_assessment(engineer)
    _sign_in(page, live_server, engineer)
    page.goto(f"{live_server.url}/roadmap/new/?assessment={assessment.pk}")
    page.evaluate(MARK)
    hours = page.get_by_label("Hours a week you can give")
    hours.fill(typed)

    expect(page.locator("#id_hours_per_week_error")).to_contain_text(message)
    _page_is_whole(page, "Create your roadmap")
    expect(hours).to_have_value(typed)
    expect(hours).to_be_focused()  # the field stays where the person is typing
    assert_no_axe_violations(page)

    hours.fill("8")
    expect(page.locator("#id_hours_per_week_error")).to_be_empty()
    expect(page.locator("#preview")).to_contain_text("8 h a week")


def test_bad_months_in_a_replan_preview_are_reported_beside_the_field(live_server, page, engineer):
    roadmap = roadmap_for(engineer)
    _sign_in(page, live_server, engineer)
    page.goto(f"{live_server.url}/roadmap/{roadmap.pk}/replan/")
    page.evaluate(MARK)
    page.get_by_label("Over how many months").fill("13")
    expect(page.locator("#id_months_error")).to_contain_text("A plan covers at most 12 months")
    _page_is_whole(page, "Re-plan your roadmap")


@pytest.mark.parametrize("width", [1366, 390])
def test_a_bad_evidence_link_is_reported_beside_the_field_on_its_card(live_server, page, engineer, width):
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
    roadmap = roadmap_for(engineer)
    item = roadmap.items.order_by("month", "position").first()
    _sign_in(page, live_server, engineer)
    page.goto(f"{live_server.url}/roadmap/{roadmap.pk}/")
    page.evaluate(MARK)
    card = page.locator(f"#item-{item.pk}")
    card.get_by_text("Notes, evidence and month").click()
    link = card.get_by_label("Add an evidence link")
    link.fill("javascript:alert(1)")
    card.get_by_role("button", name="Add link").click()

    expect(page.locator(f"#link-{item.pk}-error")).to_contain_text("Not added: enter a full web address")
    _page_is_whole(page, "Your roadmap")
    expect(card.get_by_label("Add an evidence link")).to_have_value("javascript:alert(1)")
    assert not item.links.exists()
    assert_no_axe_violations(page)


def test_without_javascript_a_bad_link_shows_the_editor_with_the_message(live_server, browser, engineer):
    page = _no_script_page(browser)
    roadmap = roadmap_for(engineer)
    item = roadmap.items.order_by("month", "position").first()
    _sign_in(page, live_server, engineer)
    page.goto(f"{live_server.url}/roadmap/{roadmap.pk}/items/{item.pk}/edit/")
    page.get_by_label("Add an evidence link").fill("javascript:alert(1)")
    page.get_by_role("button", name="Add link").click()
    expect(page.locator(f"#link-{item.pk}-error")).to_contain_text("Not added")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_label("Add an evidence link")).to_have_value("javascript:alert(1)")


def test_without_javascript_bad_hours_show_the_page_with_the_message_beside_the_field(live_server, browser, engineer):
    page = _no_script_page(browser)
    assessment = finished_assessment(engineer)
    _sign_in(page, live_server, engineer)
    page.goto(f"{live_server.url}/roadmap/new/?assessment={assessment.pk}")
    page.get_by_label("Hours a week you can give").fill("41")
    page.get_by_role("button", name="Update preview").click()
    expect(page.locator("#id_hours_per_week_error")).to_contain_text("40 hours a week")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your roadmap")
