from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from transition.accounts.backends import UserBackend


@dataclass(frozen=True)
class _Header:
    unread: int
    # Someone shares with this person (as manager or mentor): only then is there a Team page to show.
    follows_anyone: bool


def _header(request: HttpRequest) -> _Header:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return _Header(unread=0, follows_anyone=False)
    # Read with the person, in the same query (transition.accounts.backends.UserBackend). A page never
    # changes either before drawing its header: marking notifications read and accepting a share are
    # POSTs that redirect, so the next page reads them afresh.
    if not hasattr(user, "header_unread"):
        # Signed in during this very request: login() keeps the object it was given. Read as the next
        # request will.
        user = UserBackend().get_user(user.pk) or user
    unread, follows = getattr(user, "header_unread", 0), getattr(user, "header_follows", False)
    return _Header(unread=int(unread), follows_anyone=bool(follows))


# What the base template links to: the same addresses on every page, so reversed once per process
# (names with ":" become "_", as a template reads them: site_links.assessments_history).
SITE_LINKS = (
    "account:settings",
    "assessments:framework",
    "assessments:history",
    "assessments:sources",
    "assessments:start",
    "home",
    "landing",
    "login",
    "logout",
    "password_change",
    "roadmaps:home",
    "roadmaps:new",
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
