"""Roadmap fixtures built through the services, as an engineer would make them.

Use with the ``framework_db`` fixture. tests/factories.py holds the shared
factories (UserFactory); this file only adds what the roadmap tests need.
"""

from __future__ import annotations

from collections.abc import Mapping

from assessments.content import COMPETENCY_SLUGS
from roadmaps import services
from roadmaps.models import Roadmap
from tests.factories import finished_assessment
from transition.accounts.models import User

ROLE = "ai-architect"
# Every competency at the required level or above: little or nothing to plan.
NEARLY_READY = dict.fromkeys(COMPETENCY_SLUGS, 4)


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
