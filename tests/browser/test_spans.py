"""A roadmap action that runs over several months, as a person tracks it: with and without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from roadmaps.models import RoadmapItem
from tests.browser.axe import assert_no_axe_violations
from tests.browser.test_roadmap import MARK, STILL_HERE, _sign_in
from tests.factories import UserFactory
from tests.roadmaps.factories import roadmap_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MENTORING = "mentor-one-engineer-deliberately"  # months 3 to 5 at 5 h a week from nothing


@pytest.fixture
def engineer(framework_db):
    return UserFactory(name="Sasha Span")


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)])
def test_a_spanning_item_is_shown_across_its_months_and_ticked_off_once(live_server, page, engineer, width, height):
    page.set_viewport_size({"width": width, "height": height})
    roadmap = roadmap_for(engineer)
    item = roadmap.items.get(action_slug=MENTORING)
    _sign_in(page, live_server, engineer)
    page.goto(f"{live_server.url}/roadmap/{roadmap.pk}/")
    card = page.locator(f"#month-3 #item-{item.pk}")
    expect(card).to_contain_text(f"{item.hours} h over 3 months")
    expect(page.locator("#month-4 .continuing").filter(has_text=item.title)).to_contain_text(
        f"{item.title} · continues: month 2 of 3"
    )
    expect(page.locator("#month-5 .continuing").filter(has_text=item.title)).to_contain_text("month 3 of 3")
    expect(page.locator("#roadmap-projection")).to_contain_text("Done as planned")
    expect(page.get_by_role("img", name="The plan at a glance", exact=False)).to_be_visible()
    expect(page.locator(".timeline-span-label").filter(has_text="Mentor one engineer")).to_have_count(1)
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= max(width, 390)
    page.evaluate(MARK)

    card.get_by_role("button", name="Done", exact=True).click()
    expect(card.get_by_role("status")).to_have_text("Saved")
    for number in (3, 4, 5):
        expect(page.locator(f"#month-progress-{number}")).to_contain_text("1 of")
    assert page.evaluate(STILL_HERE) == "still here", "no page load happened"
    item.refresh_from_db()
    assert item.status == RoadmapItem.Status.DONE


def test_a_spanning_item_moves_whole_and_survives_a_replan(live_server, page, engineer):
    roadmap = roadmap_for(engineer)
    item = roadmap.items.get(action_slug=MENTORING)
    _sign_in(page, live_server, engineer)
    page.goto(f"{live_server.url}/roadmap/{roadmap.pk}/")
    card = page.locator(f"#item-{item.pk}")
    card.get_by_text("Notes, evidence and month").click()
    card.get_by_label("Move to").select_option("2")
    card.get_by_role("button", name="Move", exact=True).click()
    # Whichever way the move comes back, the item ends up pinned; then the page is read afresh.
    expect(page.locator(f"#item-{item.pk}").get_by_text("pinned", exact=True)).to_be_visible()
    page.reload()
    expect(page.locator(f"#month-2 #item-{item.pk}")).to_be_visible()
    expect(page.locator("#month-4 .continuing").filter(has_text=item.title)).to_contain_text("month 3 of 3")
    expect(page.locator("#month-5 .continuing").filter(has_text=item.title)).to_have_count(0)
    item.refresh_from_db()
    assert (item.month, item.last_month, item.pinned) == (roadmap.month_date(2), roadmap.month_date(4), True)

    page.get_by_role("link", name="Change hours or re-plan").click()
    page.get_by_label("Hours a week you can give").fill("8")
    expect(page.locator("#preview")).to_contain_text("8 h a week")
    page.get_by_role("button", name="Apply this re-plan").click()
    expect(page.get_by_text("Your roadmap is re-planned.")).to_be_visible()
    assert RoadmapItem.objects.filter(roadmap=roadmap, action_slug=MENTORING).count() == 1
    kept = RoadmapItem.objects.get(roadmap=roadmap, action_slug=MENTORING)
    assert kept.pk == item.pk
    assert kept.span == 3
    expect(page.locator(f"#item-{item.pk}")).to_contain_text("over 3 months")


def test_without_javascript_a_spanning_item_is_ticked_off_and_moved(live_server, browser, engineer):
    roadmap = roadmap_for(engineer)
    item = roadmap.items.get(action_slug=MENTORING)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        _sign_in(page, live_server, engineer)
        page.goto(f"{live_server.url}/roadmap/{roadmap.pk}/")
        continuing = page.locator("#month-4 .continuing").filter(has_text=item.title)
        expect(continuing).to_contain_text("continues: month 2 of 3")
        page.locator(f"#item-{item.pk}").get_by_role("button", name="Doing", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your roadmap")
        expect(page.locator("#month-4 .continuing").filter(has_text=item.title)).to_contain_text("doing")
        # The item's own page is the way to its editor without JavaScript.
        page.goto(f"{live_server.url}/roadmap/{roadmap.pk}/items/{item.pk}/edit/")
        page.get_by_label("Move to").select_option("4")
        page.get_by_role("button", name="Move", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your roadmap")
        item.refresh_from_db()
        assert (item.status, item.month, item.last_month) == ("doing", roadmap.month_date(4), roadmap.month_date(6))
        expect(page.locator(f"#month-4 #item-{item.pk}")).to_be_visible()
        expect(page.locator("#month-6 .continuing").filter(has_text=item.title)).to_have_count(1)
    finally:
        context.close()
