from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from transition.accounts.models import User

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Sam Example",
    "email": "Sam@Example.com",
    "password1": "a-long-unusual-passphrase",
    "password2": "a-long-unusual-passphrase",
}


def test_it_creates_the_account_and_signs_in(client):
    response = client.post(reverse("signup"), GOOD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    user = User.objects.get()
    assert user.email == "sam@example.com"
    assert user.check_password(GOOD["password1"])
    assert client.get(reverse("home")).context["user"] == user


def test_it_refuses_an_existing_email_whatever_its_case(client):
    UserFactory(email="sam@example.com")
    response = client.post(reverse("signup"), GOOD)
    assert response.status_code == 422  # refused input, shown in place
    assert "An account with this email address already exists" in response.content.decode()
    assert User.objects.count() == 1


def test_it_refuses_a_weak_password(client):
    response = client.post(reverse("signup"), {**GOOD, "password1": "password", "password2": "password"})
    assert response.status_code == 422  # refused input, shown in place
    body = response.content.decode()
    assert "too common" in body or "too short" in body
    assert not User.objects.exists()


def test_it_refuses_a_malformed_email(client):
    response = client.post(reverse("signup"), {**GOOD, "email": "not-an-email"})
    assert response.status_code == 422  # refused input, shown in place
    assert "Enter a valid email address" in response.content.decode()
    assert not User.objects.exists()


def test_it_refuses_mismatched_passwords(client):
    response = client.post(reverse("signup"), {**GOOD, "password2": "something-else-entirely"})
    assert response.status_code == 422  # refused input, shown in place
    assert "The two password fields didn" in response.content.decode()
    assert not User.objects.exists()


def test_errors_are_linked_to_their_fields(client):
    response = client.post(reverse("signup"), {**GOOD, "email": "nope"})
    body = response.content.decode()
    assert 'aria-invalid="true"' in body
    assert 'aria-describedby="id_email_error' in body


def test_signed_in_people_are_sent_home(client):
    client.force_login(UserFactory())
    assert client.get(reverse("signup")).url == reverse("home")


def test_the_name_field_comes_first_and_has_the_focus(client):
    page = client.get(reverse("signup")).content.decode()
    name = re.search(r"<input[^>]*name=\"name\"[^>]*>", page)
    email = re.search(r"<input[^>]*name=\"email\"[^>]*>", page)
    assert name is not None
    assert email is not None
    assert "autofocus" in name.group(0)
    assert "autofocus" not in email.group(0)


def test_a_new_account_is_welcomed_once(client):
    page = client.post(reverse("signup"), GOOD, follow=True).content.decode()
    assert page.count("Welcome") == 1
