"""Single sign-on against a real OpenID Connect provider: sign-up, linking by verified email only, refusals."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount

from tests.factories import PASSWORD, UserFactory
from tests.sso.conftest import oidc_sign_in
from transition.accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_new_person_signs_in_and_gets_an_account(client, oidc):
    response, _ = oidc_sign_in(client, "ann")
    assert response.status_code == 302, response.content[:500]
    user = User.objects.get(email="ann@example.com")
    assert user.name == "Ann Example"
    assert SocialAccount.objects.filter(user=user, uid="ann").exists()
    assert client.get("/home/").status_code == 200


def test_an_existing_account_is_linked_by_verified_email_on_first_sign_in(client, oidc):
    existing = UserFactory(email="ann@example.com", name="Ann Local")
    response, _ = oidc_sign_in(client, "ann")
    assert response.status_code == 302
    assert SocialAccount.objects.get(uid="ann").user == existing
    assert int(client.session["_auth_user_id"]) == existing.pk
    # From now on the identity is the provider's subject, not the email.
    User.objects.filter(pk=existing.pk).update(email="ann.renamed@example.com")
    client.logout()
    response, _ = oidc_sign_in(client, "ann")
    assert int(client.session["_auth_user_id"]) == existing.pk


def test_an_unverified_email_never_links_to_an_account(client, oidc):
    victim = UserFactory(email="bob@example.com")
    response, _ = oidc_sign_in(client, "bob")
    assert response.status_code == 403
    assert "not verified" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.filter(user=victim).exists()
    assert User.objects.get(pk=victim.pk).check_password(PASSWORD)


def test_a_provider_cannot_vouch_for_another_organisations_domain(client, oidc):
    other = UserFactory(email="eve@elsewhere.test")
    response, _ = oidc_sign_in(client, "eve")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.filter(user=other).exists()


def test_a_replayed_callback_is_refused_with_a_clear_page(client, oidc):
    response, callback = oidc_sign_in(client, "ann")
    assert response.status_code == 302
    client.logout()
    replay = client.get(callback)
    assert replay.status_code == 400
    assert "could not be accepted" in replay.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_forged_state_is_refused(client, oidc):
    response = client.get("/sso/oidc/testidp/login/callback/?code=forged&state=forged")
    assert response.status_code == 400
    assert "Single sign-on did not complete" in response.content.decode()


def test_a_deactivated_account_cannot_sign_in_with_sso(client, oidc):
    oidc_sign_in(client, "ann")
    User.objects.filter(email="ann@example.com").update(is_active=False)
    client.logout()
    response, _ = oidc_sign_in(client, "ann")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
