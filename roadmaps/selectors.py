from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString

from assessments import content, scoring
from assessments.results import role_view
from roadmaps import planning
from roadmaps.models import Comment, EvidenceLink, Roadmap, RoadmapItem, add_months, month_start
from transition.lib.charts import Timeline, months_timeline
from transition.lib.formatting import fixed
from transition.lib.statements import Columns
from transition.lib.text import escape


class _Progress:
    """Done out of the items that count: a skipped item is neither done nor owed."""

    items: list[RoadmapItem]

    @property
    def counted(self) -> list[RoadmapItem]:
        return [i for i in self.items if i.status != RoadmapItem.Status.SKIPPED]

    @property
    def done(self) -> int:
        return sum(1 for i in self.counted if i.status == RoadmapItem.Status.DONE)

    @property
    def total(self) -> int:
        return len(self.counted)

    @property
    def skipped(self) -> int:
        return len(self.items) - len(self.counted)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass(frozen=True)
class Continuing:
    """An item that started in an earlier month and runs on into this one."""

    item: RoadmapItem
    index: int  # 1-based: the month of its span this is
    hours: int  # its share of the hours in this month


@dataclass
class MonthView(_Progress):
    number: int
    date: datetime.date
    starting: list[RoadmapItem] = field(default_factory=list)  # drawn in full here
    continuing: list[Continuing] = field(default_factory=list)  # drawn as a line pointing to their card
    is_current: bool = False
    is_past: bool = False

    @functools.cached_property
    def label(self) -> str:
        """Its month and year as its heading shows them, e.g. "March 2026"."""
        return date_format(self.date, "F Y")

    @property
    def items(self) -> list[RoadmapItem]:  # type: ignore[override]
        """Every item running in the month, for its progress: a spanning item counts in each of its months."""
        return self.starting + [c.item for c in self.continuing]

    @property
    def rows(self) -> list[Continuing]:
        """Every item running in the month with its share of the hours here, those starting first."""
        return [Continuing(i, 1, i.hours_in(self.date)) for i in self.starting] + self.continuing

    @property
    def hours(self) -> int:
        """The month's share of the hours of the items that count."""
        return sum(i.hours_in(self.date) for i in self.counted)

    @property
    def hours_done(self) -> int:
        return sum(i.hours_in(self.date) for i in self.counted if i.status == RoadmapItem.Status.DONE)


