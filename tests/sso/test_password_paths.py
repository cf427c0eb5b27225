"""An SSO-only domain is refused on every password path, not just sign-in: sign-up, reset, the reset link, change.

Each refusal re-renders the form with the message on its field (422), names the provider to sign in with, and
depends on the domain only, so it tells no more about who has an account than the sign-in page does.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.sso.conftest import oidc_settings
from transition.accounts.models import Email, User
from transition.identity.models import Organisation

pytestmark = pytest.mark.django_db

NEW = {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"}


@pytest.fixture(autouse=True)
def _provider(settings):
    # Listing the configured providers reads the settings only: no provider needs to run for these tests.
    settings.SOCIALACCOUNT_PROVIDERS = oidc_settings("https://idp.example.test")


@pytest.fixture
def sso_only():
    return Organisation.objects.create(name="Example", domain="example.com", sso_only=True)


def _reset_link(client, email: str) -> str:
    client.post(reverse("password_reset"), {"email": email})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/password/reset/" in line)
    return link.split("testserver", 1)[1]


def _says_sso_only(response) -> None:
    body = response.content.decode()
    assert "single sign-on only" in body
    assert "Sign in with Test IdP" in body  # the way in, named and offered as a button


def test_sign_up_with_an_sso_only_address_is_refused_on_the_email_field(client, sso_only):
    data = {"name": "Sam", "email": "Sam@Example.com", "password1": PASSWORD, "password2": PASSWORD}
    response = client.post(reverse("signup"), data)
    assert response.status_code == 422
    assert "single sign-on only" in str(response.context["form"].errors["email"])
    _says_sso_only(response)
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session


def test_sign_up_says_the_same_whether_or_not_the_account_exists(client, sso_only):
    data = {"name": "Sam", "email": "sam@example.com", "password1": PASSWORD, "password2": PASSWORD}
    before = client.post(reverse("signup"), data).context["form"].errors["email"]
    UserFactory(email="sam@example.com")
    after = client.post(reverse("signup"), data).context["form"].errors["email"]
    assert before == after


def test_sign_up_in_a_domain_that_takes_both_still_works(client):
    Organisation.objects.create(name="Example", domain="example.com", sso_only=False)
    data = {"name": "Sam", "email": "sam@example.com", "password1": PASSWORD, "password2": PASSWORD}
    assert client.post(reverse("signup"), data).status_code == 302
    assert User.objects.filter(email="sam@example.com").exists()


@pytest.mark.parametrize("exists", [True, False])
def test_a_reset_request_for_an_sso_only_address_sends_nothing(client, sso_only, exists):
    if exists:
        UserFactory(email="kim@example.com")
    response = client.post(reverse("password_reset"), {"email": "kim@example.com"})
    assert response.status_code == 422
    assert "single sign-on only" in str(response.context["form"].errors["email"])
    _says_sso_only(response)
    assert not mail.outbox
    assert not Email.objects.exists()


def test_a_reset_request_elsewhere_keeps_its_usual_answer(client, sso_only):
    UserFactory(email="kim@other.test")
    known = client.post(reverse("password_reset"), {"email": "kim@other.test"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@other.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1


def test_a_reset_link_made_before_the_switch_stops_working(client):
    organisation = Organisation.objects.create(name="Example", domain="example.com")
    user = UserFactory(email="kim@example.com")
    path = _reset_link(client, user.email)
    organisation.sso_only = True
    organisation.save()

    page = client.get(path, follow=True)
    assert page.status_code == 422
    assert not page.context["validlink"]
    _says_sso_only(page)
    post = client.post(path, NEW)
    assert post.status_code == 422
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_reset_link_opened_before_the_switch_is_refused_on_submit(client):
    organisation = Organisation.objects.create(name="Example", domain="example.com")
    user = UserFactory(email="kim@example.com")
    form_page = client.get(_reset_link(client, user.email), follow=True)
    assert form_page.context["validlink"]
    organisation.sso_only = True
    organisation.save()

    response = client.post(form_page.redirect_chain[-1][0], NEW)
    assert response.status_code == 422
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_made_up_reset_link_does_not_name_the_organisation(client, sso_only):
    user = UserFactory(email="kim@example.com")
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    page = client.get(reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": "made-up"}))
    assert page.status_code == 200
    assert not page.context["validlink"]
    assert "single sign-on" not in page.content.decode()


def test_a_reset_link_still_works_for_a_domain_that_takes_both(client):
    Organisation.objects.create(name="Example", domain="example.com")
    user = UserFactory(email="kim@example.com")
    form_page = client.get(_reset_link(client, user.email), follow=True)
    response = client.post(form_page.redirect_chain[-1][0], NEW)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW["new_password1"])


def test_changing_the_password_of_an_sso_only_account_is_refused(client, sso_only):
    user = UserFactory(email="kim@example.com")
    client.force_login(user)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert "single sign-on only" in page.content.decode()  # said before anything is typed

    response = client.post(reverse("password_change"), {"old_password": PASSWORD, **NEW})
    assert response.status_code == 422
    assert "single sign-on only" in str(response.context["form"].errors["new_password1"])
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_changing_a_password_elsewhere_still_works_and_a_wrong_one_is_422(client):
    user = UserFactory(email="kim@other.test")
    client.force_login(user)
    wrong = client.post(reverse("password_change"), {"old_password": "not-it", **NEW})
    assert wrong.status_code == 422
    assert client.post(reverse("password_change"), {"old_password": PASSWORD, **NEW}).status_code == 302
