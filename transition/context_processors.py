from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from transition.accounts.models import Notification, Share, User


@dataclass(frozen=True)
class _Header:
    unread: int
    # Someone shares with this person (as manager or mentor): only then is there a Team page to show.
    follows_anyone: bool


def _header(request: HttpRequest) -> _Header:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return _Header(unread=0, follows_anyone=False)
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    follows = Share.objects.filter(person=OuterRef("pk"), status=Share.Status.ACTIVE, engineer__is_active=True)
    # One query for both, as the header draws both on every page.
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)), follows_anyone=Exists(follows)
        )
        .values_list("unread", "follows_anyone")
        .first()
    )
    return _Header(*row) if row else _Header(unread=0, follows_anyone=False)


def site(request: HttpRequest) -> dict[str, object]:
    # Lazy: one query when the header is drawn, none for htmx fragments that never show it.
    header = SimpleLazyObject(lambda: _header(request))
    return {
        "htmx_config": settings.HTMX_CONFIG,
        "unread_notifications": SimpleLazyObject(lambda: header.unread),
        "follows_anyone": SimpleLazyObject(lambda: header.follows_anyone),
    }