@dataclass
class RoadmapView(_Progress):
    roadmap: Roadmap
    months: list[MonthView]
    earlier: list[RoadmapItem]
    focus: list[RoadmapItem]
    overdue: list[RoadmapItem]
    items: list[RoadmapItem]

    @property
    def hours_done(self) -> int:
        return sum(i.hours for i in self.counted if i.status == RoadmapItem.Status.DONE)

    @property
    def hours_total(self) -> int:
        return sum(i.hours for i in self.counted)

    @functools.cached_property
    def _planned_from(self) -> scoring.Result | None:
        """The stored result of the assessment the roadmap was planned from, read once per page."""
        assessment = self.roadmap.assessment
        if assessment is None or not assessment.result:
            return None
        return scoring.Result.model_validate(assessment.result)

    @functools.cached_property
    def projection(self) -> tuple[planning.ProjectionPoint, ...]:
        """Readiness for the roadmap's role at the end of each month, if the items are done as they stand.

        From the assessment it was planned from (its stored result) and the level each item shows;
        skipped items buy nothing. Empty when that assessment is gone or its role left the framework.
        """
        roadmap = self.roadmap
        framework = content.get_framework()
        result = self._planned_from
        if result is None or roadmap.role.slug not in framework.role_by_slug:
            return ()
        actions = framework.action_by_slug
        finishing = [
            # Items planned before the level shown was stored take it from the framework.
            (
                roadmap.month_number(item.last_month),
                item.shows or dict(getattr(actions.get(item.action_slug), "builds", {})),
            )
            for item in self.counted
        ]
        return planning.project(
            framework, role=roadmap.role.slug, levels=result.levels, finishing=finishing, months=roadmap.months
        )

    @functools.cached_property
    def timeline(self) -> Timeline | None:
        """The plan at a glance: each month's planned hours against the hours offered, the work that
        runs over several months as spans, and the projected readiness over them."""
        roadmap = self.roadmap
        months = [m for m in self.months if m.number <= roadmap.months]
        if not months:
            return None
        capacity = planning.monthly_capacity(roadmap.hours_per_week)
        spans = [
            (_short(item.title), roadmap.month_number(item.month) - 1, roadmap.month_number(item.last_month) - 1)
            for item in self.counted
            if item.spans and item.month >= roadmap.start_month
        ]
        return months_timeline(
            [m.hours for m in months],
            [capacity] * len(months),
            spans,
            [p.readiness for p in self.projection] if len(self.projection) == len(months) else (),
            bars_height=80,
        )

    @functools.cached_property
    def timeline_body(self) -> SafeString:
        """The timeline drawn, inside its <svg>, <title> and <desc>: in Python, as the results page's charts
        are (assessments.results._radar_body); in the template its loops were an eighth of the page. The
        span labels are action titles, escaped; everything else is numbers and class names."""
        t = self.timeline
        if t is None:
            return SafeString()
        parts = [
            f'<rect x="{c.x}" y="{c.capacity_y}" width="{c.width}" height="{c.capacity_height}" '
            'class="timeline-capacity"/>'
            f'<rect x="{c.x}" y="{c.planned_y}" width="{c.width}" height="{c.planned_height}" '
            f'class="timeline-planned{" is-over" if c.over else ""}"/>'
            for c in t.columns
        ]
        if t.readiness:
            dots = "".join(f'<circle cx="{d.x}" cy="{d.y}" r="3.5" class="timeline-dot"/>' for d in t.readiness_dots)
            parts.append(f'<polyline points="{t.readiness}" class="timeline-readiness"/>{dots}')
        parts.append(
            "".join(
                f'<rect x="{sp.x}" y="{sp.y}" width="{sp.width}" height="{sp.height}" rx="4" class="timeline-span"/>'
                f'<text x="{sp.label_x}" y="{sp.label_y}" class="timeline-span-label">{escape(sp.label)}</text>'
                for sp in t.spans
            )
        )
        return SafeString("\n        ".join(parts))  # nosec B308 B703: the labels escaped, the rest numbers

    @property
    def timeline_description(self) -> str:
        capacity = planning.monthly_capacity(self.roadmap.hours_per_week)
        by_month = {p.month: p.readiness for p in self.projection}
        words = "; ".join(
            f"month {m.number}: {m.hours} of {capacity:.0f} h planned"
            + (f", {by_month[m.number]:.0f} % ready" if m.number in by_month else "")
            for m in self.months
            if m.number <= self.roadmap.months
        )
        spanning = ", ".join(
            f"{i.title} (months {self.roadmap.month_number(i.month)}–{self.roadmap.month_number(i.last_month)})"
            for i in self.counted
            if i.spans
        )
        return words + (f". Running over several months: {spanning}." if spanning else ".")

    @functools.cached_property
    def readiness_now(self) -> float:
        """Readiness for the roadmap's role in the assessment it was planned from."""
        result = self._planned_from
        if result is None:
            return 0.0
        return role_view(content.get_framework(), result, self.roadmap.role.slug).readiness

    @property
    def readiness_planned(self) -> float:
        return self.projection[-1].readiness if self.projection else self.readiness_now

    @property
    def ready_month(self) -> int | None:
        """The first month whose projected readiness reaches the bar a move needs."""
        return next((p.month for p in self.projection if p.readiness >= planning.READY_AT), None)

    @property
    def ready_at(self) -> float:
        return planning.READY_AT

    # The projection's figures as the page words them: floatformat's rounding (transition.lib.formatting.fixed),
    # worked out once per value rather than by a filter for each; the list in numbers drawn here, numbers only.
    @property
    def readiness_now_text(self) -> str:
        return fixed(self.readiness_now, 0)

    @property
    def readiness_planned_text(self) -> str:
        return fixed(self.readiness_planned, 0)

    @property
    def ready_at_text(self) -> str:
        return fixed(planning.READY_AT, 0)

    @property
    def projection_items(self) -> SafeString:
        return SafeString(  # nosec B308 B703: numbers only
            "".join(f'<li><span class="muted">M{p.month}</span> {fixed(p.readiness, 0)}%</li>' for p in self.projection)
        )

    @functools.cached_property
    def month_choices(self) -> list[tuple[int, datetime.date, str]]:
        """The months an item can move to, labelled once per page rather than once per item."""
        return [
            (m.number, m.date, f"Month {m.number} · {date_format(m.date, 'F Y')}")
            for m in self.months
            if m.number <= self.roadmap.months
        ]

    def month_of(self, item: RoadmapItem) -> MonthView | None:
        return next((m for m in self.months if m.date == item.month), None)

    def months_of(self, item: RoadmapItem) -> list[MonthView]:
        """Every month the item runs in, for redrawing their progress after a change."""
        return [m for m in self.months if item.runs_in(m.date)]


_STATUS_LABELS = dict(RoadmapItem.Status.choices)


def _label(item: RoadmapItem) -> None:
    """What a card shows of its item as words, worked out here rather than by filters and comparisons in the
    card: those were most of a card's time, and the page draws every card."""
    item.status_label = _STATUS_LABELS.get(item.status, item.status)  # type: ignore[attr-defined]
    item.pressed = {s: "true" if s == item.status else "false" for s in _STATUS_LABELS}  # type: ignore[attr-defined]
    span = item.span
    item.hours_label = f"{item.hours} h over {span} months" if span > 1 else f"{item.hours} h"  # type: ignore[attr-defined]
    item.span_label = (  # type: ignore[attr-defined]
        f"{date_format(item.month, 'M')}–{date_format(item.last_month, 'M Y')}" if span > 1 else ""
    )
    item.done_label = date_format(item.done_on, "j M Y") if item.done_on else ""  # type: ignore[attr-defined]
    # The card cites the first source of its reason only.
    item.first_source = item.sources[0] if item.sources else None  # type: ignore[attr-defined]


