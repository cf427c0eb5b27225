"""The request type of a signed-in page, so the type checker knows who the user is."""

from __future__ import annotations

from transition.accounts.models import User
from transition.lib.http import HtmxHttpRequest


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request behind LoginRequiredMiddleware: the user is signed in."""

    user: User  # type: ignore[assignment]
