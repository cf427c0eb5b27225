"""The roadmap as a person clicks through it: create from results, tick off, move, re-plan; axe on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from roadmaps import services
from roadmaps.models import Roadmap, RoadmapItem
from tests.browser.axe import assert_no_axe_violations
from tests.factories import PASSWORD, UserFactory
from tests.roadmaps.factories import NEARLY_READY, finished_assessment, roadmap_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set on the window after a page loads: still there later means htmx changed the page, nothing reloaded it.
MARK = "window.__sameDocument = 'still here'"
STILL_HERE = "window.__sameDocument"


@pytest.fixture
def engineer(framework_db):
    return UserFactory(name="Robin Roadmap")


def _sign_in(page, live_server, user) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_create_a_roadmap_from_the_results_with_a_live_preview(live_server, page, engineer):
    assessment = finished_assessment(engineer)
    _sign_in(page, live_server, engineer)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/results/")

    page.get_by_role("link", name="Create my roadmap").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Create your roadmap")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("5 h a week")
    expect(page.get_by_label("Over how many months")).to_have_value("6")
    assert_no_axe_violations(page)
    page.evaluate(MARK)

    page.get_by_label("Hours a week you can give").fill("12")
    expect(preview).to_contain_text("12 h a week")
    page.get_by_label("Over how many months").fill("3")
    expect(preview.get_by_role("heading", name=re.compile(r"^Month 3\b"))).to_be_visible()
    expect(preview.get_by_role("heading", name=re.compile(r"^Month 4\b"))).to_have_count(0)
    page.get_by_label("Hours a week you can give").fill("0")
    expect(preview).to_contain_text("Give at least 1 hour a week.")
    page.get_by_label("Hours a week you can give").fill("12")
    expect(preview).to_contain_text("12 h a week")
    assert page.evaluate(STILL_HERE) == "still here", "the preview changed without a page load"
    assert not Roadmap.objects.exists()

    page.get_by_role("button", name="Save this roadmap").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your roadmap")
    expect(page.get_by_text("Your roadmap is ready.")).to_be_visible()
    roadmap = Roadmap.objects.get(owner=engineer)
    assert (roadmap.hours_per_week, roadmap.months) == (12, 3)
    assert_no_axe_violations(page)


def test_tick_items_off_and_see_the_progress_change_without_a_reload(live_server, page, engineer):
    roadmap = roadmap_for(engineer)
    first, second = roadmap.items.filter(month=roadmap.start_month).order_by("position")[:2]
    total = roadmap.items.count()
    in_month = roadmap.items.filter(month=roadmap.start_month).count()
    _sign_in(page, live_server, engineer)
    page.goto(f"{live_server.url}/roadmap/{roadmap.pk}/")
    expect(page.locator("#roadmap-progress")).to_contain_text(f"0% done — 0 of {total} actions")
    page.evaluate(MARK)

    card = page.locator(f"#item-{first.pk}")
    card.get_by_role("button", name="Done", exact=True).click()

    expect(page.locator("#roadmap-progress")).to_contain_text(f"done — 1 of {total} actions")
    expect(page.locator("#month-progress-1")).to_contain_text(f"1 of {in_month} done")
    expect(card.get_by_role("status")).to_have_text("Saved")
    expect(card.get_by_role("button", name="Done", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#focus-panel")).not_to_contain_text(first.title)

    page.locator(f"#item-{second.pk}").get_by_role("button", name="Doing", exact=True).click()
    expect(page.locator("#focus-panel")).to_contain_text(f"{second.title} · doing")

    card.get_by_role("button", name="To do", exact=True).click()
    expect(page.locator("#roadmap-progress")).to_contain_text(f"0% done — 0 of {total} actions")

    assert page.evaluate(STILL_HERE) == "still here", "no page load happened"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("todo", "doing")
    assert_no_axe_violations(page)


def test_a_bad_choice_is_reported_on_the_card_without_a_reload(live_server, page, engineer):
    roadmap = roadmap_for(engineer)
    item = roadmap.items.order_by("month", "position").first()
    _sign_in(page, live_server, engineer)
    page.goto(f"{live_server.url}/roadmap/{roadmap.pk}/")
    page.evaluate(MARK)
    card = page.locator(f"#item-{item.pk}")
    # A tampered button, as a stale or edited page might send.
    card.get_by_role("button", name="Skipped", exact=True).evaluate("b => b.value = 'finished'")
    card.get_by_role("button", name="Skipped", exact=True).click()
    expect(card.get_by_role("status")).to_have_text("Choose to do, doing, done or skipped.")
    assert page.evaluate(STILL_HERE) == "still here"
    item.refresh_from_db()
    assert item.status == "todo"


def _first_card_with_its_editor_open(live_server, page, engineer):
    roadmap = roadmap_for(engineer)
    item = roadmap.items.order_by("month", "position").first()
    _sign_in(page, live_server, engineer)
    page.goto(f"{live_server.url}/roadmap/{roadmap.pk}/")
    card = page.locator(f"#item-{item.pk}")
    card.get_by_text("Notes, evidence and month").click()  # fetches the editor
    return roadmap, item, card


def test_move_an_item_to_another_month(live_server, page, engineer):
    roadmap, item, card = _first_card_with_its_editor_open(live_server, page, engineer)
    page.evaluate(MARK)
    card.get_by_label("Move to").select_option("3")
    card.get_by_role("button", name="Move", exact=True).click()

    moved = page.locator(f"#month-3 #item-{item.pk}")
    expect(moved).to_be_visible()
    assert page.evaluate(STILL_HERE) == "still here", "the move reloaded the page"
    assert_no_axe_violations(page)
    expect(moved.get_by_text("pinned", exact=True)).to_be_visible()
    expect(page.locator(f"#month-1 #item-{item.pk}")).to_have_count(0)
    item.refresh_from_db()
    assert (item.month, item.pinned) == (roadmap.month_date(3), True)


def test_notes_saved_from_the_editor_stay_in_view_and_show_as_text_after_a_reload(live_server, page, engineer):
    _, item, card = _first_card_with_its_editor_open(live_server, page, engineer)
    card.get_by_label("Notes").fill("Booked the evals course for March.")
    card.get_by_role("button", name="Save notes").click()

    expect(card.get_by_role("status")).to_have_text("Saved")
    expect(card.get_by_label("Notes")).to_have_value("Booked the evals course for March.")
    page.reload()
    card = page.locator(f"#item-{item.pk}")
    expect(card.locator("p.notes")).to_have_text("Notes: Booked the evals course for March.")
    expect(card.get_by_label("Notes")).to_have_count(0)  # the editor waits to be opened
    item.refresh_from_db()
    assert item.notes == "Booked the evals course for March."


def test_replan_after_a_reassessment_keeps_done_items(live_server, page, engineer):
    roadmap = roadmap_for(engineer)
    done = roadmap.items.order_by("month", "position").first()
    services.item_set_status(item=done, status=RoadmapItem.Status.DONE)
    reassessment = finished_assessment(engineer, levels=NEARLY_READY)
    _sign_in(page, live_server, engineer)
    page.goto(f"{live_server.url}/assessments/{reassessment.pk}/results/")

    page.get_by_role("link", name="Update my roadmap").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Re-plan your roadmap")
    expect(page.locator("#preview")).to_contain_text("Removed")
    expect(page.locator("#preview")).to_contain_text("Kept as they are")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Apply this re-plan").click()

    expect(page.get_by_text("Your roadmap is re-planned.")).to_be_visible()
    card = page.locator(f"#item-{done.pk}")
    expect(card.get_by_role("button", name="Done", exact=True)).to_have_attribute("aria-pressed", "true")
    roadmap.refresh_from_db()
    assert roadmap.assessment == reassessment
    done.refresh_from_db()
    assert done.status == "done"
    assert set(roadmap.items.filter(status="todo").values_list("phase", flat=True)) == {"make-the-move"}


@pytest.mark.parametrize("name", ["new", "detail", "replan", "print"])
def test_roadmap_pages_have_no_accessibility_violations(live_server, page, engineer, name):
    if name == "new":
        finished_assessment(engineer)
        path = "/roadmap/new/"
    else:
        roadmap = roadmap_for(engineer)
        item = roadmap.items.first()
        services.item_set_notes(item=item, notes="Started.")
        services.item_link_add(item=item, url="https://example.com/evidence")
        services.item_set_status(item=item, status=RoadmapItem.Status.DONE)
        suffix = {"detail": "", "replan": "replan/?hours_per_week=10&months=6", "print": "print/"}[name]
        path = f"/roadmap/{roadmap.pk}/{suffix}"
    _sign_in(page, live_server, engineer)
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page)
