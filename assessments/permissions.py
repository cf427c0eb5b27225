from __future__ import annotations

import functools

from django.http import Http404, HttpRequest

from assessments.models import Assessment
from transition.lib.statements import OneWith


@functools.cache
def _own_assessment() -> OneWith:
    # Every page of an assessment starts with this read; through the ORM (select_related, first()) it cost
    # four times the query's own CPU.
    return OneWith(Assessment, related=["role"], where=["id", "owner"])


def get_assessment_for_user(request: HttpRequest, pk: int) -> Assessment:
    """The signed-in engineer's own assessment, or 404 (never 403, which would confirm it exists)."""
    assessment = _own_assessment().get([pk, request.user.pk])
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment
