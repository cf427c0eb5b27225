from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.accounts.sharing_factories import active_share, invite, link_path
from tests.factories import UserFactory
from transition.accounts import services
from transition.accounts.models import Notification, Share
from transition.accounts.permissions import access_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def engineer():
    return UserFactory(name="Avery Engineer", email="avery@example.com")


@pytest.fixture
def riley():
    return UserFactory(name="Riley Mentor", email="riley@example.com")


def test_invite_keeps_only_a_hash_of_the_token(engineer):
    share, token = invite(engineer, "riley@example.com")
    assert token not in share.token_hash
    assert len(share.token_hash) == 64
    assert token in link_path(mail.outbox[0])


def test_invite_normalises_the_address(engineer):
    share, _ = invite(engineer, "  Riley@EXAMPLE.com ")
    assert share.email == "riley@example.com"
    assert mail.outbox[0].to == ["riley@example.com"]


def test_invite_refuses_the_engineer_themselves_whatever_the_case(engineer):
    with pytest.raises(services.ShareError, match="yourself"):
        invite(engineer, "AVERY@example.com")
    assert not Share.objects.exists()


def test_invite_refuses_a_second_active_share_in_the_same_role_only(engineer, riley):
    active_share(engineer, riley, "mentor")
    with pytest.raises(services.ShareError, match="already share"):
        invite(engineer, riley.email, "mentor")
    share, _ = invite(engineer, riley.email, "manager")
    assert share.status == Share.Status.PENDING


def test_a_new_invitation_replaces_the_unanswered_one(engineer, riley):
    first, old_token = invite(engineer, riley.email)
    second, new_token = invite(engineer, riley.email)
    first.refresh_from_db()
    assert first.status == Share.Status.REVOKED
    with pytest.raises(services.ShareError, match="not valid"):
        services.share_accept(token=old_token, user=riley)
    assert services.share_accept(token=new_token, user=riley).pk == second.pk


def test_accept_activates_the_share_and_tells_the_engineer(engineer, riley, django_capture_on_commit_callbacks):
    _, token = invite(engineer, riley.email, "manager")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the email waits for the commit
        share = services.share_accept(token=token, user=riley)
    assert (share.status, share.person) == (Share.Status.ACTIVE, riley)
    assert share.accepted_at is not None
    notification = Notification.objects.get()
    assert (notification.recipient, notification.actor, notification.kind) == (engineer, riley, "share_accepted")
    assert notification.text == "Riley Mentor accepted your invitation as your manager."
    assert [m.to for m in mail.outbox] == [[engineer.email]]


def test_accept_is_idempotent_for_the_same_person(engineer, riley):
    _, token = invite(engineer, riley.email)
    first = services.share_accept(token=token, user=riley)
    second = services.share_accept(token=token, user=riley)
    assert first.pk == second.pk
    assert Share.objects.count() == 1
    assert Notification.objects.count() == 1


def test_accept_refuses_an_expired_invitation(engineer, riley):
    share, token = invite(engineer, riley.email)
    Share.objects.filter(pk=share.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(services.ShareError, match="expired"):
        services.share_accept(token=token, user=riley)


def test_accept_refuses_another_address(engineer):
    _, token = invite(engineer, "riley@example.com")
    with pytest.raises(services.ShareError, match=r"sent to riley@example\.com"):
        services.share_accept(token=token, user=UserFactory(email="other@example.com"))


def test_accept_matches_the_address_without_case(engineer):
    _, token = invite(engineer, "riley@example.com")
    person = UserFactory(email="Riley@Example.com")
    assert services.share_accept(token=token, user=person).status == Share.Status.ACTIVE


def test_revoke_takes_effect_on_the_next_access_check(engineer, riley):
    share = active_share(engineer, riley)
    assert access_to(riley, engineer) is not None
    services.share_revoke(share=share)
    assert access_to(riley, engineer) is None
    share.refresh_from_db()
    assert (share.status, share.token_hash) == (Share.Status.REVOKED, "")
    assert share.ended_at is not None


def test_leave_ends_only_an_active_share(engineer, riley):
    pending, _ = invite(engineer, "someone@example.com")
    services.share_leave(share=pending)
    pending.refresh_from_db()
    assert pending.status == Share.Status.PENDING
    share = active_share(engineer, riley)
    services.share_leave(share=share)
    share.refresh_from_db()
    assert share.status == Share.Status.LEFT
    assert access_to(riley, engineer) is None


def test_set_private_opens_and_closes_notes_and_evidence(engineer, riley):
    share = active_share(engineer, riley)
    services.share_set_private(share=share, include_private=True)
    assert access_to(riley, engineer).sees_private is True
    services.share_set_private(share=share, include_private=False)
    assert access_to(riley, engineer).sees_private is False


def test_access_combines_both_relations(engineer, riley):
    active_share(engineer, riley, "manager")
    active_share(engineer, riley, "mentor", include_private=True)
    access = access_to(riley, engineer)
    assert access.is_manager
    assert access.is_mentor
    assert access.sees_private


def test_a_name_with_a_line_break_does_not_break_the_emails(riley, django_capture_on_commit_callbacks):
    # Sign-up accepts any name; an email subject may not hold a line break.
    engineer = UserFactory(name="Avery\nEngineer")
    _, token = invite(engineer, riley.email)
    riley.name = "Riley\r\nMentor"
    riley.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.share_accept(token=token, user=riley)
    assert [m.subject for m in mail.outbox] == [
        "Avery Engineer invites you to follow their move into AI leadership",
        "Transition: Riley Mentor accepted your invitation as your mentor.",
    ]


def test_notify_can_skip_the_email(engineer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipient=engineer, actor=None, kind="comment", text="Hello", email=False)
        services.notify(recipient=engineer, actor=None, kind="comment", text="And this one by email")
    assert Notification.objects.filter(recipient=engineer).count() == 2
    assert [m.subject for m in mail.outbox] == ["Transition: And this one by email"]
