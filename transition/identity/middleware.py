from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from transition.identity.views import MUST_ENROL

# While enrolment is owed, only these pages answer: setting up the app or a security key, and signing out.
ALLOWED_WHILE_ENROLLING = ("identity:totp_setup", "identity:passkeys", "logout")


class TwoFactorRequiredMiddleware:
    """A password sign-in to an organisation that requires two-factor sign-in goes nowhere until it is set up.

    The sign-in view decides (one look-up per sign-in) and leaves a mark in the session; this reads only
    the session, so pages keep their query budgets.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        session = getattr(request, "session", None)
        if session is None or not session.get(MUST_ENROL):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ALLOWED_WHILE_ENROLLING:
            return None
        return HttpResponseRedirect(reverse("identity:totp_setup"))
