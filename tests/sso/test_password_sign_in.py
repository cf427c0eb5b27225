"""Password sign-in with an organisation's rules: SSO-only domains, TOTP with recovery codes, required 2FA."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from axes.models import AccessAttempt

from tests.factories import PASSWORD, UserFactory
from transition.identity.models import Organisation

pytestmark = pytest.mark.django_db


def _code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def _sign_in(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"username": email, "password": password})


def _enrol(client, user) -> list[str]:
    page = client.get("/identity/two-factor/setup/")
    secret = page.context["secret"]
    response = client.post("/identity/two-factor/setup/", {"code": _code(secret), "password": PASSWORD})
    assert response.status_code == 200, response.content[:300]
    user.refresh_from_db()
    return response.context["codes"], secret


def test_an_sso_only_domain_refuses_passwords_with_a_clear_message(client):
    Organisation.objects.create(name="Example", domain="example.com", sso_only=True)
    user = UserFactory(email="ann@example.com")
    response = _sign_in(client, user.email)
    assert response.status_code == 403
    assert "single sign-on only" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not AccessAttempt.objects.exists()  # refused before the password is even looked at


def test_a_domain_with_both_still_takes_passwords(client):
    Organisation.objects.create(name="Example", domain="example.com", sso_only=False)
    user = UserFactory(email="ann@example.com")
    assert _sign_in(client, user.email).status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_throttling_still_applies_to_password_sign_in(client, settings):
    user = UserFactory(email="ann@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, user.email, "wrong-password")
    response = _sign_in(client, user.email)
    assert "_auth_user_id" not in client.session
    assert response.status_code in (403, 429)


def test_totp_enrol_then_sign_in_needs_the_code(client):
    user = UserFactory(email="ann@example.com")
    client.force_login(user)
    codes, secret = _enrol(client, user)
    assert len(codes) == 10
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    client.logout()

    response = _sign_in(client, user.email)
    assert response["Location"] == "/identity/two-factor/"
    assert "_auth_user_id" not in client.session  # the password alone signs nobody in
    assert client.get("/home/").status_code == 302
    wrong = client.post("/identity/two-factor/", {"code": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    right = client.post("/identity/two-factor/", {"code": _code(secret)})
    assert right.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    client.logout()
    # The same code cannot be replayed within its time window.
    _sign_in(client, user.email)
    client.post("/identity/two-factor/", {"code": _code(secret)})
    assert "_auth_user_id" not in client.session


def test_a_lost_device_is_handled_by_a_recovery_code_once(client):
    user = UserFactory(email="ann@example.com")
    client.force_login(user)
    codes, _ = _enrol(client, user)
    client.logout()

    _sign_in(client, user.email)
    response = client.post("/identity/two-factor/", {"code": codes[0]})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    client.logout()

    _sign_in(client, user.email)
    again = client.post("/identity/two-factor/", {"code": codes[0]})
    assert again.status_code == 200
    assert "_auth_user_id" not in client.session


def test_enrolment_needs_the_current_password(client):
    user = UserFactory(email="ann@example.com")
    client.force_login(user)
    page = client.get("/identity/two-factor/setup/")
    response = client.post("/identity/two-factor/setup/", {"code": _code(page.context["secret"]), "password": "not-it"})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()


def test_an_organisation_that_requires_2fa_sends_a_password_sign_in_to_set_it_up(client):
    Organisation.objects.create(name="Example", domain="example.com", require_2fa=True)
    user = UserFactory(email="ann@example.com")
    response = _sign_in(client, user.email)
    assert response["Location"] == "/identity/two-factor/setup/"
    # Every other page waits until it is done.
    assert client.get("/home/")["Location"] == "/identity/two-factor/setup/"
    assert client.get("/roadmap/")["Location"] == "/identity/two-factor/setup/"
    _enrol(client, user)
    assert client.get("/home/").status_code == 200
