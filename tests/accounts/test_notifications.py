from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.sharing_factories import NotificationFactory, active_share, invite
from tests.factories import UserFactory
from transition.accounts.models import Notification

pytestmark = pytest.mark.django_db

LIST = reverse("sharing:notifications")


@pytest.fixture
def user():
    return UserFactory(name="Avery Engineer")


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


def _nav_link(body: str) -> str:
    """The accessible name of the header's notifications link: its aria-label, or else its text."""
    match = re.search(r'<a href="/sharing/notifications/" class="nav-notifications"([^>]*)>(.*?)</a>', body, re.S)
    assert match
    label = re.search(r'aria-label="([^"]*)"', match.group(1))
    return label.group(1) if label else " ".join(re.sub(r"<[^>]+>", "", match.group(2)).split())


def _count_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"] and "accounts_notification" in q["sql"]]


# The header


def test_the_header_says_how_many_are_unread(user_client, user):
    NotificationFactory.create_batch(2, recipient=user)
    NotificationFactory(recipient=user, read=True)
    NotificationFactory()  # someone else's
    body = user_client.get(reverse("home")).content.decode()
    assert _nav_link(body) == "Notifications, 2 unread"
    assert '<span class="count-badge">2</span>' in body


def test_the_header_shows_no_count_when_all_are_read(user_client, user):
    NotificationFactory(recipient=user, read=True)
    body = user_client.get(reverse("home")).content.decode()
    assert _nav_link(body) == "Notifications"
    assert "count-badge" not in body


def _reads_the_person(sql: str) -> bool:
    return 'FROM "accounts_user" u WHERE' in sql


def test_the_header_count_comes_with_the_person_in_one_query(user_client, user):
    NotificationFactory.create_batch(3, recipient=user)
    with CaptureQueriesContext(connection) as queries:
        body = user_client.get(reverse("home")).content.decode()
    counts = _count_queries(queries)
    assert len(counts) == 1
    assert _reads_the_person(counts[0])
    assert _nav_link(body) == "Notifications, 3 unread"


def test_an_htmx_fragment_makes_no_query_of_its_own_for_the_header(user_client, user, htmx_headers):
    share = active_share(user, UserFactory())
    with CaptureQueriesContext(connection) as queries:
        response = user_client.post(
            reverse("sharing:private", args=[share.pk]), {"include_private": "1"}, **htmx_headers
        )
    assert response.status_code == 200
    assert [_reads_the_person(sql) for sql in _count_queries(queries)] == [True]


def test_visitors_see_no_notifications_link(client):
    body = client.get(reverse("landing")).content.decode()
    assert "nav-notifications" not in body


# The list


def test_the_list_shows_my_notifications_newest_first(user_client, user):
    old = NotificationFactory(recipient=user, text="Older news")
    new = NotificationFactory(recipient=user, text="Newer news")
    NotificationFactory(text="Someone else's news")
    body = user_client.get(LIST).content.decode()
    assert body.index("Newer news") < body.index("Older news")
    assert "Someone else" not in body
    assert reverse("sharing:notification_open", args=[new.pk]) in body
    assert reverse("sharing:notification_open", args=[old.pk]) in body


def test_reading_the_list_marks_nothing_read(user_client, user):
    NotificationFactory.create_batch(2, recipient=user)
    user_client.get(LIST)
    user_client.get(LIST)
    assert Notification.objects.filter(read_at__isnull=True).count() == 2


def test_the_list_marks_unread_ones(user_client, user):
    NotificationFactory(recipient=user, text="Fresh")
    NotificationFactory(recipient=user, text="Seen", read=True)
    body = user_client.get(LIST).content.decode()
    items = {
        re.search(r"(Fresh|Seen)", item).group(1): classes
        for classes, item in re.findall(r'<li class="notification( is-unread)?">(.*?)</li>', body, re.S)
    }
    assert items == {"Fresh": " is-unread", "Seen": ""}


def test_the_list_is_paged(user_client, user):
    NotificationFactory.create_batch(30, recipient=user)
    first = user_client.get(LIST).content.decode()
    assert first.count('<li class="notification') == 25
    assert "Page 1 of 2" in first
    assert user_client.get(LIST + "?page=2").content.decode().count('<li class="notification') == 5


def test_the_list_query_budget_does_not_grow(user_client, user, django_assert_num_queries):
    # session, user (with the unread count), page count, page
    NotificationFactory(recipient=user)
    with django_assert_num_queries(4):
        user_client.get(LIST)
    NotificationFactory.create_batch(10, recipient=user)
    with django_assert_num_queries(4):
        user_client.get(LIST)


def test_an_empty_list_says_so(user_client):
    assert "No notifications yet." in user_client.get(LIST).content.decode()


# Opening


def test_opening_marks_it_read_and_goes_to_its_page(user_client, user):
    notification = NotificationFactory(recipient=user, url="/roadmap/")
    other = NotificationFactory(recipient=user)
    response = user_client.post(reverse("sharing:notification_open", args=[notification.pk]))
    assert response.status_code == 302
    assert response.url == "/roadmap/"
    notification.refresh_from_db()
    other.refresh_from_db()
    assert notification.read_at is not None
    assert other.read_at is None


def test_opening_again_keeps_the_first_read_time(user_client, user):
    notification = NotificationFactory(recipient=user, read=True)
    first = notification.read_at
    user_client.post(reverse("sharing:notification_open", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.read_at == first


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "roadmap/", ""]
)
def test_opening_never_leaves_the_site(user_client, user, url):
    notification = NotificationFactory(recipient=user, url=url)
    response = user_client.post(reverse("sharing:notification_open", args=[notification.pk]))
    assert response.url == LIST


def test_someone_elses_notification_is_404(user_client):
    notification = NotificationFactory()
    assert user_client.post(reverse("sharing:notification_open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_opening_is_a_post(user_client, user):
    notification = NotificationFactory(recipient=user)
    assert user_client.get(reverse("sharing:notification_open", args=[notification.pk])).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_marks_only_mine(user_client, user):
    NotificationFactory.create_batch(3, recipient=user)
    theirs = NotificationFactory()
    response = user_client.post(reverse("sharing:notifications_read_all"))
    assert response.url == LIST
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    body = user_client.get(LIST).content.decode()
    assert "3 notifications marked as read." in body
    assert _nav_link(body) == "Notifications"


# What sends them


def test_an_accepted_invitation_notifies_and_emails_the_engineer(
    client, user, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://transition.example.com"
    _, token = invite(user, "riley@example.com", "manager")
    mail.outbox.clear()
    riley = UserFactory(name="Riley Mentor", email="riley@example.com")
    client.force_login(riley)
    with django_capture_on_commit_callbacks(execute=True):  # the email waits for the commit
        client.post(reverse("sharing:accept", args=[token]))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "Transition: Riley Mentor accepted your invitation as your manager."
    assert "https://transition.example.com/sharing/" in message.body
    client.force_login(user)
    body = client.get(reverse("home")).content.decode()
    assert _nav_link(body) == "Notifications, 1 unread"
    assert "Riley Mentor accepted your invitation as your manager." in client.get(LIST).content.decode()
