"""Security keys and passkeys as the second factor of a password sign-in: add, list, remove, sign in."""

from __future__ import annotations

import json

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from tests.factories import PASSWORD, UserFactory
from tests.passkeys import SoftKey
from transition.identity.models import Organisation

pytestmark = pytest.mark.django_db

PAGE = "/identity/two-factor/passkeys/"
STEP = "/identity/two-factor/"


@pytest.fixture
def client():
    # http://localhost is the one plain-http origin WebAuthn accepts; the software key answers for it.
    return Client(HTTP_HOST="localhost")


def _add(client, key: SoftKey, name: str = "Desk key", password: str = PASSWORD):
    options = client.get(PAGE).context["creation_options"]
    return client.post(PAGE, {"name": name, "password": password, "credential": json.dumps(key.register(options))})


def _sign_in(client, user):
    return client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})


def _keys(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN)


def test_adding_a_key_lists_it_and_shows_recovery_codes_once(client):
    user = UserFactory(email="ann@example.com")
    client.force_login(user)
    page = client.get(PAGE)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'type="application/json"' in body
    assert "passkey-creation-options" in body
    assert "needs JavaScript" in body  # the <noscript> note, offering the authenticator app
    assert "<script>" not in body  # strict CSP: scripts are static files only

    added = _add(client, SoftKey())
    assert added.status_code == 200
    assert len(added.context["codes"]) == 10  # the first second factor brings recovery codes
    assert [key.data["name"] for key in _keys(user)] == ["Desk key"]

    second = _add(client, SoftKey(), name="Spare key")
    assert second.status_code == 302  # recovery codes exist already: not shown again
    listed = client.get(PAGE).content.decode()
    assert "Desk key" in listed
    assert "Spare key" in listed


@pytest.mark.parametrize(
    "credential",
    [
        "",
        "not json",
        '"a string"',
        "[1, 2]",
        '{"id": "x"}',
        '{"id": "x", "rawId": "x", "type": "public-key", '
        '"response": {"clientDataJSON": "AAAA", "attestationObject": "AAAA"}}',
    ],
)
def test_a_garbled_answer_is_refused_in_place(client, credential):
    user = UserFactory(email="ann@example.com")
    client.force_login(user)
    client.get(PAGE)
    response = client.post(PAGE, {"name": "Desk key", "password": PASSWORD, "credential": credential})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'role="alert"' in body
    assert "could not be checked. Nothing was added" in body
    assert not _keys(user).exists()


def test_an_answer_to_another_challenge_or_origin_is_refused(client):
    user = UserFactory(email="ann@example.com")
    client.force_login(user)
    key = SoftKey()
    stale = client.get(PAGE).context["creation_options"]
    client.get(PAGE)  # a new challenge replaces the first
    response = client.post(PAGE, {"name": "K", "password": PASSWORD, "credential": json.dumps(key.register(stale))})
    assert response.status_code == 422
    assert "could not be checked" in response.content.decode()
    response = _add(client, SoftKey(origin="https://evil.example"))
    assert response.status_code == 422
    assert not _keys(user).exists()


def test_adding_a_key_needs_the_password(client):
    user = UserFactory(email="ann@example.com")
    client.force_login(user)
    response = _add(client, SoftKey(), password="wrong")
    assert response.status_code == 422
    assert "That is not your password." in response.content.decode()
    assert not _keys(user).exists()


def test_sign_in_with_a_key_as_the_second_step(client):
    user = UserFactory(email="ann@example.com")
    client.force_login(user)
    key = SoftKey()
    _add(client, key)
    client.logout()

    assert _sign_in(client, user)["Location"] == STEP
    assert "_auth_user_id" not in client.session
    step = client.get(STEP)
    assert "passkey-request-options" in step.content.decode()
    answer = key.sign_in(step.context["request_options"])
    response = client.post(STEP, {"credential": json.dumps(answer)})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    assert _keys(user).get().last_used_at is not None


