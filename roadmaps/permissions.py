from __future__ import annotations

import functools

from django.http import Http404, HttpRequest

from roadmaps.models import Roadmap, RoadmapItem
from transition.lib.statements import OneWith


@functools.cache
def _own_roadmap(with_plan: bool) -> OneWith:
    # The first read of every roadmap page and change; through the ORM it cost several times the query.
    return OneWith(Roadmap, related=["role", "assessment"] if with_plan else [], where=["id", "owner"])


def get_roadmap_for_owner(request: HttpRequest, pk: int, *, with_plan: bool = True) -> Roadmap:
    """The signed-in engineer's own roadmap, or 404: only the owner may change it.

    With its role and the assessment it was planned from (what its page shows of the plan), unless
    ``with_plan`` is False: a change to one item mostly redraws that item's card and counts alone."""
    roadmap = _own_roadmap(with_plan).get([pk, request.user.pk])
    if roadmap is None:
        raise Http404("No such roadmap.")
    return roadmap


def get_item_for_owner(roadmap: Roadmap, item_pk: int) -> RoadmapItem:
    item = RoadmapItem.objects.filter(pk=item_pk, roadmap=roadmap).first()
    if item is None:
        raise Http404("No such roadmap item.")
    return item
