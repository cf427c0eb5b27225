"""What a manager sees of the engineers who share with them: one row per report, and the team heatmap."""

from __future__ import annotations

import datetime
import functools
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models.fields.json import KT
from django.utils import timezone

from assessments import content, scoring
from assessments.models import Assessment
from assessments.results import role_view
from roadmaps.models import Roadmap, RoadmapItem, month_start
from transition.accounts.models import Share, User
from transition.lib.statements import quoted

# Fewer people than this and an aggregate starts to describe individuals.
HEATMAP_MIN_PEOPLE = 3
# A report with no change to an assessment or a roadmap item for this long is flagged as stalled.
STALLED_AFTER_DAYS = 30
# The latest finished assessments a report's sparkline draws.
TREND_POINTS = 8

SORT_KEYS = ("name", "readiness", "change", "progress", "overdue", "activity")
DEFAULT_SORT = "name"


@dataclass(frozen=True)
class Report:
    """One engineer on the manager's dashboard."""

    pk: int
    name: str
    role_name: str | None
    readiness: float | None
    change: float | None
    progress: int | None
    overdue: int
    last_activity: datetime.datetime | None
    has_roadmap: bool
    levels: dict[str, float] | None
    stalled: bool
    # Readiness at each finished assessment, oldest first, against the latest one's role.
    trend: tuple[float, ...] = ()


@dataclass(frozen=True)
class Mentee:
    """Someone who shares their roadmap with the signed-in person as their mentor."""

    pk: int
    name: str


@dataclass(frozen=True)
class Team:
    """Everyone who shares with a person: as their manager (with their figures) and as their mentor."""

    reports: list[Report]
    mentees: list[Mentee]  # by name


@functools.cache
def _people_sql() -> str:
    """Every engineer with an active share to a person, as their manager or their mentor, by name: one row
    per share, with their roadmap figures (used for the manager's reports only).

    Built from the models' table and column names; only quoted names go into the text, the values are
    parameters. Compiled by the ORM (a subquery, five aggregates), with a second query for the people
    mentored, it cost more CPU than the rest of the query work of the dashboard, for the same SQL every time.
    """
    share, user, roadmap, item = Share._meta, User._meta, Roadmap._meta, RoadmapItem._meta
    quote = connection.ops.quote_name

    col = quoted

    status, month = f"i.{col(item, 'status')}", f"i.{col(item, 'month')}"
    return (
        f"SELECT s.{col(share, 'relation')}, u.{col(user, 'id')}, u.{col(user, 'name')},"  # noqa: S608  # nosec B608
        f" u.{col(user, 'email')}, r.{col(roadmap, 'id')} IS NOT NULL,"
        f" COUNT(i.{col(item, 'id')}) FILTER (WHERE {status} <> %(skipped)s),"
        f" COUNT(i.{col(item, 'id')}) FILTER (WHERE {status} = %(done)s),"
        f" COUNT(i.{col(item, 'id')}) FILTER (WHERE {status} IN (%(todo)s, %(doing)s) AND {month} < %(month)s),"
        f" MAX(i.{col(item, 'updated_at')})"
        f" FROM {quote(share.db_table)} s"
        f" JOIN {quote(user.db_table)} u ON u.{col(user, 'id')} = s.{col(share, 'engineer')}"
        # A roadmap is one per person, so grouping by it too splits no one; only its items are many.
        f" LEFT JOIN {quote(roadmap.db_table)} r ON r.{col(roadmap, 'owner')} = u.{col(user, 'id')}"
        f" LEFT JOIN {quote(item.db_table)} i ON i.{col(item, 'roadmap')} = r.{col(roadmap, 'id')}"
        f" WHERE s.{col(share, 'person')} = %(person)s AND s.{col(share, 'status')} = %(active)s"
        f" AND s.{col(share, 'relation')} IN (%(manager)s, %(mentor)s) AND u.{col(user, 'is_active')}"
        f" GROUP BY s.{col(share, 'relation')}, u.{col(user, 'id')}, r.{col(roadmap, 'id')}"
        f" ORDER BY u.{col(user, 'name')}, u.{col(user, 'id')}"
    )


