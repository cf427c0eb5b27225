from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from transition.accounts.models import Notification


def _unread_count(request: HttpRequest) -> int:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "htmx_config": settings.HTMX_CONFIG,
        # Lazy: one COUNT when the header is drawn, none for htmx fragments that never show it.
        "unread_notifications": SimpleLazyObject(lambda: _unread_count(request)),
    }
