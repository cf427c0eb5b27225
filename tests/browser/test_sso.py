"""Signing in through a real OpenID Connect provider in Chromium: redirect, the provider's page, code exchange."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.sso.conftest import live_oidc_issuer, oidc_settings

__all__ = ["live_oidc_issuer"]  # the fixture lives with the other identity providers
from transition.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_engineer_signs_in_with_their_companys_provider(page, live_server, live_oidc_issuer, settings):
    settings.SOCIALACCOUNT_PROVIDERS = oidc_settings(live_oidc_issuer)
    # As settings.py does for the providers in the environment: the sign-in form may lead to the provider.
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [*settings.SECURE_CSP["form-action"], live_oidc_issuer],
    }
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in with Test IdP").click()
    # The provider's own sign-in page, on its own origin.
    page.wait_for_url(f"{live_oidc_issuer}/interaction/**")
    page.locator("input[name=login]").fill("ann")
    page.locator("input[name=password]").fill("anything")
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/home/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Ann")
    assert violations == []
    assert User.objects.get(email="ann@example.com").socialaccount_set.get().uid == "ann"


def test_an_sso_only_domain_shows_why_a_password_is_refused(page, live_server, live_oidc_issuer, settings):
    from tests.factories import PASSWORD, UserFactory
    from transition.identity.models import Organisation

    settings.SOCIALACCOUNT_PROVIDERS = oidc_settings(live_oidc_issuer)
    Organisation.objects.create(name="Example", domain="example.com", sso_only=True)
    UserFactory(email="kim@example.com")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill("kim@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_test_id("sso-only")).to_contain_text("single sign-on only")
    expect(page.get_by_role("button", name="Sign in with Test IdP")).to_be_visible()
