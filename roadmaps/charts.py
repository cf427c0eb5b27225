"""The projected-readiness chart's geometry: pure numbers the template draws as SVG."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from roadmaps.planning import READY_AT, ProjectionPoint

BAR_WIDTH = 28
GAP = 12
PLOT_HEIGHT = 80  # 100 % readiness
TOP = 8  # room above a full bar for the bar line's label


@dataclass(frozen=True)
class Bar:
    month: int
    readiness: float
    x: int
    y: float
    height: float
    ready: bool  # at or above the bar a move needs


@dataclass(frozen=True)
class ProjectionChart:
    bars: tuple[Bar, ...]
    width: int
    height: int
    target_y: float
    ready_at: float
    description: str  # the numbers in words, for <desc>


def _y(readiness: float) -> float:
    return round(TOP + PLOT_HEIGHT * (1 - readiness / 100), 1)


def projection_chart(points: Sequence[ProjectionPoint], ready_at: float = READY_AT) -> ProjectionChart | None:
    """One bar per month, height by projected readiness, and a line at the bar a move needs."""
    if not points:
        return None
    bars = tuple(
        Bar(
            month=p.month,
            readiness=p.readiness,
            x=i * (BAR_WIDTH + GAP) + GAP,
            y=_y(p.readiness),
            height=round(PLOT_HEIGHT * p.readiness / 100, 1),
            ready=p.readiness >= ready_at,
        )
        for i, p in enumerate(points)
    )
    words = ", ".join(f"month {p.month} {p.readiness:.0f} %" for p in points)
    return ProjectionChart(
        bars=bars,
        width=len(bars) * (BAR_WIDTH + GAP) + GAP,
        height=TOP + PLOT_HEIGHT,
        target_y=_y(ready_at),
        ready_at=ready_at,
        description=f"Projected readiness at the end of each month: {words}. The line marks {ready_at:.0f} %.",
    )
