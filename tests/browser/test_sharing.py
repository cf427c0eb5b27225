from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.accounts.sharing_factories import link_path
from tests.browser.axe import assert_no_axe_violations
from transition.accounts.models import Share

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSPHRASE = "a-long-unusual-passphrase"


def _new_page(browser):
    page = browser.new_context().new_page()
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(15_000)
    return page


def _sign_in(page, email):
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password:", exact=True).fill(PASSPHRASE)
    page.get_by_role("button", name="Sign in").click()


def _invite(page, email, relation, include_private=False):
    page.get_by_label("Their email address").fill(email)
    page.get_by_role("radio", name=re.compile(f"^{relation}")).check()
    if include_private:
        page.get_by_label("Include my notes and evidence").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"Invitation to {email} saved; its email is on its way")).to_be_visible()


def test_an_engineer_shares_with_a_manager_and_a_mentor(live_server, page, browser, mailoutbox, django_user_model):
    django_user_model.objects.create_user(email="avery@example.com", name="Avery Engineer", password=PASSPHRASE)
    django_user_model.objects.create_user(email="morgan@example.com", name="Morgan Manager", password=PASSPHRASE)

    # The engineer invites their manager (who has an account) and a mentor (who has not).
    page.goto(live_server.url + "/accounts/login/")
    _sign_in(page, "avery@example.com")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sharing").click()
    expect(page.get_by_text("You have not shared your progress with anyone yet.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("The invitation was not sent")).to_be_visible()
    assert_no_axe_violations(page)
    _invite(page, "morgan@example.com", "Manager")
    _invite(page, "riley@example.com", "Mentor", include_private=True)
    given = page.get_by_role("table").first
    expect(given.get_by_role("row", name=re.compile("morgan@example.com"))).to_contain_text("Invited")
    expect(given.get_by_role("row", name=re.compile("riley@example.com"))).to_contain_text("Included")
    assert_no_axe_violations(page)
    to_manager, to_mentor = mailoutbox
    assert to_manager.to == ["morgan@example.com"]
    assert to_mentor.to == ["riley@example.com"]

    # The manager signs in from the invitation and accepts, in their own browser.
    manager = _new_page(browser)
    manager.goto(live_server.url + link_path(to_manager))
    expect(manager.get_by_role("heading", level=1)).to_have_text("Avery Engineer invites you to be their manager")
    assert_no_axe_violations(manager)
    manager.get_by_role("link", name="Sign in to accept").click()
    _sign_in(manager, "morgan@example.com")
    manager.get_by_role("button", name="Accept as manager").click()
    expect(manager.get_by_text("You now follow Avery Engineer as their manager.")).to_be_visible()
    received = manager.get_by_role("region", name="Shared with me")
    expect(received.get_by_role("link", name="Roadmap of Avery Engineer")).to_be_visible()

    # The mentor creates an account from the invitation, with the invited address filled in.
    mentor = _new_page(browser)
    mentor.goto(live_server.url + link_path(to_mentor))
    mentor.get_by_role("link", name="Create an account").click()
    expect(mentor.get_by_label("Email address")).to_have_value("riley@example.com")
    mentor.get_by_label("Name").fill("Riley Mentor")
    mentor.get_by_label("Password:", exact=True).fill(PASSPHRASE)
    mentor.get_by_label("Password confirmation").fill(PASSPHRASE)
    mentor.get_by_role("button", name="Create account").click()
    expect(mentor.get_by_role("button", name="Accept as mentor")).to_be_visible()
    assert_no_axe_violations(mentor)
    mentor.get_by_role("button", name="Accept as mentor").click()
    expect(mentor.get_by_text("You now follow Avery Engineer as their mentor.")).to_be_visible()
    assert_no_axe_violations(mentor)

    # Back with the engineer: both are active, and the header says two things happened.
    page.reload()
    expect(page.get_by_role("link", name="Notifications, 2 unread")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Morgan Manager"))).to_contain_text("Active")
    expect(page.get_by_role("row", name=re.compile("Riley Mentor"))).to_contain_text("Active")
    assert_no_axe_violations(page)

    # Changes to one share happen in place (htmx) and are announced.
    page.get_by_role("button", name="Include notes and evidence for Morgan Manager").click()
    expect(page.get_by_role("button", name="Stop including notes and evidence for Morgan Manager")).to_be_focused()
    expect(page.locator("#sharing-status")).to_have_text("Morgan Manager now sees your notes and evidence.")
    # Revoking takes a second, deliberate click: the first only asks.
    page.get_by_text("Revoke Riley Mentor").click()
    expect(page.get_by_text("Riley Mentor stops seeing your data at once.")).to_be_visible()
    assert Share.objects.get(email="riley@example.com").status == Share.Status.ACTIVE
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Stop sharing with Riley Mentor").click()
    expect(page.get_by_role("row", name=re.compile("Riley Mentor"))).to_contain_text("No longer sees your data")
    expect(page.locator("#sharing-status")).to_have_text("Riley Mentor no longer sees your data.")
    assert Share.objects.get(email="riley@example.com").status == Share.Status.REVOKED
    assert Share.objects.get(email="morgan@example.com").include_private is True
    assert_no_axe_violations(page)

    # The mentor's next request no longer shows the engineer.
    mentor.goto(live_server.url + "/sharing/")
    expect(mentor.get_by_text("Nobody shares their progress with you yet.")).to_be_visible()


def test_a_spent_invitation_link_says_so(live_server, page, mailoutbox, django_user_model):
    from transition.accounts import services

    engineer = django_user_model.objects.create_user(email="avery@example.com", name="Avery", password=PASSPHRASE)
    share, _ = services.share_invite(engineer=engineer, email="riley@example.com", relation="mentor")
    services.share_revoke(share=share)
    response = page.goto(live_server.url + link_path(mailoutbox[0]))
    assert response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation cannot be used")
    assert_no_axe_violations(page)