def test_the_second_step_refuses_a_bad_answer(client):
    user = UserFactory(email="ann@example.com")
    client.force_login(user)
    _add(client, SoftKey())
    client.logout()
    _sign_in(client, user)
    options = client.get(STEP).context["request_options"]
    for credential in ("garbage", "{}", json.dumps(SoftKey().sign_in(options))):  # an unknown key, too
        response = client.post(STEP, {"credential": credential})
        assert response.status_code == 422
        assert "could not be checked" in response.content.decode()
        assert "_auth_user_id" not in client.session
    # A recovery code still works when the key is lost.
    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()
    assert client.post(STEP, {"code": codes[0]}).status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_someone_elses_key_cannot_answer(client):
    ann, bob = UserFactory(email="ann@example.com"), UserFactory(email="bob@example.com")
    bobs_key = SoftKey()
    client.force_login(bob)
    _add(client, bobs_key)
    client.force_login(ann)
    _add(client, SoftKey())
    client.logout()
    _sign_in(client, ann)
    options = client.get(STEP).context["request_options"]
    assert client.post(STEP, {"credential": json.dumps(bobs_key.sign_in(options))}).status_code == 422
    assert "_auth_user_id" not in client.session


def test_removing_a_key_and_only_ones_own(client):
    ann, bob = UserFactory(email="ann@example.com"), UserFactory(email="bob@example.com")
    client.force_login(ann)
    _add(client, SoftKey())
    anns_key = _keys(ann).get()
    client.force_login(bob)
    assert "Desk key" not in client.get(PAGE).content.decode()
    assert client.post(f"{PAGE}{anns_key.pk}/remove/").status_code == 404
    assert client.get(f"{PAGE}{anns_key.pk}/remove/").status_code == 405
    assert _keys(ann).exists()

    client.force_login(ann)
    response = client.post(f"{PAGE}{anns_key.pk}/remove/", follow=True)
    assert response.status_code == 200
    assert "removed" in response.content.decode()
    assert not _keys(ann).exists()
    # The last second factor gone: the recovery codes go with it, and sign-in is one step again.
    assert not Authenticator.objects.filter(user=ann).exists()
    client.logout()
    assert _sign_in(client, ann)["Location"] != STEP


def test_an_organisation_requiring_2fa_is_satisfied_by_a_key(client):
    Organisation.objects.create(name="Example", domain="example.com", require_2fa=True)
    user = UserFactory(email="ann@example.com")
    response = _sign_in(client, user)
    assert response["Location"] == "/identity/two-factor/setup/"
    assert client.get("/home/")["Location"] == "/identity/two-factor/setup/"  # nowhere else until set up
    assert "Use a security key or passkey instead" in client.get("/identity/two-factor/setup/").content.decode()
    assert client.get(PAGE).status_code == 200  # the key page answers while enrolment is owed
    key = SoftKey()
    assert _add(client, key).status_code == 200
    assert client.get("/home/").status_code == 200

    # The only second factor cannot be removed while the organisation requires one.
    response = client.post(f"{PAGE}{_keys(user).get().pk}/remove/", follow=True)
    assert "your organisation requires one" in response.content.decode()
    assert _keys(user).exists()

    client.logout()
    assert _sign_in(client, user)["Location"] == STEP
    options = client.get(STEP).context["request_options"]
    assert client.post(STEP, {"credential": json.dumps(key.sign_in(options))})["Location"] == "/home/"
    assert client.get("/home/").status_code == 200


def test_sso_accounts_have_no_key_page(client):
    user = UserFactory(email="ann@example.com")
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    assert client.get(PAGE).status_code == 404


def test_the_name_box_and_the_browser_prompt_speak_of_transition(client):
    user = UserFactory(email="ann@example.com")
    client.force_login(user)
    page = client.get(PAGE)
    assert page.context["form"]["name"].value() == "Security key"
    assert page.context["creation_options"]["publicKey"]["rp"] == {"id": "localhost", "name": "Transition"}
    _add(client, SoftKey())
    assert client.get(PAGE).context["form"]["name"].value() == "Security key 2"
