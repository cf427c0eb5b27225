from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from transition.accounts.models import Notification, Share, User


@dataclass(frozen=True)
class _Header:
    unread: int
    # Someone shares with this person (as manager or mentor): only then is there a Team page to show.
    follows_anyone: bool


@functools.cache
def _header_sql() -> str:
    """The header's one query, written once per process from the models' table and column names.

    Every signed-in page runs it: built by the ORM (two subqueries, an annotation) it cost more CPU
    to compile than the rest of the smallest page to draw, for the same SQL every time.
    """
    notification, share, user = Notification._meta, Share._meta, User._meta

    def col(meta, name: str) -> str:
        return connection.ops.quote_name(meta.get_field(name).column)

    table = connection.ops.quote_name
    # Only quoted table and column names go into the text; the values are parameters.
    return (
        f"SELECT (SELECT COUNT(*) FROM {table(notification.db_table)}"  # noqa: S608  # nosec B608
        f" WHERE {col(notification, 'recipient')} = %s AND {col(notification, 'read_at')} IS NULL),"
        f" EXISTS(SELECT 1 FROM {table(share.db_table)} s JOIN {table(user.db_table)} e"
        f" ON e.{col(user, 'id')} = s.{col(share, 'engineer')}"
        f" WHERE s.{col(share, 'person')} = %s AND s.{col(share, 'status')} = %s AND e.{col(user, 'is_active')})"
    )


def _header(request: HttpRequest) -> _Header:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return _Header(unread=0, follows_anyone=False)
    # One query for both, as the header draws both on every page.
    with connection.cursor() as cursor:
        cursor.execute(_header_sql(), [user.pk, user.pk, Share.Status.ACTIVE.value])
        unread, follows = cursor.fetchone()
    return _Header(unread=int(unread), follows_anyone=bool(follows))


# What the base template links to: the same addresses on every page, so reversed once per process
# (names with ":" become "_", as a template reads them: site_links.assessments_history).
SITE_LINKS = (
    "account:settings",
    "assessments:framework",
    "assessments:history",
    "assessments:sources",
    "home",
    "landing",
    "login",
    "logout",
    "password_change",
    "roadmaps:home",
    "sharing:list",
    "sharing:notifications",
    "signup",
    "team:dashboard",
)


@functools.cache
def _site_links() -> dict[str, str]:
    return {name.replace(":", "_"): reverse(name) for name in SITE_LINKS}


def site(request: HttpRequest) -> dict[str, object]:
    # Lazy: one query when the header is drawn, none for htmx fragments that never show it.
    header = SimpleLazyObject(lambda: _header(request))
    return {
        "htmx_config": settings.HTMX_CONFIG,
        "site_links": _site_links(),
        "unread_notifications": SimpleLazyObject(lambda: header.unread),
        "follows_anyone": SimpleLazyObject(lambda: header.follows_anyone),
    }
