from __future__ import annotations

import random
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from assessments import services as assessment_services
from assessments.content import COMPETENCY_SLUGS
from assessments.models import Assessment, Competency, Role
from roadmaps import services as roadmap_services
from roadmaps.comments import comment_create
from roadmaps.models import RoadmapItem
from transition.accounts.models import Share, User
from transition.accounts.services import user_create

# A published password is fine here only because demo accounts exist only with DEBUG on.
DEMO_PASSWORD = "transition-demo"  # noqa: S105  # nosec B105
DEMO_ACCOUNTS = (
    ("engineer@example.com", "Avery Engineer", "an engineer moving into AI leadership"),
    ("manager@example.com", "Morgan Manager", "a manager reviewing their reports"),
    ("mentor@example.com", "Riley Mentor", "a mentor commenting on roadmaps"),
)
# More reports for the demo manager, so the dashboard and its heatmap have something to show.
TEAM = (
    ("sam@example.com", "Sam Rivera", "ai-engineering-lead"),
    ("jo@example.com", "Jo Okafor", "ai-product-manager"),
    ("lee@example.com", "Lee Tanaka", "ai-lead"),
)


class Command(BaseCommand):
    help = "Create the demo accounts and their data (development only) and print the logins. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            # Accounts with a published password must never exist on a real server.
            raise CommandError("Demo accounts are for local development only (set DJANGO_DEBUG=1).")
        created = not User.objects.filter(email=DEMO_ACCOUNTS[0][0]).exists()
        if created:
            # The demo's own notifications are not worth printing as console emails.
            with override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}):
                self._create()
        self.stdout.write(f"Demo accounts (password for each: {DEMO_PASSWORD}):")
        for email, _, what in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<24} {what}")

    @transaction.atomic
    def _create(self) -> None:
        users = {
            email: User.objects.filter(email=email).first()
            or user_create(email=email, name=name, password=DEMO_PASSWORD)
            for email, name, _ in DEMO_ACCOUNTS + tuple((e, n, "") for e, n, _ in TEAM)
        }
        engineer, manager, mentor = (users[e] for e, _, _ in DEMO_ACCOUNTS)
        # Demo levels, the same every time: nothing here is secret.
        rng = random.Random(7)  # noqa: S311  # nosec B311
        roadmap = self._engineer_with_plan(engineer, "ai-architect", rng, done=4)
        for email, _, role in TEAM:
            self._engineer_with_plan(users[email], role, rng, done=rng.randint(1, 6))
            self._share(users[email], manager, Share.Relation.MANAGER)
        self._share(engineer, manager, Share.Relation.MANAGER)
        self._share(engineer, mentor, Share.Relation.MENTOR)
        item = roadmap.items.order_by("month", "position").first()
        comment_create(
            roadmap=roadmap,
            author=mentor,
            item=item,
            body="Nice first step. When you write it up, say which failure mode you chose to accept and why.",
        )

    def _engineer_with_plan(self, user: User, role: str, rng: random.Random, done: int):
        assessment = assessment_services.assessment_start(
            owner=user, role=Role.objects.get(slug=role), mode=Assessment.Mode.QUICK
        )
        competencies = Competency.objects.in_bulk(field_name="slug")
        for slug in COMPETENCY_SLUGS:
            assessment_services.rating_save(
                assessment=assessment, competency=competencies[slug], level=rng.choice([1, 1, 2, 2, 2, 3, 3, 4])
            )
        assessment = assessment_services.assessment_finish(assessment=assessment)
        roadmap = roadmap_services.roadmap_create(owner=user, assessment=assessment, hours_per_week=6, months=6)
        for item in roadmap.items.order_by("month", "position")[:done]:
            roadmap_services.item_set_status(item=item, status=RoadmapItem.Status.DONE)
        return roadmap

    def _share(self, engineer: User, person: User, relation: str) -> None:
        Share.objects.get_or_create(
            engineer=engineer,
            person=person,
            relation=relation,
            status=Share.Status.ACTIVE,
            defaults={"email": person.email, "expires_at": timezone.now(), "accepted_at": timezone.now()},
        )
