from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from roadmaps.models import Roadmap, month_start
from roadmaps.selectors import roadmap_view
from transition.accounts.models import DigestSent
from transition.lib.http import site_url


class Command(BaseCommand):
    help = (
        "Email every engineer whose roadmap has something in this month's focus or overdue a digest of it. "
        "Sends each engineer at most one digest a month, however often it runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Print who would get a digest; send nothing.")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        today = timezone.localdate()
        month = month_start(today)
        already = DigestSent.objects.filter(month=month).values("user_id")
        roadmaps = (
            Roadmap.objects.select_related("owner")
            .filter(owner__is_active=True)
            .exclude(owner_id__in=already)
            .order_by("owner_id")
        )
        earlier = already.count()
        sent = nothing_due = raced = failed = 0
        for roadmap in roadmaps:
            # The same focus and overdue lists the engineer sees on their roadmap page.
            view = roadmap_view(roadmap, today=today)
            if not view.focus and not view.overdue:
                nothing_due += 1
                continue
            owner = roadmap.owner
            if dry_run:
                self.stdout.write(
                    f"Would send to {owner.email}: {len(view.focus)} in focus, {len(view.overdue)} overdue"
                )
                sent += 1
                continue
            context = {
                "user": owner,
                "month": month,
                "focus": view.focus,
                "overdue": view.overdue,
                "link": site_url() + reverse("roadmaps:detail", args=[roadmap.pk]),
            }
            try:
                # The record and the email stand or fall together: a failed send leaves no record, so the next
                # run retries it; a concurrent run waits on the unique row and then skips this engineer.
                with transaction.atomic():
                    DigestSent.objects.create(user=owner, month=month)
                    send_mail(
                        subject=f"Your roadmap for {month:%B %Y}: {len(view.focus)} in focus, "
                        f"{len(view.overdue)} overdue",
                        message=render_to_string("sharing/email/digest.txt", context),
                        from_email=settings.DEFAULT_FROM_EMAIL,
                        recipient_list=[owner.email],
                    )
            except IntegrityError:
                raced += 1
                continue
            except OSError as exc:  # smtplib's errors are OSErrors
                failed += 1
                self.stderr.write(f"Could not send to {owner.email}: {exc}")
                continue
            sent += 1
        verb = "Would send" if dry_run else "Sent"
        summary = (
            f"{verb} {sent} digest{'s' if sent != 1 else ''} for {month:%Y-%m}: "
            f"{earlier + raced} already sent this month, {nothing_due} with nothing due"
        )
        if failed:
            raise CommandError(f"{summary}; {failed} failed (run again to retry them).")
        self.stdout.write(summary + ".")
