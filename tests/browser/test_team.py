from __future__ import annotations

import pytest
from playwright.sync_api import expect

from assessments.models import Assessment, Competency, ManagerRating
from assessments.services import manager_rating_save
from roadmaps import services as roadmap_services
from roadmaps.comments import comment_create
from tests.browser.axe import assert_no_axe_violations
from tests.factories import PASSWORD, ShareFactory, UserFactory
from tests.team import factories as tf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team(framework_db):
    """A manager with three reports (enough for the heatmap); Alex shares evidence and notes."""
    manager = UserFactory(name="Mia Manager", email="mia@example.com")
    alex = tf.report(manager, 2, name="Alex Rivera", include_private=True)
    tf.report(manager, 1, name="Sam Okafor")
    tf.report(manager, 3, name="Priya Natarajan")
    latest = Assessment.objects.filter(owner=alex).get()
    tf.evidence(latest, "mentoring", "Mentored two engineers: https://wiki.example.com/reviews/42")
    roadmap_services.item_set_notes(item=alex.roadmap.items.first(), notes="Ran the eval workshop.")
    return manager, alex


def sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_manager_sees_the_dashboard_and_opens_a_reports_roadmap(live_server, page, team):
    sign_in(page, live_server, "mia@example.com")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your team")
    table = page.locator(".team-table")
    expect(table.get_by_role("row")).to_have_count(4)
    expect(page.locator("table.heatmap")).to_be_visible()
    page.get_by_role("link", name="Roadmap of Alex Rivera").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alex Rivera\u2019s roadmap")
    expect(page.get_by_text("Ran the eval workshop.")).to_be_visible()
    expect(page.get_by_role("button", name="Done")).to_have_count(0)  # read-only: no status buttons
    page.get_by_role("link", name="← Your team").click()
    expect(page).to_have_url(live_server.url + "/team/")


def test_sorting_swaps_the_table_and_keeps_the_url(live_server, page, team):
    sign_in(page, live_server, "mia@example.com")
    page.goto(live_server.url + "/team/")
    page.get_by_role("link", name="Readiness").click()
    expect(page).to_have_url(live_server.url + "/team/?sort=readiness")
    expect(page.locator("th[aria-sort]")).to_have_text("Readiness▲")
    names = page.locator(".team-table tbody th a[href$='/results/']")
    expect(names).to_have_text(["Sam Okafor", "Alex Rivera", "Priya Natarajan"])
    page.get_by_role("link", name="Readiness").click()
    expect(names).to_have_text(["Priya Natarajan", "Alex Rivera", "Sam Okafor"])
    # The sort link keeps the keyboard focus across the swap.
    assert page.evaluate("document.activeElement.id") == "sort-readiness"


def test_manager_rates_a_competency_in_place(live_server, page, team):
    manager, alex = team
    sign_in(page, live_server, "mia@example.com")
    page.goto(live_server.url + f"/team/people/{alex.pk}/results/")
    page.get_by_label("Your rating of Mentoring").select_option("4")
    page.get_by_label("Comment (optional) on Mentoring").fill("Leads our design reviews.")
    page.get_by_role("button", name="Save your rating of Mentoring").click()
    row = page.locator("#rate-mentoring")
    expect(row.get_by_role("status")).to_have_text("Saved")
    expect(row.get_by_text("more than a level apart")).to_be_visible()
    rating = ManagerRating.objects.get()
    assert (rating.engineer, rating.manager, rating.level, rating.comment) == (
        alex,
        manager,
        4,
        "Leads our design reviews.",
    )


def _dashboard(alex):
    return "/team/"


def _results(alex):
    return f"/team/people/{alex.pk}/results/"


def _roadmap(alex):
    return f"/team/people/{alex.pk}/roadmap/"


@pytest.mark.parametrize("path", [_dashboard, _results, _roadmap])
def test_team_pages_have_no_accessibility_violations(live_server, page, team, path):
    _, alex = team
    sign_in(page, live_server, "mia@example.com")
    page.goto(live_server.url + path(alex))
    assert_no_axe_violations(page)


def test_rating_error_and_empty_dashboard_have_no_accessibility_violations(live_server, page, team):
    _, alex = team
    sign_in(page, live_server, "mia@example.com")
    page.goto(live_server.url + f"/team/people/{alex.pk}/results/")
    # "Not rated yet" is not a level: the message appears beside the form.
    page.get_by_role("button", name="Save your rating of Mentoring").click()
    expect(page.locator("#rate-mentoring").get_by_role("status")).to_have_text("Choose a level from 0 to 4.")
    assert_no_axe_violations(page)
    UserFactory(email="new@example.com")
    page.context.clear_cookies()
    sign_in(page, live_server, "new@example.com")
    page.goto(live_server.url + "/team/")
    expect(page.get_by_text("No one shares with you yet")).to_be_visible()
    assert_no_axe_violations(page)


def test_mentor_roadmap_and_engineers_manager_view_have_no_accessibility_violations(live_server, page, team):
    manager, alex = team
    mentor = UserFactory(email="max@example.com", name="Max Mentor")
    ShareFactory(engineer=alex, person=mentor)
    comment_create(roadmap=alex.roadmap, author=mentor, body="Start with the eval set.")
    sign_in(page, live_server, "max@example.com")
    page.goto(live_server.url + f"/team/people/{alex.pk}/roadmap/")
    expect(page.locator(".comment-body", has_text="Start with the eval set.")).to_be_visible()
    assert_no_axe_violations(page)

    manager_rating_save(engineer=alex, manager=manager, competency=Competency.objects.get(slug="mentoring"), level=4)
    page.context.clear_cookies()
    sign_in(page, live_server, alex.email)
    latest = Assessment.objects.filter(owner=alex).get()
    page.goto(live_server.url + f"/assessments/{latest.pk}/results/")
    section = page.locator("#manager-view")
    expect(section.get_by_role("heading")).to_have_text("Your manager\u2019s view")
    expect(section.get_by_text("more than a level apart", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
