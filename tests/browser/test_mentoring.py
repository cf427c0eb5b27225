"""The people around an engineer, in the browser: a mentor comments, the engineer replies, a revoke takes effect."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations
from tests.factories import PASSWORD, ShareFactory, UserFactory
from tests.roadmaps.factories import roadmap_for
from transition.accounts.models import Share

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("framework_db")]


def _sign_in(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


@pytest.fixture
def people():
    engineer = UserFactory(name="Erin Engineer")
    roadmap = roadmap_for(engineer, levels={"mentoring": 1})
    mentor, manager = UserFactory(name="Mo Mentor"), UserFactory(name="Max Manager")
    ShareFactory(engineer=engineer, person=mentor)
    ShareFactory(engineer=engineer, person=manager, manager=True)
    return {"engineer": engineer, "mentor": mentor, "manager": manager, "roadmap": roadmap}


def test_mentor_comments_on_an_item_and_the_engineer_replies(live_server, browser, people):
    item = people["roadmap"].items.order_by("month", "position").first()

    mentor = browser.new_context().new_page()
    _sign_in(mentor, live_server, people["mentor"])
    mentor.goto(f"{live_server.url}/team/people/{people['engineer'].pk}/roadmap/")
    card = mentor.locator(f"#item-{item.pk}")
    card.get_by_text("Comments (0)").click()
    card.get_by_label("Comment on this action").fill("Start with https://example.com/evals — small and real.")
    card.get_by_role("button", name="Post comment").click()
    expect(card.locator(".comment-body").get_by_text("Start with")).to_be_visible()
    expect(card.get_by_role("link", name="https://example.com/evals")).to_be_visible()
    expect(card.get_by_text("Comments (1)")).to_be_visible()  # the count follows the post, no reload
    assert_no_axe_violations(mentor)

    engineer = browser.new_context().new_page()
    _sign_in(engineer, live_server, people["engineer"])
    expect(engineer.get_by_role("link", name="Notifications, 1 unread")).to_be_visible()
    engineer.get_by_role("link", name="Notifications, 1 unread").click()
    expect(engineer.get_by_text("Mo Mentor commented on")).to_be_visible()
    assert_no_axe_violations(engineer)
    engineer.goto(f"{live_server.url}/roadmap/{people['roadmap'].pk}/")
    card = engineer.locator(f"#item-{item.pk}")
    card.get_by_text("Comments (1)").click()  # the threads are fetched when opened
    card.get_by_text("Reply", exact=True).click()
    card.get_by_label("Your reply").fill("Thanks, doing it this week.")
    card.get_by_role("button", name="Post reply").click()
    expect(card.locator(".replies .comment-body").get_by_text("Thanks, doing it this week.")).to_be_visible()
    expect(card.get_by_text("Comments (2)")).to_be_visible()
    assert_no_axe_violations(engineer)
    # A status change redraws the card and keeps its comments open, as they were.
    card.get_by_role("button", name="Doing").click()
    expect(card.get_by_role("button", name="Doing")).to_have_attribute("aria-pressed", "true")
    expect(card.locator(".replies .comment-body").get_by_text("Thanks, doing it this week.")).to_be_visible()


def test_after_a_revoke_the_managers_next_request_gets_404(live_server, browser, people):
    manager = browser.new_context().new_page()
    _sign_in(manager, live_server, people["manager"])
    url = f"{live_server.url}/team/people/{people['engineer'].pk}/roadmap/"
    assert manager.goto(url).status == 200

    Share.objects.filter(person=people["manager"]).update(status=Share.Status.REVOKED)
    assert manager.goto(url).status == 404
    manager.goto(live_server.url + "/team/")
    expect(manager.get_by_text("Erin Engineer")).to_have_count(0)
