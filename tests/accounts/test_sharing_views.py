from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertHTMLEqual

from tests.accounts.sharing_factories import active_share, invite
from tests.factories import UserFactory
from tests.queue import drain
from transition.accounts import services
from transition.accounts.models import Share
from transition.accounts.permissions import access_to

pytestmark = pytest.mark.django_db

LIST = reverse("sharing:list")


@pytest.fixture
def engineer():
    return UserFactory(name="Avery Engineer", email="avery@example.com")


@pytest.fixture
def mentor():
    return UserFactory(name="Riley Mentor", email="riley@example.com")


@pytest.fixture
def engineer_client(client, engineer):
    client.force_login(engineer)
    return client


def _row(html: str, row_id: str) -> str:
    match = re.search(rf'<tr id="{row_id}".*?</tr>', html, re.S)
    assert match, f"no row {row_id}"
    # CSRF tokens are masked afresh on every render.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', match.group(0))


# The list


def test_it_needs_a_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_lists_pending_and_active_shares_with_relation_and_status(engineer_client, engineer, mentor):
    active_share(engineer, mentor, "mentor")
    invite(engineer, "boss@example.com", "manager")
    body = engineer_client.get(LIST).content.decode()
    mentor_row = _row(body, f"share-{Share.objects.get(email=mentor.email).pk}")
    assert "Riley Mentor" in mentor_row
    assert "Mentor" in mentor_row
    assert "Active" in mentor_row
    pending_row = _row(body, f"share-{Share.objects.get(email='boss@example.com').pk}")
    assert "Manager" in pending_row
    assert "Invited" in pending_row
    assert "Revoke" in mentor_row
    assert "Revoke" in pending_row
    # Two steps without JavaScript: the revoking button waits inside a closed disclosure.
    assert '<details class="confirm">' in mentor_row
    assert "Stop sharing" in mentor_row
    assert "Withdraw the invitation" in pending_row


def test_it_says_whether_notes_and_evidence_are_included(engineer_client, engineer, mentor):
    shared = active_share(engineer, mentor, include_private=True)
    withheld, _ = invite(engineer, "boss@example.com", "manager")
    body = engineer_client.get(LIST).content.decode()
    assert "Included" in _row(body, f"share-{shared.pk}")
    assert "Stop including" in _row(body, f"share-{shared.pk}")
    assert "Not included" in _row(body, f"share-{withheld.pk}")


def test_it_leaves_out_ended_shares(engineer_client, engineer, mentor):
    share = active_share(engineer, mentor)
    services.share_revoke(share=share)
    body = engineer_client.get(LIST).content.decode()
    assert f'id="share-{share.pk}"' not in body
    assert "You have not shared your progress with anyone yet" in body


def test_it_shows_an_expired_invitation_with_a_send_again_button(engineer_client, engineer):
    share, _ = invite(engineer, "late@example.com")
    Share.objects.filter(pk=share.pk).update(expires_at=share.created_at.replace(year=2000))
    row = _row(engineer_client.get(LIST).content.decode(), f"share-{share.pk}")
    assert "Invitation expired" in row
    assert "Send again" in row


def test_it_shows_nobody_elses_shares(engineer_client, mentor):
    other = UserFactory(name="Other Engineer")
    active_share(other, mentor)
    body = engineer_client.get(LIST).content.decode()
    assert "Riley Mentor" not in body
    assert "Other Engineer" not in body


def test_the_invite_form_leaves_notes_and_evidence_out_by_default(engineer_client):
    body = engineer_client.get(LIST).content.decode()
    checkbox = re.search(r'<input type="checkbox" name="include_private"[^>]*>', body)
    assert checkbox
    assert "checked" not in checkbox.group(0)
    assert 'type="radio" name="relation" value="manager"' in body
    assert 'type="radio" name="relation" value="mentor"' in body


def test_the_list_costs_the_same_queries_for_many_shares(engineer_client, engineer, django_assert_num_queries):
    # session, user (with the header's counts), shares given, shares received
    active_share(engineer, UserFactory())
    with django_assert_num_queries(4):
        engineer_client.get(LIST)
    for _ in range(4):
        active_share(engineer, UserFactory(), "manager")
        active_share(UserFactory(), engineer)
    with django_assert_num_queries(4):
        response = engineer_client.get(LIST)
    body = response.content.decode()
    assert body.count('<tr id="share-') == 5
    assert body.count('<tr id="received-') == 4


# Inviting


@pytest.mark.durable_queue
def test_an_invitation_is_saved_at_once_and_its_email_queued(engineer_client, engineer, monkeypatch):
    def refused(self, messages):
        raise AssertionError("a page must not talk to the mail server")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refused)
    response = engineer_client.post(LIST, {"email": "boss@example.com", "relation": "manager"}, follow=True)
    share = Share.objects.get()
    assert share.status == Share.Status.PENDING
    page = response.content.decode()
    assert "Invitation to boss@example.com saved; its email is on its way" in page
    assert "/sharing/accept/" in page  # the link, once, to send another way if the email never comes
    assert "Email queued" in _row(page, f"share-{share.pk}")


@pytest.mark.durable_queue
def test_an_invitation_whose_email_failed_says_so_and_offers_to_send_again(
    engineer_client, engineer, monkeypatch, settings
):
    settings.TASK_MAX_ATTEMPTS = 1

    def refused(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refused)
    engineer_client.post(LIST, {"email": "boss@example.com", "relation": "manager"})
    drain()
    share = Share.objects.get()
    row = _row(engineer_client.get(LIST).content.decode(), f"share-{share.pk}")
    assert "The email could not be sent" in row
    assert "Send again" in row

    monkeypatch.undo()
    engineer_client.post(LIST, {"email": "boss@example.com", "relation": "manager"})
    drain()
    assert [m.to for m in mail.outbox] == [["boss@example.com"]]
    new = Share.objects.get(status=Share.Status.PENDING)
    assert new.pk != share.pk  # a new link; the old one no longer works
    assert "Email sent" in _row(engineer_client.get(LIST).content.decode(), f"share-{new.pk}")


def test_it_sends_an_invitation_and_shows_it_as_pending(engineer_client, engineer):
    response = engineer_client.post(LIST, {"email": "Boss@Example.com", "relation": "manager"})
    assert response.status_code == 302
    assert response.url == LIST
    share = Share.objects.get()
    assert (share.engineer, share.email, share.relation) == (engineer, "boss@example.com", "manager")
    assert share.status == Share.Status.PENDING
    assert share.include_private is False
    assert [m.to for m in mail.outbox] == [["boss@example.com"]]
    page = engineer_client.get(LIST).content.decode()
    assert "Invitation to boss@example.com saved" in page
    assert "Invited" in _row(page, f"share-{share.pk}")


def test_the_invitation_link_is_built_from_site_url(engineer_client, settings):
    settings.SITE_URL = "https://transition.example.com"
    engineer_client.post(LIST, {"email": "boss@example.com", "relation": "manager"})
    assert "https://transition.example.com/sharing/accept/" in mail.outbox[0].body


def test_without_site_url_the_invitation_links_to_the_address_the_page_was_asked_at(engineer_client, settings):
    # Not a guessed http://127.0.0.1:8000, which was wrong whenever the server ran anywhere else.
    settings.SITE_URL = ""
    engineer_client.post(LIST, {"email": "boss@example.com", "relation": "manager"}, HTTP_HOST="localhost:8101")
    assert "http://localhost:8101/sharing/accept/" in mail.outbox[0].body
    assert "127.0.0.1" not in mail.outbox[0].body


def test_it_includes_notes_and_evidence_only_when_ticked(engineer_client):
    engineer_client.post(LIST, {"email": "a@example.com", "relation": "mentor", "include_private": "on"})
    engineer_client.post(LIST, {"email": "b@example.com", "relation": "mentor"})
    assert Share.objects.get(email="a@example.com").include_private is True
    assert Share.objects.get(email="b@example.com").include_private is False


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email", "relation": "mentor"}, "Enter a valid email address."),
        ({"email": "AVERY@example.com", "relation": "mentor"}, "You cannot share with yourself."),
        ({"email": "someone@example.com"}, "Choose manager or mentor."),
        ({"email": "someone@example.com", "relation": "owner"}, "Choose manager or mentor."),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(engineer_client, data, message):
    response = engineer_client.post(LIST, data)
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert "The invitation was not sent" in body
    assert not Share.objects.exists()
    assert not mail.outbox


def test_it_refuses_someone_who_already_sees_my_data_in_that_role(engineer_client, engineer, mentor):
    active_share(engineer, mentor, "mentor")
    mail.outbox.clear()
    response = engineer_client.post(LIST, {"email": mentor.email, "relation": "mentor"})
    assert response.status_code == 422
    assert "You already share with riley@example.com as your mentor." in response.content.decode()
    assert 'value="riley@example.com"' in response.content.decode()  # what they typed stays
    assert Share.objects.count() == 1
    assert not mail.outbox


def test_the_email_error_is_linked_to_its_field(engineer_client):
    body = engineer_client.post(LIST, {"email": "nope", "relation": "mentor"}).content.decode()
    assert 'aria-invalid="true"' in body
    assert 'aria-describedby="id_email_error' in body


# Revoking


def test_revoke_ends_access_on_the_next_request(engineer_client, engineer, mentor):
    share = active_share(engineer, mentor)
    assert access_to(mentor, engineer) is not None
    response = engineer_client.post(reverse("sharing:revoke", args=[share.pk]))
    assert response.status_code == 302
    assert response.url == LIST
    assert access_to(mentor, engineer) is None
    share.refresh_from_db()
    assert share.status == Share.Status.REVOKED
    assert "Riley Mentor no longer sees your data." in engineer_client.get(LIST).content.decode()


def test_revoking_an_invitation_kills_its_link(engineer_client, engineer, client):
    share, token = invite(engineer, "boss@example.com", "manager")
    engineer_client.post(reverse("sharing:revoke", args=[share.pk]))
    boss = UserFactory(email="boss@example.com")
    client.force_login(boss)
    assert client.post(reverse("sharing:accept", args=[token])).status_code == 400
    assert access_to(boss, engineer) is None


def test_revoke_with_htmx_answers_the_row_marked_ended(engineer_client, engineer, mentor, htmx_headers):
    share = active_share(engineer, mentor)
    response = engineer_client.post(reverse("sharing:revoke", args=[share.pk]), **htmx_headers)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="share-{share.pk}" class="is-ended">')
    assert "No longer sees your data" in body
    assert "<html" not in body
    # Screen readers hear the outcome through the page's status region.
    assert 'id="sharing-status" hx-swap-oob="innerHTML">Riley Mentor no longer sees your data.' in body
    assert access_to(mentor, engineer) is None


@pytest.mark.parametrize("who", ["person", "stranger"])
def test_only_the_engineer_can_revoke(client, engineer, mentor, who):
    share = active_share(engineer, mentor)
    client.force_login(mentor if who == "person" else UserFactory())
    assert client.post(reverse("sharing:revoke", args=[share.pk])).status_code == 404
    share.refresh_from_db()
    assert share.status == Share.Status.ACTIVE


def test_revoke_is_a_post(engineer_client, engineer, mentor):
    share = active_share(engineer, mentor)
    assert engineer_client.get(reverse("sharing:revoke", args=[share.pk])).status_code == 405
    share.refresh_from_db()
    assert share.status == Share.Status.ACTIVE


# Notes and evidence


def test_the_toggle_opens_and_closes_notes_and_evidence(engineer_client, engineer, mentor):
    share = active_share(engineer, mentor)
    url = reverse("sharing:private", args=[share.pk])
    assert access_to(mentor, engineer).sees_private is False
    assert engineer_client.post(url, {"include_private": "1"}).status_code == 302
    assert access_to(mentor, engineer).sees_private is True
    engineer_client.post(url, {"include_private": "0"})
    assert access_to(mentor, engineer).sees_private is False


