"""The backend that reads the signed-in person on every request, with the header's counts in the same query."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.accounts.sharing_factories import NotificationFactory, active_share
from tests.factories import UserFactory
from transition.accounts.backends import PASSWORD_BACKEND, UserBackend
from transition.accounts.models import Notification

pytestmark = pytest.mark.django_db


def test_it_reads_the_person_and_the_header_counts_in_one_query(django_assert_num_queries):
    engineer, manager = UserFactory(), UserFactory()
    active_share(engineer, manager, "manager")
    NotificationFactory.create_batch(2, recipient=manager)
    NotificationFactory(recipient=manager, read=True)
    NotificationFactory(recipient=engineer)
    with django_assert_num_queries(1):
        found = UserBackend().get_user(manager.pk)
    assert found == manager
    assert (found.header_unread, bool(found.header_follows)) == (2, True)
    alone = UserBackend().get_user(engineer.pk)
    unread = Notification.objects.filter(recipient=engineer, read_at__isnull=True).count()  # the share's, and one
    assert (alone.header_unread, bool(alone.header_follows)) == (unread, False)
    assert unread >= 1


def test_it_counts_no_share_from_a_deactivated_engineer():
    engineer, manager = UserFactory(is_active=False), UserFactory()
    active_share(engineer, manager, "manager")
    assert not UserBackend().get_user(manager.pk).header_follows


def test_it_finds_no_one_for_an_unknown_or_deactivated_person():
    gone = UserFactory(is_active=False)
    assert UserBackend().get_user(gone.pk) is None
    assert UserBackend().get_user(gone.pk + 1000) is None


def test_it_still_signs_people_in_with_a_password():
    user = UserFactory()
    user.set_password("a long enough password")
    user.save()
    assert UserBackend().authenticate(None, username=user.email, password="a long enough password") == user
    assert UserBackend().authenticate(None, username=user.email, password="wrong password") is None


def test_signing_up_keeps_this_backend_in_the_session_and_the_first_page_draws_the_header(client):
    response = client.post(
        reverse("signup"),
        {
            "email": "new@example.com",
            "name": "New",
            "password1": "a long enough password",
            "password2": "a long enough password",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert client.session[SESSION_KEY]
    assert client.session["_auth_user_backend"] == PASSWORD_BACKEND
    assert 'class="nav-notifications"' in response.content.decode()
