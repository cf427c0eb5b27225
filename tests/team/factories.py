"""Fixture data for the team pages, made through the same services the app uses."""

from __future__ import annotations

from assessments.models import Assessment, Competency, Evidence
from roadmaps import services as roadmap_services
from roadmaps.models import Roadmap
from tests.factories import ShareFactory, UserFactory, finished_assessment
from transition.accounts.models import User


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
    ShareFactory(engineer=engineer, person=manager, manager=True, **share_kw)
    assessment = finished_assessment(engineer, level)
    if with_roadmap:
        roadmap(engineer, assessment)
    return engineer
