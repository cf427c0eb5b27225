from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from roadmaps.models import Roadmap, month_start
from roadmaps.selectors import roadmap_view
from roadmaps.tasks import send_digest
from transition.accounts.models import DigestSent


class Command(BaseCommand):
    help = (
        "Queue a digest for every engineer whose roadmap has something in this month's focus or overdue, one task "
        "each, for the worker to send. Each engineer gets at most one digest a month, however often it runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Print who would get a digest; queue nothing.")

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
        queued = nothing_due = 0
        for roadmap in roadmaps:
            # The same focus and overdue lists the engineer sees on their roadmap page; the task looks again
            # when it runs, so a roadmap that changed meanwhile gets the digest it has then.
            view = roadmap_view(roadmap, today=today)
            if not view.focus and not view.overdue:
                nothing_due += 1
                continue
            if dry_run:
                self.stdout.write(
                    f"Would send to {roadmap.owner.email}: {len(view.focus)} in focus, {len(view.overdue)} overdue"
                )
            else:
                send_digest.enqueue(roadmap.owner_id, month.isoformat())
            queued += 1
        verb = "Would send" if dry_run else "Queued"
        self.stdout.write(
            f"{verb} {queued} digest{'s' if queued != 1 else ''} for {month:%Y-%m}: "
            f"{earlier} already sent this month, {nothing_due} with nothing due."
        )
