"""Signing in through real identity providers in Chromium.

OpenID Connect: redirect, the provider's page, code exchange. SAML: the AuthnRequest by redirect, the IdP's
page, and its signed assertion posted back to the app by the IdP's own auto-submitting form.
"""

from __future__ import annotations

import html
from urllib.parse import parse_qsl

import pytest
from playwright.sync_api import expect

from tests.sso.conftest import live_oidc_issuer, live_saml_idp, oidc_settings, saml_settings

__all__ = ["live_oidc_issuer", "live_saml_idp"]  # the fixtures live with the other identity providers
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


def test_an_engineer_signs_in_with_their_companys_saml_idp(page, live_server, live_saml_idp, settings):
    from transition.identity.config import form_action_origins

    settings.SOCIALACCOUNT_PROVIDERS = saml_settings(live_saml_idp)
    # What settings.py allows for providers in the environment: the sign-in form may lead to the IdP.
    origins = form_action_origins(settings.SOCIALACCOUNT_PROVIDERS)
    assert origins == [live_saml_idp["url"]]
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": [*settings.SECURE_CSP["form-action"], *origins]}
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in with Test SAML IdP").click()
    # The IdP's own sign-in page, on its own origin, holding the app's AuthnRequest.
    page.wait_for_url(f"{live_saml_idp['sso_url']}?SAMLRequest=**")
    page.get_by_label("Login").fill("ann")
    page.get_by_role("button", name="Sign in").click()
    # Its answer page submits the signed Response to the app's assertion consumer service by itself.
    page.wait_for_url(f"{live_server.url}/home/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Ann")
    assert violations == []
    assert User.objects.get(email="ann@example.com").socialaccount_set.get().uid == "ann@example.com"


def test_a_replayed_saml_answer_shows_a_clear_page(page, live_server, live_saml_idp, settings):
    settings.SOCIALACCOUNT_PROVIDERS = saml_settings(live_saml_idp)
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [*settings.SECURE_CSP["form-action"], live_saml_idp["url"]],
    }
    acs = f"{live_server.url}/sso/saml/testidp/acs/"
    posted = []
    page.on("request", lambda r: posted.append(r.post_data) if r.url == acs and r.method == "POST" else None)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in with Test SAML IdP").click()
    page.get_by_label("Login").fill("ann")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/home/")
    assert len(posted) == 1
    # Signed out, the browser posts the very same signed Response to the app once more.
    page.context.clear_cookies()
    fields = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
        for name, value in parse_qsl(posted[0], keep_blank_values=True)
    )
    page.set_content(f'<form method="post" action="{acs}">{fields}<button>Post again</button></form>')
    page.get_by_role("button", name="Post again").click()
    page.wait_for_url(f"{live_server.url}/sso/saml/testidp/acs/finish/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Single sign-on did not complete")
    expect(page.get_by_role("alert")).to_contain_text("already used")
    expect(page.get_by_role("link", name="Back to sign-in")).to_be_visible()
    # The app's own page and styles (_base.html, app.css), not a bare error.
    assert page.evaluate("[...document.styleSheets].some(s => s.href.includes('/css/app') && s.cssRules.length)")


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