def test_the_htmx_row_is_the_row_of_a_fresh_page(engineer_client, engineer, mentor, htmx_headers):
    share = active_share(engineer, mentor)
    url = reverse("sharing:private", args=[share.pk])
    fragment = engineer_client.post(url, {"include_private": "1"}, **htmx_headers).content.decode()
    assert "now sees your notes and evidence" in fragment
    fresh = engineer_client.get(LIST).content.decode()
    assertHTMLEqual(_row(fragment, f"share-{share.pk}"), _row(fresh, f"share-{share.pk}"))
    assert "Stop including" in _row(fresh, f"share-{share.pk}")


def test_a_boosted_request_gets_the_whole_page(engineer_client, engineer, mentor):
    share = active_share(engineer, mentor)
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_BOOSTED": "true"}
    response = engineer_client.post(reverse("sharing:private", args=[share.pk]), {"include_private": "1"}, **headers)
    assert response.status_code == 302


@pytest.mark.parametrize("value", ["", "yes", "2"])
def test_the_toggle_refuses_a_value_other_than_0_or_1(engineer_client, engineer, mentor, htmx_headers, value):
    share = active_share(engineer, mentor)
    response = engineer_client.post(
        reverse("sharing:private", args=[share.pk]), {"include_private": value}, **htmx_headers
    )
    assert response.status_code == 422
    assert "Choose whether to include notes and evidence." in response.content.decode()
    share.refresh_from_db()
    assert share.include_private is False


def test_the_toggle_refuses_an_ended_share(engineer_client, engineer, mentor):
    share = active_share(engineer, mentor)
    services.share_revoke(share=share)
    response = engineer_client.post(reverse("sharing:private", args=[share.pk]), {"include_private": "1"})
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.include_private is False
    assert "This share has ended" in engineer_client.get(LIST).content.decode()


def test_only_the_engineer_can_open_their_notes(client, engineer, mentor):
    share = active_share(engineer, mentor)
    client.force_login(mentor)
    assert client.post(reverse("sharing:private", args=[share.pk]), {"include_private": "1"}).status_code == 404
    share.refresh_from_db()
    assert share.include_private is False


# Shared with me


def test_shared_with_me_lists_active_shares_with_links(client, engineer, mentor):
    share = active_share(engineer, mentor)
    client.force_login(mentor)
    row = _row(client.get(LIST).content.decode(), f"received-{share.pk}")
    assert "Avery Engineer" in row
    assert "mentor" in row
    assert f'href="/team/people/{engineer.pk}/results/"' in row
    assert f'href="/team/people/{engineer.pk}/roadmap/"' in row
    assert "Leave" in row


def test_shared_with_me_leaves_out_ended_shares(client, engineer, mentor):
    share = active_share(engineer, mentor)
    services.share_leave(share=share)
    client.force_login(mentor)
    body = client.get(LIST).content.decode()
    assert f'id="received-{share.pk}"' not in body
    assert "Nobody shares their progress with you yet" in body


def test_leave_ends_the_persons_access(client, engineer, mentor):
    share = active_share(engineer, mentor)
    client.force_login(mentor)
    response = client.post(reverse("sharing:leave", args=[share.pk]))
    assert response.status_code == 302
    assert access_to(mentor, engineer) is None
    share.refresh_from_db()
    assert share.status == Share.Status.LEFT
    assert "You no longer follow Avery Engineer." in client.get(LIST).content.decode()


def test_leave_with_htmx_answers_the_row(client, engineer, mentor, htmx_headers):
    share = active_share(engineer, mentor)
    client.force_login(mentor)
    body = client.post(reverse("sharing:leave", args=[share.pk]), **htmx_headers).content.decode()
    assert body.lstrip().startswith(f'<tr id="received-{share.pk}" class="is-ended">')
    assert "You left" in body
    assert "/team/people/" not in body


@pytest.mark.parametrize("who", ["engineer", "stranger"])
def test_only_the_person_can_leave(client, engineer, mentor, who):
    share = active_share(engineer, mentor)
    client.force_login(engineer if who == "engineer" else UserFactory())
    assert client.post(reverse("sharing:leave", args=[share.pk])).status_code == 404
    share.refresh_from_db()
    assert share.status == Share.Status.ACTIVE
