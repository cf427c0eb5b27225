from __future__ import annotations

from django.http import HttpRequest


def login_username(request: HttpRequest, credentials: dict | None) -> str:
    """The username django-axes counts failures against.

    The login form's field is called "username" although it holds an email, and
    emails are compared without case, so KIM@example.com and kim@example.com
    must share one counter.
    """
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()
