from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_log_out_and_log_in_again(live_server, page):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Create a free account").click()
    page.get_by_label("Name").fill("Robin Browser")
    page.get_by_label("Email address").fill("robin@example.com")
    page.get_by_label("Password:", exact=True).fill("a-long-unusual-passphrase")
    page.get_by_label("Password confirmation").fill("a-long-unusual-passphrase")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Robin")

    page.get_by_text("Robin", exact=True).click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")).to_be_visible()

    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email address").fill("ROBIN@example.com")
    page.get_by_label("Password:", exact=True).fill("a-long-unusual-passphrase")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Robin")


def test_a_taken_email_is_reported_next_to_the_field(live_server, page, django_user_model):
    django_user_model.objects.create_user(email="taken@example.com", name="Taken", password="x-long-passphrase-1")
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Name").fill("Someone")
    page.get_by_label("Email address").fill("taken@example.com")
    page.get_by_label("Password:", exact=True).fill("a-long-unusual-passphrase")
    page.get_by_label("Password confirmation").fill("a-long-unusual-passphrase")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("An account with this email address already exists")).to_be_visible()
    assert_no_axe_violations(page)


PUBLIC_PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/sent/",
    "/accounts/password/reset/x/y/",
    "/accounts/password/reset/complete/",
    "/no-such-page/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_accessibility_violations(live_server, page, path):
    page.goto(live_server.url + path)
    assert_no_axe_violations(page)


def test_htmx_loads_without_csp_violations(live_server, page):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(live_server.url + "/")
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("htmx.config.allowEval") is False
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert not [e for e in errors if "Content Security Policy" in e], errors
