"""The roadmap every page and change of it reads first comes from a written statement
(transition.lib.statements.OneWith): it must give what the ORM gives, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from roadmaps.models import Roadmap
from roadmaps.permissions import get_roadmap_for_owner
from tests.roadmaps.factories import NEARLY_READY, roadmap_for


def _same(mine, orm) -> None:
    for field in type(orm)._meta.concrete_fields:
        assert getattr(mine, field.attname) == getattr(orm, field.attname), field.name
    assert not mine._state.adding


def test_the_owners_roadmap_is_read_whole_with_its_role_and_assessment(rf, framework_db):
    roadmap = roadmap_for(levels=NEARLY_READY)
    request = rf.get("/")
    request.user = roadmap.owner
    orm = Roadmap.objects.select_related("role", "assessment").get(pk=roadmap.pk)
    mine = get_roadmap_for_owner(request, roadmap.pk)
    _same(mine, orm)
    _same(mine.role, orm.role)
    if orm.assessment_id is None:
        assert mine.assessment is None
    else:
        _same(mine.assessment, orm.assessment)
        assert mine.assessment.result == orm.assessment.result
    # Read with the related rows in the same statement: reaching them reads nothing more.
    with CaptureQueriesContext(connection) as captured:
        assert mine.role.name
        assert mine.assessment_id is None or mine.assessment.pk
    assert len(captured) == 0
    _same(get_roadmap_for_owner(request, roadmap.pk, with_plan=False), orm)


def test_someone_elses_roadmap_or_an_id_out_of_range_is_404(rf, framework_db):
    mine, theirs = roadmap_for(levels=NEARLY_READY), roadmap_for(levels=NEARLY_READY)
    request = rf.get("/")
    request.user = mine.owner
    for pk in (theirs.pk, 0, 2**63, 10**30):
        with pytest.raises(Http404):
            get_roadmap_for_owner(request, pk)
