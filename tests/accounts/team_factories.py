"""Fixture data for the team pages, made through the same services the app uses."""

from __future__ import annotations

from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Assessment, Competency, Evidence, Role
from roadmaps import services as roadmap_services
from roadmaps.models import Roadmap
from tests.factories import ShareFactory, UserFactory
from transition.accounts.models import Share, User


def share(
    engineer: User,
    person: User,
    relation: str = Share.Relation.MANAGER,
    *,
    include_private: bool = False,
    status: str = Share.Status.ACTIVE,
) -> Share:
    """A share as it stands after the invitation was accepted (or later revoked)."""
    ended = status in (Share.Status.REVOKED, Share.Status.LEFT)
    return ShareFactory(
        engineer=engineer,
        person=person,
        relation=relation,
        include_private=include_private,
        status=status,
        ended_at=timezone.now() if ended else None,
    )


def finished_assessment(
    owner: User, level: int = 0, *, levels: dict[str, int] | None = None, role: str = "ai-architect"
) -> Assessment:
    """A quick self-rating at ``level`` everywhere (``levels`` overrides some), scored and finished."""
    assessment = assessment_services.assessment_start(
        owner=owner, role=Role.objects.get(slug=role), mode=Assessment.Mode.QUICK
    )
    levels = levels or {}
    for competency in Competency.objects.all():
        assessment_services.rating_save(
            assessment=assessment, competency=competency, level=levels.get(competency.slug, level)
        )
    return assessment_services.assessment_finish(assessment=assessment)


def evidence(assessment: Assessment, slug: str, text: str) -> Evidence:
    """Evidence is written while the assessment is open; fixtures add it to a finished one directly."""
    return Evidence.objects.create(assessment=assessment, competency=Competency.objects.get(slug=slug), text=text)


def roadmap(owner: User, assessment: Assessment | None = None) -> Roadmap:
    assessment = assessment or Assessment.objects.filter(owner=owner, status=Assessment.Status.FINISHED).latest(
        "finished_at"
    )
    return roadmap_services.roadmap_create(owner=owner, assessment=assessment, hours_per_week=5, months=6)


def report(manager: User, level: int = 1, *, name: str | None = None, with_roadmap: bool = True, **share_kw) -> User:
    """An engineer who shares with ``manager`` as their manager, with results and (by default) a roadmap."""
    engineer = UserFactory(**({"name": name} if name else {}))
    share(engineer, manager, **share_kw)
    assessment = finished_assessment(engineer, level)
    if with_roadmap:
        roadmap(engineer, assessment)
    return engineer
