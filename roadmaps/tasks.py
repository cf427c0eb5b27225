"""Background tasks of the roadmaps: one engineer's monthly digest."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from roadmaps.models import Roadmap
from roadmaps.selectors import roadmap_view
from transition.accounts.models import DigestSent
from transition.accounts.outbox import email_queue
from transition.lib.http import site_url


@task()
def send_digest(user_id: int, month: str) -> str:
    """Queue one engineer's digest for ``month`` (YYYY-MM-01), once: running it twice queues one email.

    The digest record and the outbox row commit together, under unique keys, so a retried or repeated
    task finds the record and stops.
    """
    month_date = datetime.date.fromisoformat(month)
    roadmap = Roadmap.objects.select_related("owner").filter(owner_id=user_id, owner__is_active=True).first()
    if roadmap is None:
        return "no roadmap"
    view = roadmap_view(roadmap, today=timezone.localdate())
    if not view.focus and not view.overdue:
        return "nothing due"
    owner = roadmap.owner
    context = {
        "user": owner,
        "month": month_date,
        "focus": view.focus,
        "overdue": view.overdue,
        "link": site_url() + reverse("roadmaps:detail", args=[roadmap.pk]),
    }
    try:
        with transaction.atomic():
            DigestSent.objects.create(user=owner, month=month_date)
            email_queue(
                key=f"digest:{owner.pk}:{month_date:%Y-%m}",
                to=owner.email,
                subject=f"Your roadmap for {month_date:%B %Y}: {len(view.focus)} in focus, {len(view.overdue)} overdue",
                body=render_to_string("sharing/email/digest.txt", context),
                recipient=owner,
            )
    except IntegrityError:
        return "already sent"
    return "queued"
