from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone


def login_username(request: HttpRequest, credentials: dict | None) -> str:
    """The username django-axes counts failures against.

    The login form's field is called "username" although it holds an email, and
    emails are compared without case, so KIM@example.com and kim@example.com
    must share one counter.
    """
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()


def account_is_throttled(username: str) -> bool:
    """Too many recent failures on this account from any address (a spread-out guessing attack).

    django-axes locks a username per address after a few failures; this second,
    higher limit counts every address together, so an attacker who rotates
    addresses is slowed too, while the real user, below it, still signs in.
    """
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(username=username.strip().lower(), attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return (failures or 0) >= settings.ACCOUNT_FAILURE_LIMIT
