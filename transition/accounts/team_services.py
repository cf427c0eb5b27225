"""Writes a manager makes about a report."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments import content
from assessments.models import Assessment, Competency, ManagerRating
from transition.accounts.models import Notification, Share, User
from transition.accounts.services import notify

COMMENT_MAX = 1000


class RatingError(ValueError):
    """A rating that cannot be saved; the message says why, for the manager."""


def manager_rating_save(
    *, engineer: User, manager: User, competency: Competency, level: int, comment: str = ""
) -> ManagerRating:
    """Save the manager's level (0 to 4) and optional comment for one competency of a report."""
    if not 0 <= level <= content.MAX_LEVEL:
        raise RatingError("Choose a level from 0 to 4.")
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise RatingError(f"Keep the comment under {COMMENT_MAX} characters (this one has {len(comment)}).")
    # The view checked this too; a service that writes about a person checks it again.
    if not Share.objects.filter(
        engineer=engineer, person=manager, relation=Share.Relation.MANAGER, status=Share.Status.ACTIVE
    ).exists():
        raise RatingError("Only a manager the engineer shares with can rate them.")

    existing = ManagerRating.objects.filter(engineer=engineer, manager=manager, competency=competency).first()
    if existing is not None and existing.level == level and existing.comment == comment:
        return existing
    rating = existing or ManagerRating(engineer=engineer, manager=manager, competency=competency)
    rating.level = level
    rating.comment = comment
    rating.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:
        # Two tabs saving the first rating at once: the second one updates the first.
        ManagerRating.objects.filter(engineer=engineer, manager=manager, competency=competency).update(
            level=level, comment=comment
        )
        rating = ManagerRating.objects.get(engineer=engineer, manager=manager, competency=competency)
    _notify_engineer(engineer=engineer, manager=manager)
    return rating


def _notify_engineer(*, engineer: User, manager: User) -> None:
    # A manager rates many competencies in one sitting: one unread notice covers them all,
    # rather than one email per competency.
    if Notification.objects.filter(
        recipient=engineer, actor=manager, kind=Notification.Kind.RATING, read_at__isnull=True
    ).exists():
        return
    latest = (
        Assessment.objects.filter(owner=engineer, status=Assessment.Status.FINISHED)
        .order_by("-finished_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    url = reverse("assessments:results", args=[latest]) + "#manager-view" if latest else ""
    notify(
        recipient=engineer,
        actor=manager,
        kind=Notification.Kind.RATING,
        text=f"{manager.name} rated your competencies. See their view beside your own on your results.",
        url=url,
    )
