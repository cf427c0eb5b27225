from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers


class PrivatePagesMiddleware:
    """Keep private pages out of shared and browser caches.

    Any response to a signed-in user may hold their data, so it is never
    stored. HTML pages also vary on HX-Request, because the same URL answers an
    htmx request with a fragment of the page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ["HX-Request"])
        if response.status_code >= 500:
            # An error page holds nobody's data, and asking who is signed in would read the session again:
            # with the database hanging, a second connection timeout on top of the first.
            add_never_cache_headers(response)
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
            response["Cache-Control"] += ", no-store"
        return response