def _reader(field: Any) -> Callable[[Any], Any]:
    """What the ORM does to a raw value of ``field`` read from the database, for the statements written here:
    nothing on PostgreSQL for the fields read; SQLite gives dates and times back as text."""
    column = field.get_col(field.model._meta.db_table)
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)

    def read(value: Any) -> Any:
        for convert in converters:
            value = convert(value, column, connection)
        return value

    return read


def _people(person: User, this_month: datetime.date) -> list[tuple]:
    params: dict[str, Any] = {
        "person": person.pk,
        "active": Share.Status.ACTIVE.value,
        "manager": Share.Relation.MANAGER.value,
        "mentor": Share.Relation.MENTOR.value,
        "skipped": RoadmapItem.Status.SKIPPED.value,
        "done": RoadmapItem.Status.DONE.value,
        "todo": RoadmapItem.Status.TODO.value,
        "doing": RoadmapItem.Status.DOING.value,
        "month": connection.ops.adapt_datefield_value(this_month),
    }
    read_time = _reader(RoadmapItem._meta.get_field("updated_at"))
    with connection.cursor() as cursor:
        cursor.execute(_people_sql(), params)
        return [(*row[:4], bool(row[4]), *row[5:8], read_time(row[8])) for row in cursor.fetchall()]


def team_reports(manager: User, now: datetime.datetime | None = None, *, trends: bool = True) -> list[Report]:
    """Every engineer with an active manager share to ``manager``: ``team``'s reports."""
    return team(manager, now, trends=trends).reports


def team(person: User, now: datetime.datetime | None = None, *, trends: bool = True) -> Team:
    """Everyone with an active share to ``person``, in two queries whatever their number: the people (the
    reports with their roadmap figures, and the people mentored), then every assessment of the reports.
    ``trends`` off leaves out the levels the heatmap counts, which the export does not show."""
    now = now or timezone.now()
    engineers = []
    mentees = []
    for relation, pk, name, email, has_roadmap, counted, done, overdue, items_touched in _people(
        person, month_start(timezone.localdate(now))
    ):
        if relation == Share.Relation.MANAGER:
            engineers.append((pk, name or email, has_roadmap, counted, done, overdue, items_touched))
        else:
            mentees.append(Mentee(pk=pk, name=name or email))
    history = _assessments([row[0] for row in engineers], levels=trends)
    reports = []
    for pk, name, has_roadmap, counted, done, overdue, items_touched in engineers:
        mine = history.get(pk)
        summary = mine.summary if mine else None
        touched = [t for t in (mine.touched if mine else None, items_touched) if t is not None]
        last_activity = max(touched) if touched else None
        reports.append(
            Report(
                pk=pk,
                name=name,
                role_name=summary.role_name if summary else None,
                readiness=summary.readiness if summary else None,
                change=summary.change if summary else None,
                progress=round(100 * done / counted) if counted else None,
                overdue=overdue,
                last_activity=last_activity,
                has_roadmap=has_roadmap,
                levels=summary.levels if summary and trends else None,
                stalled=last_activity is not None and now - last_activity > datetime.timedelta(days=STALLED_AFTER_DAYS),
                trend=mine.trend if mine and trends else (),
            )
        )
    return Team(reports=reports, mentees=mentees)


@dataclass(frozen=True)
class Summary:
    """What the dashboard shows of one finished assessment: it never changes once finished."""

    role_name: str | None
    readiness: float
    change: float | None
    levels: dict[str, float]


@dataclass(frozen=True)
class History:
    """What the dashboard reads of one engineer's assessments."""

    touched: datetime.datetime | None  # the latest change to any of them, finished or not
    summary: Summary | None  # of the latest finished one, when it has results
    trend: tuple[float, ...]


