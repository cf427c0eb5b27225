from __future__ import annotations

import functools
from typing import Any

from django.db import connection
from django.http import Http404, HttpRequest

from assessments.models import Assessment, Role
from transition.lib.statements import BIGGEST_ID, Columns, quoted


@functools.cache
def _own_assessment() -> tuple[str, Columns, Columns]:
    """The statement that reads one assessment of its owner with its role, and how to read its columns.

    Every page of an assessment starts with it; through the ORM (select_related, first()) it cost four
    times the query's own CPU.
    """
    a, r = Columns(Assessment, "a"), Columns(Role, "r")
    am: Any = Assessment._meta
    rm: Any = Role._meta
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {a.sql}, {r.sql} FROM {quote(am.db_table)} a"  # noqa: S608  # nosec B608
        f" LEFT JOIN {quote(rm.db_table)} r ON r.{quoted(rm, 'id')} = a.{quoted(am, 'role')}"
        f" WHERE a.{quoted(am, 'id')} = %s AND a.{quoted(am, 'owner')} = %s"
    )
    return sql, a, r


def get_assessment_for_user(request: HttpRequest, pk: int) -> Assessment:
    """The signed-in engineer's own assessment, or 404 (never 403, which would confirm it exists)."""
    if not 0 < pk <= BIGGEST_ID:  # the database would refuse a number out of its range
        raise Http404("No such assessment.")
    sql, columns, role_columns = _own_assessment()
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk, request.user.pk])
        row = cursor.fetchone()
    if row is None:
        raise Http404("No such assessment.")
    assessment = columns.instance(row[: len(columns)])
    # As select_related("role") leaves it: the role read with it, or None without one.
    assessment.role = role_columns.instance(row[len(columns) :]) if assessment.role_id is not None else None
    return assessment
