"""An engineer's rights over their data: take all of it away as JSON, or delete the account and everything about it."""

from __future__ import annotations

import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from assessments.models import Assessment, ManagerRating
from roadmaps.models import Comment, Roadmap
from transition.accounts.models import DigestSent, Email, Notification, Share, User


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def user_data_export(user: User) -> dict:
    """Everything Transition holds about this person, in one JSON-ready object."""
    assessments = (
        Assessment.objects.filter(owner=user)
        .select_related("role")
        .prefetch_related("answers__item", "ratings__competency", "evidence__competency")
    )
    roadmap = Roadmap.objects.filter(owner=user).select_related("role").prefetch_related("items__links").first()
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "name": user.name,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "assessments": [
            {
                "started": _iso(a.created_at),
                "finished": _iso(a.finished_at),
                "role": a.role.slug if a.role else None,
                "mode": a.mode,
                "status": a.status,
                "framework_version": a.framework_version,
                "answers": [{"item": x.item.slug, "choice": x.choice} for x in a.answers.all()],
                "ratings": [{"competency": r.competency.slug, "level": r.level} for r in a.ratings.all()],
                "evidence": [{"competency": e.competency.slug, "text": e.text} for e in a.evidence.all()],
                "result": a.result,
            }
            for a in assessments
        ],
        "manager_ratings_received": [
            {"competency": r.competency.slug, "level": r.level, "comment": r.comment, "by": r.manager.email}
            for r in ManagerRating.objects.filter(engineer=user).select_related("competency", "manager")
        ],
        "manager_ratings_given": [
            {"engineer": r.engineer.email, "competency": r.competency.slug, "level": r.level, "comment": r.comment}
            for r in ManagerRating.objects.filter(manager=user).select_related("competency", "engineer")
        ],
        "roadmap": None
        if roadmap is None
        else {
            "role": roadmap.role.slug,
            "hours_per_week": roadmap.hours_per_week,
            "months": roadmap.months,
            "start_month": _iso(roadmap.start_month),
            "items": [
                {
                    "action": i.action_slug,
                    "title": i.title,
                    "month": _iso(i.month),
                    "status": i.status,
                    "pinned": i.pinned,
                    "done_on": _iso(i.done_on),
                    "notes": i.notes,
                    "evidence_links": [link.url for link in i.links.all()],
                }
                for i in roadmap.items.all()
            ],
        },
        "comments_written": [
            {
                "roadmap_of": c.roadmap.owner.email,
                "item": c.item.title if c.item else None,
                "body": c.body,
                "created": _iso(c.created_at),
            }
            for c in Comment.objects.filter(author=user).select_related("roadmap__owner", "item")
        ],
        "shares_given": [
            {"email": s.email, "relation": s.relation, "status": s.status, "include_private": s.include_private}
            for s in Share.objects.filter(engineer=user)
        ],
        "shares_received": [
            {"engineer": s.engineer.email, "relation": s.relation, "status": s.status}
            for s in Share.objects.filter(person=user).select_related("engineer")
        ],
        "notifications": [
            {"text": n.text, "created": _iso(n.created_at), "read": _iso(n.read_at)}
            for n in Notification.objects.filter(recipient=user)
        ],
    }


def _sessions_of(user: User) -> list[str]:
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            keys.append(session.session_key)
    return keys


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account and every row that refers to it.

    Cascades remove their assessments, roadmap (with notes, links and the
    comments on it), shares in both directions, comments they wrote, ratings,
    notifications, digests and emails to or about them. Sessions and sign-in records are not linked by
    a foreign key, so they are removed here. A manager or mentor leaving ends
    their shares; the engineers' own data stays.
    """
    Session.objects.filter(session_key__in=_sessions_of(user)).delete()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__iexact=user.email).delete()
    Notification.objects.filter(actor=user).delete()
    DigestSent.objects.filter(user=user).delete()
    # Invitations other engineers sent to this address and nobody accepted hold nothing but the address:
    # they go too (and their queued emails with them), so no row keeps the deleted person's email.
    Share.objects.filter(email__iexact=user.email, person__isnull=True).exclude(engineer=user).delete()
    Email.objects.filter(to__iexact=user.email).delete()
    user.delete()
