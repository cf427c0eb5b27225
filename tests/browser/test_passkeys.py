"""A security key as the second step of sign-in, in Chromium with a virtual authenticator (CDP WebAuthn)."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.webauthn.internal.auth import WebAuthn
from playwright.sync_api import expect

from tests.browser.axe import assert_no_axe_violations
from tests.factories import PASSWORD, UserFactory
from tests.passkeys import SoftKey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})


def _password_sign_in(page, live_server, email) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_add_a_passkey_then_sign_in_with_it(page, live_server):
    user = UserFactory(email="ann@example.com", name="Ann Keys")
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    _virtual_authenticator(page)

    _password_sign_in(page, live_server, user.email)
    page.wait_for_url(f"{live_server.url}/home/")
    page.goto(f"{live_server.url}/identity/two-factor/passkeys/")
    expect(page.get_by_text("No keys yet.")).to_be_visible()
    expect(page.get_by_text("needs JavaScript")).to_be_hidden()
    assert_no_axe_violations(page)
    page.get_by_label("Name this key").fill("Laptop")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Add the key").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).count() == 1

    page.goto(f"{live_server.url}/identity/two-factor/passkeys/")
    expect(page.get_by_test_id("passkeys")).to_contain_text("Laptop")
    page.get_by_text("Ann", exact=True).click()
    page.get_by_role("button", name="Sign out").click()

    _password_sign_in(page, live_server, user.email)
    page.wait_for_url(f"{live_server.url}/identity/two-factor/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Use your security key").click()
    page.wait_for_url(f"{live_server.url}/home/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Ann")
    assert not violations, violations


def test_without_javascript_the_pages_say_so_and_offer_a_code(browser, live_server):
    user = UserFactory(email="ann@example.com")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _password_sign_in(page, live_server, user.email)
    page.goto(f"{live_server.url}/identity/two-factor/passkeys/")
    expect(page.get_by_text("needs JavaScript")).to_be_visible()
    expect(page.get_by_role("button", name="Add the key")).to_be_hidden()
    expect(page.get_by_role("link", name="use an authenticator app").first).to_be_visible()

    # The second step of sign-in too: the code form is there, the key's button is not.
    credential = SoftKey().register({"publicKey": {"challenge": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}})
    WebAuthn.add(user, "Laptop", credential)
    RecoveryCodes.activate(user)
    context.clear_cookies()
    _password_sign_in(page, live_server, user.email)
    page.wait_for_url(f"{live_server.url}/identity/two-factor/")
    expect(page.get_by_text("needs JavaScript")).to_be_visible()
    expect(page.get_by_role("button", name="Use your security key")).to_be_hidden()
    expect(page.get_by_label("Code")).to_be_visible()
    context.close()
