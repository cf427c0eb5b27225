"""Sign-in throttling that an attacker cannot turn against the account's owner.

Two limits: django-axes locks an email *from one address* after AXES_FAILURE_LIMIT failures, and
ACCOUNT_FAILURE_LIMIT counts one account's failures from every address together within the cool-off
(at most 4 × 20 = 80 an hour by default, under ASVS's 100), so an attacker rotating addresses is slowed.

The account-wide limit does not stop the owner: a browser that signed in to the account before carries
a signed mark of it (a cookie bound to the current password), and completing a password reset lifts the
account's failures and marks that browser. A guess from an unmarked browser stays refused.
"""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.core import signing
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from transition.accounts.models import User

KNOWN_DEVICE_COOKIE = "transition_device"
_SALT = "transition.accounts.known-device"
_MAX_AGE = timedelta(days=365)
_MAX_ACCOUNTS = 5  # a shared computer may be a known device of a few people
USERNAME_MAX = 254  # an email address is at most 254 characters; axes stores at most 255


def login_username(request: HttpRequest, credentials: dict | None) -> str:
    """The username django-axes counts failures against.

    The login form's field is called "username" although it holds an email, and
    emails are compared without case, so KIM@example.com and kim@example.com
    must share one counter. Cut to what axes' column holds: no real account is longer.
    """
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()[: USERNAME_MAX + 1]


def account_is_throttled(username: str) -> bool:
    """Too many recent failures on this account from any address (a spread-out guessing attack)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(username=username.strip().lower(), attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return (failures or 0) >= settings.ACCOUNT_FAILURE_LIMIT


def _mark(user: User) -> str:
    # Bound to the password hash: a password change or reset ends the marks of every other browser.
    return salted_hmac(_SALT, f"{user.pk}:{user.password}", algorithm="sha256").hexdigest()[:32]


def _marks(request: HttpRequest) -> list[str]:
    raw = request.COOKIES.get(KNOWN_DEVICE_COOKIE, "")
    if not raw:
        return []
    try:
        value = signing.loads(raw, salt=_SALT, max_age=_MAX_AGE)
    except signing.BadSignature:
        return []
    return [str(m) for m in value][:_MAX_ACCOUNTS] if isinstance(value, list) else []


def is_known_device(request: HttpRequest, username: str) -> bool:
    """Has this browser signed in to this account before, since its password was last set?"""
    marks = _marks(request)
    if not marks:
        return False
    user = User.objects.filter(email__iexact=username.strip()).only("pk", "password").first()
    if user is None:
        return False
    mark = _mark(user)
    return any(constant_time_compare(mark, m) for m in marks)


def remember_device(request: HttpRequest, response: HttpResponse, user: User) -> None:
    """After a successful sign-in or password reset: this browser is the owner's."""
    mark = _mark(user)
    marks = [mark, *[m for m in _marks(request) if m != mark]][:_MAX_ACCOUNTS]
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        signing.dumps(marks, salt=_SALT),
        max_age=int(_MAX_AGE.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def lockout_lift(*, user: User) -> None:
    """A completed password reset proves the owner: forget the account's failures from every address."""
    AccessAttempt.objects.filter(username=user.email.lower()).delete()
