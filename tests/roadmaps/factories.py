"""Roadmap fixtures built through the services, as an engineer would make them.

Use with the ``framework_db`` fixture. tests/factories.py holds the shared
factories (UserFactory); this file only adds what the roadmap tests need.
"""

from __future__ import annotations

from collections.abc import Mapping

from assessments import services as assessment_services
from assessments.content import COMPETENCY_SLUGS
from assessments.models import Assessment, Competency, Role
from roadmaps import services
from roadmaps.models import Roadmap
from tests.factories import UserFactory
from transition.accounts.models import User

ROLE = "ai-architect"
# Every competency at the required level or above: little or nothing to plan.
NEARLY_READY = dict.fromkeys(COMPETENCY_SLUGS, 4)


def finished_assessment(
    owner: User | None = None, *, role: str | None = ROLE, levels: Mapping[str, int] | None = None
) -> Assessment:
    """A quick-mode assessment rated with ``levels`` (others stay as before, or 0) and finished.

    A second call for the same owner is a re-assessment: it starts from the previous ratings.
    """
    owner = owner or UserFactory()
    assessment = assessment_services.assessment_start(
        owner=owner, role=Role.objects.get(slug=role) if role else None, mode=Assessment.Mode.QUICK
    )
    competencies = Competency.objects.in_bulk(field_name="slug")
    for slug, level in (levels or {}).items():
        assessment_services.rating_save(assessment=assessment, competency=competencies[slug], level=level)
    return assessment_services.assessment_finish(assessment=assessment)


def roadmap_for(
    owner: User | None = None,
    *,
    levels: Mapping[str, int] | None = None,
    hours_per_week: int = services.DEFAULT_HOURS_PER_WEEK,
    months: int = services.DEFAULT_MONTHS,
    role: str | None = ROLE,
) -> Roadmap:
    """A saved roadmap made from a freshly finished assessment of ``owner``."""
    assessment = finished_assessment(owner, role=role, levels=levels)
    return services.roadmap_create(
        owner=assessment.owner, assessment=assessment, hours_per_week=hours_per_week, months=months
    )