@dataclass(slots=True)  # not frozen: made for every assessment of the team, and frozen ones are slower to make
class _Stored:
    """One assessment's row: only the numbers shown, read out of the snapshot stored when it was finished."""

    pk: int
    previous_id: int | None
    readiness: float | None
    role: str
    by_role: dict[str, float]  # the snapshot's readiness against every role; empty in older results
    levels: str | None  # as stored, JSON text: only the latest finished one's is read


@functools.cache
def _assessments_sql(roles: tuple[str, ...], levels: bool) -> tuple[str, str, tuple[Any, ...]]:
    """What is read of every assessment, as SQL and its parameters, in two parts for the owners to go between.

    The JSON lookups are compiled by the ORM, which writes them for each database; once per process, since
    compiling them (a lookup per role) cost more CPU than reading the rows.
    """
    fields = {f"r{i}": KT(f"result__roles__{slug}__readiness") for i, slug in enumerate(roles)}
    names = ["owner_id", "status", "updated_at", "pk", "previous_id", "readiness", "role_slug", *fields]
    if levels:
        names.append("result__levels")
    query = Assessment.objects.annotate(role_slug=KT("result__role"), **fields).order_by().values_list(*names).query
    select, params = query.sql_with_params()
    meta: Any = Assessment._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)

    def col(name: str) -> str:
        return f"{table}.{quoted(meta, name)}"

    finished_at = col("finished_at")
    return (
        f"{select} WHERE {col('owner')} IN (",
        # The order they finished in; one never finished, or without a date, first.
        f") ORDER BY {finished_at} IS NOT NULL, {finished_at}, {col('id')}",
        params,
    )


def _assessment_rows(owner_ids: list[int], roles: tuple[str, ...], *, levels: bool) -> list[tuple]:
    head, tail, params = _assessments_sql(roles, levels)
    read_time = _reader(Assessment._meta.get_field("updated_at"))
    with connection.cursor() as cursor:
        cursor.execute(f"{head}{', '.join(['%s'] * len(owner_ids))}{tail}", (*params, *owner_ids))
        return [(owner, status, read_time(updated), *rest) for owner, status, updated, *rest in cursor.fetchall()]


def _assessments(owner_ids: list[int], *, levels: bool) -> dict[int, History]:
    """Every assessment of these people in one query (a second only for a previous result stored before
    snapshots kept every role): never a whole result, and nothing scored again."""
    if not owner_ids:
        return {}
    framework = content.get_framework()
    roles = tuple(r.slug for r in framework.roles)
    touched: dict[int, datetime.datetime] = {}
    finished: dict[int, list[_Stored]] = {}  # in the order they finished
    by_pk: dict[int, _Stored] = {}
    for owner, status, updated_at, pk, previous_id, readiness, role, *rest in _assessment_rows(
        owner_ids, roles, levels=levels
    ):
        if owner not in touched or updated_at > touched[owner]:
            touched[owner] = updated_at
        stored = _Stored(
            pk=pk,
            previous_id=previous_id,
            readiness=readiness,
            role=role or "",
            by_role={slug: float(v) for slug, v in zip(roles, rest, strict=False) if v is not None},
            levels=rest[-1] if levels else None,
        )
        by_pk[pk] = stored
        if status == Assessment.Status.FINISHED:
            finished.setdefault(owner, []).append(stored)

    before: dict[int, float] = {}
    older: dict[int, tuple[int, str]] = {}  # previous results stored before snapshots kept every role
    for owner, mine in finished.items():
        latest = mine[-1]
        if latest.readiness is None or latest.previous_id is None or latest.role not in framework.role_by_slug:
            continue
        previous = by_pk.get(latest.previous_id)
        if previous is not None and latest.role in previous.by_role:
            before[owner] = previous.by_role[latest.role]
        elif previous is None or previous.readiness is not None:
            older[owner] = (latest.previous_id, latest.role)
    if older:
        # Worked out from those results' levels, as the results page does (role_view): one query for all.
        stored_results = dict(
            Assessment.objects.filter(pk__in=[p for p, _ in older.values()]).values_list("pk", "result")
        )
        for owner, (previous_pk, role_slug) in older.items():
            if not stored_results.get(previous_pk):
                continue  # finished without a result: nothing to compare with
            result = scoring.Result.model_validate(stored_results[previous_pk])
            before[owner] = role_view(framework, result, role_slug).readiness

    found = {}
    for owner, updated_at in touched.items():
        mine = finished.get(owner, [])
        found[owner] = History(
            touched=updated_at, summary=_summary(framework, mine, before.get(owner)), trend=_trend(mine)
        )
    return found


