"""Request helpers for views: the htmx request type, which requests are partial, ids sent in forms."""

from __future__ import annotations

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
