"""Shares and notifications for the sharing tests, made through the services the app uses."""

from __future__ import annotations

import re

import factory
from django.core import mail
from django.utils import timezone

from tests.factories import UserFactory
from transition.accounts import services
from transition.accounts.models import Notification, Share, User


def invite(engineer: User, email: str, relation: str = "mentor", include_private: bool = False) -> tuple[Share, str]:
    return services.share_invite(engineer=engineer, email=email, relation=relation, include_private=include_private)


def active_share(engineer: User, person: User, relation: str = "mentor", include_private: bool = False) -> Share:
    _, token = invite(engineer, person.email, relation, include_private)
    return services.share_accept(token=token, user=person)


def link_path(message: mail.EmailMessage) -> str:
    """The path of the invitation link in an email (the host is SITE_URL, not the test server)."""
    match = re.search(r"https?://[^/\s]+(/sharing/accept/[^\s]+/)", str(message.body))
    assert match, message.body
    return match.group(1)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    actor = None
    kind = Notification.Kind.COMMENT
    text = factory.Sequence(lambda n: f"Riley commented on your roadmap ({n}).")
    url = "/roadmap/"

    class Params:
        read = factory.Trait(read_at=factory.LazyFunction(timezone.now))