def _summary(framework: content.Framework, finished: list[_Stored], before: float | None) -> Summary | None:
    latest = finished[-1] if finished else None
    if latest is None or latest.readiness is None:
        return None
    role = framework.role_by_slug.get(latest.role)
    return Summary(
        role_name=role.name if role else None,
        readiness=latest.readiness,
        # As on the engineer's results page: the previous assessment's own snapshot for the current role,
        # so a change of target role does not show up as progress or decline.
        change=round(latest.readiness - before, 1) if before is not None else None,
        levels={k: float(v) for k, v in json.loads(latest.levels or "{}").items()},
    )


def _trend(finished: list[_Stored]) -> tuple[float, ...]:
    scored = [f for f in finished if f.readiness is not None]
    if not scored:
        return ()
    role = scored[-1].role
    return tuple(f.by_role.get(role, f.readiness or 0.0) for f in scored[-TREND_POINTS:])


def parse_sort(value: str | None) -> tuple[str, bool]:
    """``?sort=readiness`` or ``?sort=-readiness`` → (key, descending); anything else sorts by name."""
    value = value or ""
    descending = value.startswith("-")
    key = value.removeprefix("-")
    if key not in SORT_KEYS:
        return DEFAULT_SORT, False
    return key, descending


def _value(report: Report, key: str):
    if key == "name":
        return report.name.casefold()
    if key == "activity":
        return report.last_activity
    return getattr(report, key)


def sort_reports(reports: Iterable[Report], key: str, descending: bool = False) -> list[Report]:
    """Sorted by ``key``; people without a value (no assessment, no roadmap) come last either way."""
    by_name = sorted(reports, key=lambda r: (r.name.casefold(), r.pk))
    known = [r for r in by_name if _value(r, key) is not None]
    unknown = [r for r in by_name if _value(r, key) is None]
    # sorted() is stable, so equal values stay in name order.
    return sorted(known, key=lambda r: _value(r, key), reverse=descending) + unknown


# --- heatmap ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatCell:
    level: int
    count: int
    shade: int  # 0 to 4, how large a share of the team is at this level


@dataclass(frozen=True)
class HeatRow:
    competency: content.Competency
    cells: tuple[HeatCell, ...]
    average: float


@dataclass(frozen=True)
class Heatmap:
    people: int
    rows: tuple[HeatRow, ...]


def team_heatmap(framework: content.Framework, levels: list[dict[str, float]]) -> Heatmap | None:
    """How many people are at each level of each competency, and the team average.

    Counts only, never who: and ``None`` below HEATMAP_MIN_PEOPLE, where a count of one could
    be matched to a person. A level of 2.6 counts at level 2: it has not reached 3 yet.
    """
    people = len(levels)
    if people < HEATMAP_MIN_PEOPLE:
        return None
    rows = []
    for comp in framework.competencies:
        values = [person.get(comp.slug, 0.0) for person in levels]
        counts = [0] * (content.MAX_LEVEL + 1)
        for value in values:
            counts[min(content.MAX_LEVEL, max(0, math.floor(value)))] += 1
        cells = tuple(
            HeatCell(level=level, count=count, shade=math.ceil(content.MAX_LEVEL * count / people))
            for level, count in enumerate(counts)
        )
        rows.append(HeatRow(competency=comp, cells=cells, average=round(sum(values) / people, 1)))
    return Heatmap(people=people, rows=tuple(rows))