def _short(title: str, most: int = 34) -> str:
    """A span's label fits its lane; the full title is in the chart's description and on the card."""
    return title if len(title) <= most else title[: most - 1].rstrip() + "…"


class Link(NamedTuple):
    """An evidence link as a card draws it: the address, and the id its remove button posts."""

    pk: int
    url: str


# The roadmap's items in written SQL, not built by the ORM: on the roadmap page, building the items' query
# with its comment count, and the links' prefetch, took longer than drawing four of its cards (make bench).
# Every column is read (transition.lib.statements), so the items are whole, as a queryset makes them; the
# order is Meta.ordering.
_ITEMS = "SELECT {columns}{count} FROM {item} i WHERE i.roadmap_id = %s ORDER BY i.month, i.position, i.id"
_COUNT = ", (SELECT COUNT(*) FROM {comment} c WHERE c.item_id = i.id)"
_LINKS = (
    "SELECT l.item_id, l.id, l.url FROM {link} l JOIN {item} i ON i.id = l.item_id"
    " WHERE i.roadmap_id = %s ORDER BY l.created_at, l.id"
)
_TABLES = {"item": RoadmapItem._meta.db_table, "comment": Comment._meta.db_table, "link": EvidenceLink._meta.db_table}


@functools.cache
def _items_statement(comment_counts: bool) -> tuple[str, Columns]:
    columns = Columns(RoadmapItem, "i")
    count = _COUNT.format(**_TABLES) if comment_counts else ""
    return _ITEMS.format(columns=columns.sql, count=count, **_TABLES), columns


def roadmap_items(roadmap: Roadmap, comment_counts: bool = False) -> list[RoadmapItem]:
    """Every item of the roadmap, each with its evidence links (item.link_list), in two queries; with
    ``comment_counts``, each with the number of comments on it (item.comment_count) too."""
    sql, columns = _items_statement(comment_counts)
    with connection.cursor() as cursor:
        cursor.execute(sql, [roadmap.pk])
        rows = cursor.fetchall()
    n = len(columns)
    items = []
    for row in rows:
        item = columns.instance(row[:n])
        if comment_counts:
            item.comment_count = row[n]
        items.append(item)
    attach_links(items, roadmap_id=roadmap.pk)
    return items


def attach_links(items: list[RoadmapItem], roadmap_id: int) -> None:
    """Give each item its evidence links, oldest first (item.link_list), read in one query for the roadmap."""
    by_item: dict[int, list[Link]] = {item.pk: [] for item in items}
    with connection.cursor() as cursor:
        cursor.execute(_LINKS.format(**_TABLES), [roadmap_id])
        for item_id, pk, url in cursor.fetchall():
            if item_id in by_item:
                by_item[item_id].append(Link(pk, url))
    for item in items:
        item.link_list = by_item[item.pk]  # type: ignore[attr-defined]


def roadmap_view(
    roadmap: Roadmap,
    today: datetime.date | None = None,
    items: list[RoadmapItem] | None = None,
    comment_counts: bool = False,
) -> RoadmapView:
    """The roadmap grouped by month, with this month's focus and what is overdue: two queries, or none
    given the items already read (their links then are read only where they are drawn). With
    ``comment_counts``, each item's comments are counted in the same query (see roadmap_items)."""
    this_month = month_start(today or timezone.localdate())
    items = roadmap_items(roadmap, comment_counts) if items is None else items
    last = max([roadmap.months] + [roadmap.month_number(i.last_month) for i in items])
    months = [
        MonthView(
            number=n,
            date=roadmap.month_date(n),
            is_current=roadmap.month_date(n) == this_month,
            is_past=roadmap.month_date(n) < this_month,
        )
        for n in range(1, last + 1)
    ]
    by_date = {m.date: m for m in months}
    earlier = []
    for item in items:
        if item.month in by_date:
            by_date[item.month].starting.append(item)
        else:
            earlier.append(item)
        for index in range(2, item.span + 1):
            date = add_months(item.month, index - 1)
            if date in by_date:
                by_date[date].continuing.append(Continuing(item, index, item.hours_in(date)))
    # Each card's address (its editor's and comments' are built from it, see roadmaps/urls.py), reversed
    # once per roadmap: a reversal per card was a tenth of the card.
    address = reverse("roadmaps:item_update", args=[roadmap.pk, 0]).removesuffix("0/")
    for item in items:
        item.update_url = f"{address}{item.pk}/"  # type: ignore[attr-defined]
        _label(item)
    focus = [i for i in items if i.runs_in(this_month) and i.is_open]
    overdue = [i for i in items if i.last_month < this_month and i.is_open]
    return RoadmapView(roadmap=roadmap, months=months, earlier=earlier, focus=focus, overdue=overdue, items=items)
