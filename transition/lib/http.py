"""Request helpers for views: the htmx request type, which requests are partial, ids sent in forms."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def is_partial(request: HtmxHttpRequest) -> bool:
    """An htmx request that swaps in a part of the page. Boosted requests and history restores
    need the whole page."""
    return bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request


def sent_id(value: object) -> int:
    """A primary key sent in a form or a query string, or 0, which matches no row, when it is not one.

    str.isdigit alone lets through digits such as "²" that int() or the database then refuse.
    """
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() else 0


# The status of an answer that refuses what was sent and carries the form, message in place, to show.
# 422 rather than 400: HTMX_CONFIG swaps both, but with DEBUG on django-htmx's script replaces the whole
# document with any 400 answer (it means "a broken request" to it), so a mistyped number blanked the page.
INVALID = 422


def site_url(request: HttpRequest | None = None) -> str:
    """The site's address for links that leave it (emails): SITE_URL, else the address ``request`` came in
    on (its host already checked against ALLOWED_HOSTS), else the first allowed host."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{settings.ALLOWED_HOSTS[0]}"
