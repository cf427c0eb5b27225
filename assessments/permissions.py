from __future__ import annotations

from django.http import Http404, HttpRequest

from assessments.models import Assessment


def get_assessment_for_user(request: HttpRequest, pk: int) -> Assessment:
    """The signed-in engineer's own assessment, or 404 (never 403, which would confirm it exists)."""
    assessment = Assessment.objects.select_related("role").filter(pk=pk, owner_id=request.user.pk).first()
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment
