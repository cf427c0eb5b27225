"""Single sign-on against a real SAML 2.0 identity provider: signed assertions, linking, refusals.

The IdP (tests/sso/saml_idp.py) runs as its own process; the test client plays the browser, carrying the
AuthnRequest to it and its signed Response to the app's assertion consumer service.
"""

from __future__ import annotations

import base64

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from tests.factories import PASSWORD, UserFactory
from tests.sso.conftest import form_fields, post_to_acs, saml_response_for, saml_settings, saml_sign_in, self_signed
from transition.accounts.models import User

pytestmark = pytest.mark.django_db

NOT_ACCEPTED = "could not be accepted"


def refused_without_signing_in(response, client, status: int, text: str) -> None:
    """A refusal is the app's own page saying what went wrong, and nobody is signed in."""
    page = response.content.decode()
    assert response.status_code == status, page[:500]
    assert text in page
    assert "Back to sign-in" in page  # transition/identity/templates/identity/sso_refused.html
    assert "Traceback" not in page
    assert "_auth_user_id" not in client.session


def tampered(saml_response: str, old: str, new: str) -> str:
    xml = base64.b64decode(saml_response).decode()
    assert old in xml
    return base64.b64encode(xml.replace(old, new).encode()).decode()


def test_a_new_person_signs_in_and_gets_an_account(client, saml):
    response = saml_sign_in(client, "ann")
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == "/home/"
    user = User.objects.get(email="ann@example.com")
    assert user.name == "Ann Example"
    assert SocialAccount.objects.filter(user=user, provider="testidp", uid="ann@example.com").exists()
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get("/home/").status_code == 200


def test_an_existing_account_in_the_idps_domain_is_linked_on_first_sign_in(client, saml):
    existing = UserFactory(email="ann@example.com", name="Ann Local")
    response = saml_sign_in(client, "ann")
    assert response.status_code == 302
    assert SocialAccount.objects.get(provider="testidp").user == existing
    assert int(client.session["_auth_user_id"]) == existing.pk
    # From now on the identity is the IdP's NameID, not the account's email.
    User.objects.filter(pk=existing.pk).update(email="ann.renamed@example.com")
    client.logout()
    saml_sign_in(client, "ann")
    assert int(client.session["_auth_user_id"]) == existing.pk


def test_an_email_outside_the_idps_domains_is_refused(client, saml):
    other = UserFactory(email="eve@elsewhere.test")
    response = saml_sign_in(client, "eve")
    refused_without_signing_in(response, client, 403, "not verified")
    assert not SocialAccount.objects.exists()
    assert User.objects.get(pk=other.pk).check_password(PASSWORD)


def test_an_assertion_changed_after_signing_is_refused(client, saml):
    victim = UserFactory(email="kim@example.com")
    acs, fields = saml_response_for(client, "ann")
    fields["SAMLResponse"] = tampered(fields["SAMLResponse"], "ann@example.com", "kim@example.com")
    refused_without_signing_in(post_to_acs(client, acs, fields), client, 400, NOT_ACCEPTED)
    assert not SocialAccount.objects.filter(user=victim).exists()


@pytest.mark.parametrize("sign", ["none", "response"], ids=["nothing-signed", "only-the-envelope-signed"])
def test_an_unsigned_assertion_is_refused(client, saml, sign):
    response = saml_sign_in(client, "ann", sign=sign)
    refused_without_signing_in(response, client, 400, NOT_ACCEPTED)
    assert not User.objects.filter(email="ann@example.com").exists()


def test_an_assertion_signed_by_another_key_is_refused(client, settings, saml, tmp_path):
    # The app trusts a different certificate than the one the IdP signs with (a rogue or rotated IdP).
    _, _, other_cert = self_signed(tmp_path, "other-idp")
    settings.SOCIALACCOUNT_PROVIDERS = saml_settings(saml, x509cert=other_cert)
    response = saml_sign_in(client, "ann")
    refused_without_signing_in(response, client, 400, NOT_ACCEPTED)
    assert not User.objects.filter(email="ann@example.com").exists()


def test_a_replayed_response_is_refused_with_a_clear_page(client, saml):
    acs, fields = saml_response_for(client, "ann")
    assert post_to_acs(client, acs, fields).status_code == 302
    client.logout()
    refused_without_signing_in(post_to_acs(client, acs, fields), client, 400, "already used")


def test_a_response_replayed_in_another_browser_is_refused(client, saml):
    acs, fields = saml_response_for(client, "ann")
    assert post_to_acs(client, acs, fields).status_code == 302
    thief = Client()
    refused_without_signing_in(post_to_acs(thief, acs, fields), thief, 400, "already used")


def test_a_response_stolen_before_use_does_not_sign_in_another_browser(client, saml):
    acs, fields = saml_response_for(client, "ann")
    thief = Client()
    refused_without_signing_in(post_to_acs(thief, acs, fields), thief, 400, "already used")


def test_an_unsolicited_idp_initiated_response_is_refused(client, saml):
    page = requests.get(f"{saml['url']}/unsolicited?login=ann", timeout=10)
    assert page.status_code == 200, page.text[:300]
    acs, fields = form_fields(page.text)
    response = post_to_acs(client, acs.split("localhost", 1)[1], fields)
    refused_without_signing_in(response, client, 400, "Start again from the sign-in page")
    assert not User.objects.filter(email="ann@example.com").exists()


def test_a_garbled_response_is_refused(client, saml):
    acs, _ = saml_response_for(client, "ann")
    response = post_to_acs(client, acs, {"SAMLResponse": "not base64 at all!", "RelayState": ""})
    refused_without_signing_in(response, client, 400, NOT_ACCEPTED)


def test_a_deactivated_account_cannot_sign_in_with_saml(client, saml):
    saml_sign_in(client, "ann")
    User.objects.filter(email="ann@example.com").update(is_active=False)
    client.logout()
    response = saml_sign_in(client, "ann")
    refused_without_signing_in(response, client, 403, "switched off")
