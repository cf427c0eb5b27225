"""What a manager sees of the engineers who share with them: one row per report, and the team heatmap."""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.fields.json import KT, KeyTextTransform, KeyTransform
from django.utils import timezone

from assessments import content, scoring
from assessments.models import Assessment
from assessments.results import role_view
from assessments.selectors import Finished, finished_assessments
from roadmaps.models import RoadmapItem, month_start
from transition.accounts.models import Share, User
from transition.lib import charts
from transition.lib.formatting import Stamp, stamp

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

    engineer: User
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

    @property
    def sparkline(self) -> charts.Sparkline | None:
        return charts.sparkline(self.trend) if len(self.trend) > 1 else None

    @property
    def activity(self) -> Stamp | None:
        return None if self.last_activity is None else stamp(self.last_activity, "j M Y")

    @property
    def name(self) -> str:
        return self.engineer.name or self.engineer.email


def _manager_reports(manager: User):
    return Share.objects.filter(person=manager, relation=Share.Relation.MANAGER, status=Share.Status.ACTIVE).values(
        "engineer_id"
    )


def mentees_of(mentor: User) -> list[User]:
    """The engineers who share with ``mentor`` as their mentor, by name."""
    shares = Share.objects.filter(person=mentor, relation=Share.Relation.MENTOR, status=Share.Status.ACTIVE)
    return list(User.objects.filter(pk__in=shares.values("engineer_id"), is_active=True).order_by("name", "pk"))


def team_reports(manager: User, now: datetime.datetime | None = None, *, trends: bool = True) -> list[Report]:
    """Every engineer with an active manager share to ``manager``, in two queries whatever their number,
    and one more for their readiness trends unless ``trends`` is off."""
    now = now or timezone.now()
    this_month = month_start(timezone.localdate(now))
    finished = Assessment.objects.filter(owner=OuterRef("pk"), status=Assessment.Status.FINISHED).order_by(
        "-finished_at", "-pk"
    )
    items = "roadmap__items"
    engineers = list(
        User.objects.filter(pk__in=_manager_reports(manager), is_active=True)
        .annotate(
            latest_pk=Subquery(finished.values("pk")[:1]),
            assessment_touched=Subquery(
                Assessment.objects.filter(owner=OuterRef("pk")).order_by("-updated_at").values("updated_at")[:1]
            ),
            # Read off the roadmap join the counts below already make. An EXISTS subquery in the SELECT
            # list was planned as a hashed scan of every roadmap in the database: 6 ms per dashboard at
            # 10,000 engineers, growing with them (make bench).
            has_roadmap=Count("roadmap", distinct=True),
            # The only multi-valued join here, so the counts are not multiplied by another one.
            items_counted=Count(items, filter=~Q(roadmap__items__status=RoadmapItem.Status.SKIPPED)),
            items_done=Count(items, filter=Q(roadmap__items__status=RoadmapItem.Status.DONE)),
            items_overdue=Count(
                items,
                filter=Q(
                    roadmap__items__status__in=[RoadmapItem.Status.TODO, RoadmapItem.Status.DOING],
                    roadmap__items__month__lt=this_month,
                ),
            ),
            items_touched=Max(f"{items}__updated_at"),
        )
        .order_by("name", "pk")
    )
    summaries = _summaries([e.latest_pk for e in engineers if e.latest_pk])
    # One query for everyone's trend: the readiness of each finished assessment, read off its stored result.
    history = finished_assessments([e.pk for e in engineers if e.latest_pk]) if trends else {}
    reports = []
    for engineer in engineers:
        summary = summaries.get(engineer.latest_pk)
        touched = [t for t in (engineer.assessment_touched, engineer.items_touched) if t is not None]
        last_activity = max(touched) if touched else None
        reports.append(
            Report(
                engineer=engineer,
                role_name=summary.role_name if summary else None,
                readiness=summary.readiness if summary else None,
                change=summary.change if summary else None,
                progress=round(100 * engineer.items_done / engineer.items_counted) if engineer.items_counted else None,
                overdue=engineer.items_overdue,
                last_activity=last_activity,
                has_roadmap=engineer.has_roadmap > 0,
                levels=dict(summary.levels) if summary else None,
                stalled=last_activity is not None and now - last_activity > datetime.timedelta(days=STALLED_AFTER_DAYS),
                trend=_trend(history.get(engineer.pk, [])),
            )
        )
    return reports


def _trend(finished: list[Finished]) -> tuple[float, ...]:
    if not finished:
        return ()
    role = finished[-1].role
    return tuple(f.readiness_for(role) for f in finished[-TREND_POINTS:])


@dataclass(frozen=True)
class Summary:
    """What the dashboard shows of one finished assessment: it never changes once finished."""

    role_name: str | None
    readiness: float
    change: float | None
    levels: dict[str, float]


def _summaries(pks: list[int]) -> dict[int, Summary]:
    """The summaries of these finished assessments, in one query, read off the snapshot each stored when it
    was finished: only the numbers shown (its role, readiness and levels, and the previous assessment's
    readiness against each role), never the whole result, and nothing scored again."""
    framework = content.get_framework()
    roles = [r.slug for r in framework.roles]
    # KT() would read "previous" as the JSON column: the previous row's result is named by its path instead.
    snapshot = KeyTransform("roles", "previous__result")
    previous = {f"p{i}": KeyTextTransform("readiness", KeyTransform(slug, snapshot)) for i, slug in enumerate(roles)}
    rows = (
        Assessment.objects.filter(pk__in=pks, status=Assessment.Status.FINISHED)
        .annotate(role_slug=KT("result__role"), **previous)
        .values("pk", "role_slug", "result__readiness", "result__levels", "previous_id", *previous)
    )
    found: dict[int, Summary] = {}
    before: dict[int, float] = {}
    older: dict[int, tuple[int, str]] = {}  # previous results stored before snapshots kept every role
    for row in rows:
        if row["result__readiness"] is None:
            continue
        role = framework.role_by_slug.get(row["role_slug"] or "")
        if role is not None and row["previous_id"] is not None:
            kept = row[f"p{roles.index(role.slug)}"]
            if kept is not None:
                before[row["pk"]] = float(kept)
            else:
                older[row["pk"]] = (row["previous_id"], role.slug)
        found[row["pk"]] = Summary(
            role_name=role.name if role else None,
            readiness=float(row["result__readiness"]),
            change=None,
            levels={k: float(v) for k, v in (row["result__levels"] or {}).items()},
        )
    if older:
        # Worked out from those results' levels, as the results page does (role_view): one query for all.
        stored = dict(Assessment.objects.filter(pk__in=[p for p, _ in older.values()]).values_list("pk", "result"))
        for pk, (previous_pk, role_slug) in older.items():
            if not stored.get(previous_pk):
                continue  # finished without a result: nothing to compare with
            result = scoring.Result.model_validate(stored[previous_pk])
            before[pk] = role_view(framework, result, role_slug).readiness
    # As on the engineer's results page: the previous assessment's own snapshot for the current role, so a
    # change of target role does not show up as progress or decline.
    return {pk: replace(s, change=round(s.readiness - before[pk], 1)) if pk in before else s for pk, s in found.items()}


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
    by_name = sorted(reports, key=lambda r: (r.name.casefold(), r.engineer.pk))
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
