"""The signed-in person's notifications. Reading the list changes nothing; opening one marks it read."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from transition.accounts.models import Notification

PAGE_SIZE = 25


def _get_notification_for_user(request: HttpRequest, pk: int) -> Notification:
    notification = Notification.objects.filter(pk=pk, recipient_id=request.user.pk).first()
    if notification is None:
        raise Http404("No such notification.")
    return notification


def _local_path(url: str) -> str:
    """The url if it is a path on this site, else "": a stored url must never send anyone elsewhere."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=set()):
        return url
    return ""


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient_id=request.user.pk)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sharing/notifications.html", {"page": page})


@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = _get_notification_for_user(request, pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    return HttpResponseRedirect(_local_path(notification.url) or reverse("sharing:notifications"))


@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = Notification.objects.filter(recipient_id=request.user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("sharing:notifications")
