from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format

from roadmaps.models import EvidenceLink, Roadmap, RoadmapItem, month_start


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


@dataclass
class MonthView(_Progress):
    number: int
    date: datetime.date
    items: list[RoadmapItem] = field(default_factory=list)
    is_current: bool = False
    is_past: bool = False

    @property
    def hours(self) -> int:
        return sum(i.hours for i in self.counted)


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
    def month_choices(self) -> list[tuple[int, datetime.date, str]]:
        """The months an item can move to, labelled once per page rather than once per item."""
        return [
            (m.number, m.date, f"Month {m.number} · {date_format(m.date, 'F Y')}")
            for m in self.months
            if m.number <= self.roadmap.months
        ]

    def month_of(self, item: RoadmapItem) -> MonthView | None:
        return next((m for m in self.months if m.date == item.month), None)


def roadmap_items(roadmap: Roadmap) -> list[RoadmapItem]:
    return list(
        roadmap.items.prefetch_related(Prefetch("links", queryset=EvidenceLink.objects.order_by("created_at", "pk")))
    )


def roadmap_view(roadmap: Roadmap, today: datetime.date | None = None) -> RoadmapView:
    """The roadmap grouped by month, with this month's focus and what is overdue: two queries."""
    this_month = month_start(today or timezone.localdate())
    items = roadmap_items(roadmap)
    last = max([roadmap.months] + [roadmap.month_number(i.month) for i in items])
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
            by_date[item.month].items.append(item)
        else:
            earlier.append(item)
    focus = [i for i in items if i.month == this_month and i.is_open]
    overdue = [i for i in items if i.month < this_month and i.is_open]
    return RoadmapView(roadmap=roadmap, months=months, earlier=earlier, focus=focus, overdue=overdue, items=items)
