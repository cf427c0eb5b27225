from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.accounts.sharing_factories import invite, link_path
from tests.factories import PASSWORD, UserFactory
from transition.accounts import services
from transition.accounts.models import Notification, Share, User
from transition.accounts.permissions import access_to

pytestmark = pytest.mark.django_db

PASSPHRASE = "a-long-unusual-passphrase"


@pytest.fixture
def engineer():
    return UserFactory(name="Avery Engineer", email="avery@example.com")


@pytest.fixture
def invitation(engineer):
    """A pending mentor invitation to riley@example.com, as the path in the email that carries it."""
    invite(engineer, "riley@example.com", "mentor")
    return link_path(mail.outbox[-1])


@pytest.fixture
def riley():
    return UserFactory(name="Riley Mentor", email="riley@example.com")


def _links(body: str) -> dict[str, str]:
    """The page's links by their text."""
    return {
        re.sub(r"<[^>]+>", "", text).strip(): html.unescape(href)
        for href, text in re.findall(r'<a class="button[^"]*" href="([^"]+)">(.*?)</a>', body)
    }


def test_the_email_link_shows_who_invites_you_and_as_what(client, invitation):
    response = client.get(invitation)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Avery Engineer invites you to be their mentor" in body
    assert "riley@example.com" in body


def test_a_visitor_gets_sign_in_and_sign_up_links_that_come_back(client, invitation):
    links = _links(client.get(invitation).content.decode())
    for text, view in [("Sign in to accept", "login"), ("Create an account", "signup")]:
        url = urlsplit(links[text])
        assert url.path == reverse(view)
        assert parse_qs(url.query) == {"next": [invitation], "email": ["riley@example.com"]}


def test_the_invitation_page_query_budget(client, invitation, riley, django_assert_num_queries):
    with django_assert_num_queries(1):  # the share with its engineer
        client.get(invitation)
    client.force_login(riley)
    with django_assert_num_queries(3):  # session, user (with the unread count), the share
        client.get(invitation)


def test_the_invitation_page_is_never_cached(client, invitation):
    assert "no-store" in client.get(invitation)["Cache-Control"]


def test_accepting_makes_the_share_active(client, engineer, invitation, riley):
    client.force_login(riley)
    response = client.post(invitation)
    assert response.status_code == 302
    assert response.url == reverse("sharing:list")
    share = Share.objects.get()
    assert (share.status, share.person, share.relation) == (Share.Status.ACTIVE, riley, "mentor")
    assert access_to(riley, engineer).is_mentor
    assert "You now follow Avery Engineer as their mentor." in client.get(response.url).content.decode()


def test_accepting_twice_creates_one_share(client, engineer, invitation, riley):
    client.force_login(riley)
    assert client.post(invitation).status_code == 302
    assert client.post(invitation).status_code == 302
    assert Share.objects.filter(status=Share.Status.ACTIVE).count() == 1
    assert Notification.objects.filter(recipient=engineer).count() == 1
    # Opening the link again afterwards says so, rather than calling the link invalid.
    response = client.get(invitation)
    assert response.status_code == 200
    assert "You have accepted this invitation already." in response.content.decode()


def test_an_unknown_token_gets_a_clear_page(client, riley):
    client.force_login(riley)
    for method in (client.get, client.post):
        response = method(reverse("sharing:accept", args=["x" * 43]))
        assert response.status_code == 400
        assert "This invitation link is not valid." in response.content.decode()


def test_a_tampered_token_is_refused(client, invitation, riley):
    token = invitation.rstrip("/").rsplit("/", 1)[1]
    tampered = reverse("sharing:accept", args=[token[:-1] + ("A" if token[-1] != "A" else "B")])
    client.force_login(riley)
    response = client.post(tampered)
    assert response.status_code == 400
    assert "This invitation link is not valid." in response.content.decode()
    assert Share.objects.get().status == Share.Status.PENDING


def test_an_expired_token_is_refused(client, invitation, riley):
    Share.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(invitation).status_code == 400
    client.force_login(riley)
    response = client.post(invitation)
    assert response.status_code == 400
    assert "This invitation has expired." in response.content.decode()
    assert Share.objects.get().status == Share.Status.PENDING


def test_a_used_token_is_refused_to_anyone_else(client, invitation, riley):
    client.force_login(riley)
    client.post(invitation)
    client.logout()
    assert client.get(invitation).status_code == 400
    client.force_login(UserFactory(email="someone@example.com"))
    response = client.post(invitation)
    assert response.status_code == 400
    assert "already been used or was withdrawn" in response.content.decode()
    assert Share.objects.get().person == riley


def test_a_withdrawn_invitation_is_refused(client, engineer, invitation, riley):
    services.share_revoke(share=Share.objects.get())
    client.force_login(riley)
    assert client.post(invitation).status_code == 400
    assert access_to(riley, engineer) is None


def test_the_wrong_account_is_told_and_refused(client, engineer, invitation):
    someone = UserFactory(email="someone@example.com")
    client.force_login(someone)
    page = client.get(invitation).content.decode()
    assert "This invitation was sent to <strong>riley@example.com</strong>" in page
    assert "Accept as mentor" not in page
    response = client.post(invitation)
    assert response.status_code == 400
    assert "This invitation was sent to riley@example.com." in response.content.decode()
    assert Share.objects.get().status == Share.Status.PENDING
    assert access_to(someone, engineer) is None


def test_the_engineer_cannot_accept_their_own_invitation(client, engineer, invitation):
    client.force_login(engineer)
    assert "This is your own invitation" in client.get(invitation).content.decode()
    assert client.post(invitation).status_code == 400
    assert Share.objects.get().status == Share.Status.PENDING


def test_a_visitor_who_posts_is_sent_to_sign_in(client, invitation):
    response = client.post(invitation)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={invitation}"
    assert Share.objects.get().status == Share.Status.PENDING


def test_sign_up_through_the_invitation_link(client, engineer, invitation):
    signup = _links(client.get(invitation).content.decode())["Create an account"]
    form = client.get(signup).content.decode()
    assert 'value="riley@example.com"' in form
    response = client.post(
        signup,
        {"name": "Riley Mentor", "email": "riley@example.com", "password1": PASSPHRASE, "password2": PASSPHRASE},
    )
    assert response.status_code == 302
    assert response.url == invitation
    page = client.get(invitation).content.decode()
    assert "Accept as mentor" in page
    assert client.post(invitation).url == reverse("sharing:list")
    riley = User.objects.get(email="riley@example.com")
    share = Share.objects.get()
    assert (share.status, share.person) == (Share.Status.ACTIVE, riley)
    assert access_to(riley, engineer) is not None


def test_sign_in_through_the_invitation_link(client, engineer, invitation, riley):
    login = _links(client.get(invitation).content.decode())["Sign in to accept"]
    response = client.post(login, {"username": riley.email, "password": PASSWORD, "next": invitation})
    assert response.url == invitation
    client.post(invitation)
    assert access_to(riley, engineer) is not None


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_sign_up_ignores_a_next_that_leaves_the_site(client, target):
    url = reverse("signup") + "?" + f"next={target}"
    response = client.post(
        url, {"name": "Sam", "email": "sam@example.com", "password1": PASSPHRASE, "password2": PASSPHRASE}
    )
    assert response.url == reverse("home")


def test_signed_in_people_opening_sign_up_from_an_invitation_go_back_to_it(client, invitation, riley):
    client.force_login(riley)
    assert client.get(reverse("signup") + f"?next={invitation}").url == invitation
