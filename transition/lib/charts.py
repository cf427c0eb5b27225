"""The geometry of the charts the pages draw: pure functions from numbers to SVG coordinates.

Templates draw the SVG (role="img", a <title> and a <desc>, classes for colour: the CSP allows no
inline style); these functions only place things, in a chart's own user units, so the drawing scales
with its viewBox. No Django, no app: numbers in, frozen dataclasses of numbers and strings out.
Coordinates are rounded to one decimal, which is finer than a pixel at any size the pages draw.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass


def _r(value: float) -> float:
    return round(value, 1)


def scale(value: float, lo: float, hi: float, start: float, end: float) -> float:
    """``value`` from the range lo..hi onto start..end, clamped: a value out of range sits at the edge."""
    if hi == lo:
        return start
    share = min(1.0, max(0.0, (value - lo) / (hi - lo)))
    return start + share * (end - start)


def _fmt(value: float) -> str:
    # "12.5", "12" rather than "12.0": 21 points per polygon, several polygons per page.
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def points(coords: Sequence[tuple[float, float]]) -> str:
    """An SVG ``points`` attribute."""
    return " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in coords)


# --- radar --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    value: float


@dataclass(frozen=True)
class RadarAxis:
    x: float  # the axis runs from the centre to (x, y), the outer ring
    y: float
    label_x: float
    label_y: float
    anchor: str  # text-anchor: "start" on the right, "end" on the left, "middle" at the top and bottom
    baseline: str  # dominant-baseline: "auto" above the centre... "hanging" below it


@dataclass(frozen=True)
class RadarSeries:
    points: str  # a closed polygon, when every axis has a value
    dots: tuple[Dot | None, ...]  # one per axis; None where the series has no value
    complete: bool


@dataclass(frozen=True)
class Radar:
    width: float
    height: float
    cx: float
    cy: float
    rings: tuple[str, ...]  # polygons at each whole step of the scale, innermost first
    axes: tuple[RadarAxis, ...]
    series: tuple[RadarSeries, ...]
    spokes: str = ""  # the SVG path ``d`` of every axis: a line from the centre to each outer end


def _angle(index: int, count: int) -> float:
    # The first axis points straight up; the rest follow clockwise.
    return -math.pi / 2 + 2 * math.pi * index / count


@dataclass(frozen=True)
class _Frame:
    """What a radar of a given shape draws whatever its values: worked out once per shape (``_frame``)."""

    cx: float
    cy: float
    width: float
    height: float
    rings: tuple[str, ...]
    axes: tuple[RadarAxis, ...]
    spokes: str
    unit: tuple[tuple[float, float], ...]  # each axis' direction: (cos, sin)


@functools.lru_cache(maxsize=64)
def _frame(count: int, max_value: float, radius: float, label_gap: float, margin_x: float, margin_y: float) -> _Frame:
    # A handful of shapes (two sizes, one count of competencies per framework), and the same on every page.
    cx, cy = radius + margin_x, radius + margin_y
    unit = tuple((math.cos(_angle(i, count)), math.sin(_angle(i, count))) for i in range(count))

    def at(index: int, value: float) -> tuple[float, float]:
        distance = scale(value, 0, max_value, 0, radius)
        cos, sin = unit[index]
        return cx + distance * cos, cy + distance * sin

    rings = tuple(points([at(i, step) for i in range(count)]) for step in range(1, math.floor(max_value) + 1))
    axes = []
    for i, (cos, sin) in enumerate(unit):
        x, y = at(i, max_value)
        # Only an axis pointing (almost) straight up or down gets a centred label: its neighbours' labels
        # run outwards, away from it, so two near the bottom never overlap.
        anchor = "middle" if abs(cos) < 0.05 else ("start" if cos > 0 else "end")
        baseline = "middle" if abs(sin) < 0.5 else ("hanging" if sin > 0 else "auto")
        axes.append(
            RadarAxis(
                x=_r(x),
                y=_r(y),
                label_x=_r(cx + (radius + label_gap) * cos),
                label_y=_r(cy + (radius + label_gap) * sin),
                anchor=anchor,
                baseline=baseline,
            )
        )
    centre = f"M{_fmt(_r(cx))} {_fmt(_r(cy))}"
    return _Frame(
        cx=cx,
        cy=cy,
        width=2 * cx,
        height=2 * cy,
        rings=rings,
        axes=tuple(axes),
        spokes="".join(f"{centre}L{_fmt(a.x)} {_fmt(a.y)}" for a in axes),
        unit=unit,
    )


def radar(
    count: int,
    series: Sequence[Sequence[float | None]],
    *,
    max_value: float = 4,
    radius: float = 150,
    label_gap: float = 14,
    margin_x: float = 120,
    margin_y: float = 40,
) -> Radar:
    """A radar (spider) chart of ``count`` axes, each running 0..max_value from the centre outwards.

    Each series gives one value per axis (None for none). Margins leave room for the labels: wider at
    the sides, where a label runs outwards horizontally. The rings, axes and labels' places are the same
    for every chart of a shape, and are worked out once for it.
    """
    if count < 3:
        raise ValueError("A radar needs at least three axes.")
    frame = _frame(count, max_value, radius, label_gap, margin_x, margin_y)
    cx, cy, unit = frame.cx, frame.cy, frame.unit
    drawn = []
    for values in series:
        if len(values) != count:
            raise ValueError(f"A series has {len(values)} values for {count} axes.")
        dots: list[Dot | None] = []
        placed = []
        for (cos, sin), v in zip(unit, values, strict=True):
            if v is None:
                dots.append(None)
                continue
            distance = scale(v, 0, max_value, 0, radius)
            x, y = _r(cx + distance * cos), _r(cy + distance * sin)
            dots.append(Dot(x, y, v))
            placed.append(f"{_fmt(x)},{_fmt(y)}")
        complete = None not in dots
        drawn.append(RadarSeries(points=" ".join(placed) if complete else "", dots=tuple(dots), complete=complete))
    return Radar(
        width=_r(frame.width),
        height=_r(frame.height),
        cx=_r(cx),
        cy=_r(cy),
        rings=frame.rings,
        axes=frame.axes,
        series=tuple(drawn),
        spokes=frame.spokes,
    )


# --- gauge --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gauge:
    width: float
    height: float
    cx: float
    number_y: float  # where a number inside the half circle sits
    track: str  # path of the whole half circle
    value: str  # path of the filled part; "" at zero
    end_x: float  # where the filled part ends, for a marker
    end_y: float


def gauge(value: float, *, max_value: float = 100, radius: float = 80, stroke: float = 18) -> Gauge:
    """A half-circle gauge, filled clockwise from the left end by value / max_value."""
    pad = stroke / 2 + 2
    cx, cy = radius + pad, radius + pad
    share = min(1.0, max(0.0, value / max_value if max_value else 0.0))

    def at(s: float) -> tuple[float, float]:
        angle = math.pi + math.pi * s  # from the left (pi) over the top to the right (2 pi)
        return cx + radius * math.cos(angle), cy + radius * math.sin(angle)

    x0, y0 = at(0)
    x1, y1 = at(1)
    xe, ye = at(share)
    track = f"M {_r(x0)} {_r(y0)} A {radius} {radius} 0 0 1 {_r(x1)} {_r(y1)}"
    filled = f"M {_r(x0)} {_r(y0)} A {radius} {radius} 0 0 1 {_r(xe)} {_r(ye)}" if share > 0 else ""
    return Gauge(
        width=_r(2 * cx),
        height=_r(cy + pad),
        cx=_r(cx),
        number_y=_r(cy - 6),
        track=track,
        value=filled,
        end_x=_r(xe),
        end_y=_r(ye),
    )


# --- bars ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    x: float
    width: float


def diverging_bar(value: float, *, lo: float = -1, hi: float = 1, start: float = 0, end: float = 200) -> Bar:
    """A bar from the zero line to ``value``: to the right when positive, to the left when negative."""
    zero = scale(0, lo, hi, start, end)
    at = scale(value, lo, hi, start, end)
    return Bar(x=_r(min(zero, at)), width=_r(abs(at - zero)))


# --- lines --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: float
    height: float
    left: float  # the plot area
    right: float
    top: float
    bottom: float
    points: str
    dots: tuple[Dot, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]


def line_chart(
    values: Sequence[float],
    labels: Sequence[str] = (),
    *,
    lo: float = 0,
    hi: float = 100,
    width: float = 640,
    height: float = 220,
    step: float = 25,
    left: float = 44,
    right: float = 24,
    top: float = 16,
    bottom: float = 30,
    inset: float = 0,
) -> LineChart:
    """Values over evenly spaced points in time, left to right; a single value sits in the middle.
    ``inset`` keeps the first and last points that far inside the plot area, clear of the y axis' labels."""
    x0, x1, y0, y1 = left, width - right, top, height - bottom
    n = len(values)

    def x_at(i: int) -> float:
        if n == 1:
            return (x0 + x1) / 2
        return x0 + inset + (x1 - x0 - 2 * inset) * i / (n - 1)

    dots = tuple(Dot(_r(x_at(i)), _r(scale(v, lo, hi, y1, y0)), v) for i, v in enumerate(values))
    y_ticks = []
    tick = lo
    while tick <= hi + 1e-9:
        y_ticks.append(Tick(_r(scale(tick, lo, hi, y1, y0)), f"{tick:g}"))
        tick += step
    x_ticks = tuple(Tick(_r(x_at(i)), label) for i, label in enumerate(labels[:n]))
    return LineChart(
        width=width,
        height=height,
        left=x0,
        right=x1,
        top=y0,
        bottom=y1,
        points=points([(d.x, d.y) for d in dots]),
        dots=dots,
        y_ticks=tuple(y_ticks),
        x_ticks=x_ticks,
    )


@dataclass(frozen=True)
class Sparkline:
    width: float
    height: float
    points: str
    last: Dot | None


def sparkline(
    values: Sequence[float], *, lo: float = 0, hi: float = 100, width: float = 80, height: float = 24
) -> Sparkline:
    """A small line without axes; the last value gets a dot. Two pixels of room keep the dot whole."""
    pad = 3
    chart = line_chart(values, lo=lo, hi=hi, width=width, height=height, left=pad, right=pad, top=pad, bottom=pad)
    return Sparkline(width=width, height=height, points=chart.points, last=chart.dots[-1] if chart.dots else None)


# --- months timeline (for a roadmap) ------------------------------------------------------------------


@dataclass(frozen=True)
class MonthColumn:
    index: int
    x: float  # the column's left edge
    width: float
    capacity_y: float  # top of the capacity bar
    planned_y: float  # top of the planned-hours bar
    over: bool  # more planned than there is time for
    capacity_height: float = 0.0
    planned_height: float = 0.0


@dataclass(frozen=True)
class Span:
    label: str
    x: float
    width: float
    y: float  # the lane's top
    lane: int
    height: float = 0.0
    label_x: float = 0.0
    label_y: float = 0.0


@dataclass(frozen=True)
class Timeline:
    width: float
    height: float
    bars_bottom: float  # the base line of the hours bars
    bar_width: float
    columns: tuple[MonthColumn, ...]
    spans: tuple[Span, ...]
    lane_height: float
    readiness: str  # polyline points of the projected readiness, "" without it
    readiness_dots: tuple[Dot, ...]


def months_timeline(
    planned: Sequence[float],
    capacity: Sequence[float],
    spans: Sequence[tuple[str, int, int]] = (),
    readiness: Sequence[float] = (),
    *,
    width: float = 720,
    bars_height: float = 120,
    lane_height: float = 22,
    gap: float = 8,
) -> Timeline:
    """Months across: each month's planned hours against its capacity as two bars on one scale, items
    that span months (label, first month, last month, 0-based and inclusive) in lanes below, packed so
    spans that overlap never share a lane, and a projected readiness (0-100, one value per month) over
    the bars on its own scale.
    """
    months = len(planned)
    if len(capacity) != months:
        raise ValueError("Planned hours and capacity need one value per month each.")
    if readiness and len(readiness) != months:
        raise ValueError("Projected readiness needs one value per month.")
    column = width / months if months else width
    bar_width = max(2.0, column - 2 * gap)
    peak = max([*planned, *capacity, 1])
    top = 8.0
    bottom = top + bars_height
    columns = tuple(
        MonthColumn(
            index=i,
            x=_r(i * column + gap),
            width=_r(bar_width),
            capacity_y=_r(scale(capacity[i], 0, peak, bottom, top)),
            planned_y=_r(scale(planned[i], 0, peak, bottom, top)),
            over=planned[i] > capacity[i],
            capacity_height=_r(bottom - scale(capacity[i], 0, peak, bottom, top)),
            planned_height=_r(bottom - scale(planned[i], 0, peak, bottom, top)),
        )
        for i in range(months)
    )
    # Greedy lane packing, in order of start: a span takes the first lane free by its first month.
    lanes_end: list[int] = []
    placed = []
    for label, first, last in sorted(spans, key=lambda s: (s[1], s[2])):
        first, last = max(0, first), min(months - 1, max(first, last))
        lane = next((n for n, end in enumerate(lanes_end) if end < first), len(lanes_end))
        if lane == len(lanes_end):
            lanes_end.append(last)
        else:
            lanes_end[lane] = last
        placed.append(
            Span(
                label=label,
                x=_r(first * column + gap),
                width=_r((last - first + 1) * column - 2 * gap),
                y=_r(bottom + 12 + lane * lane_height),
                lane=lane,
                height=_r(lane_height - 4),
                label_x=_r(first * column + gap + 6),
                label_y=_r(bottom + 12 + lane * lane_height + 13),
            )
        )
    height = bottom + 12 + len(lanes_end) * lane_height + 4
    dots = tuple(
        Dot(_r(i * column + column / 2), _r(scale(v, 0, 100, bottom, top)), v) for i, v in enumerate(readiness)
    )
    return Timeline(
        width=width,
        height=_r(height),
        bars_bottom=_r(bottom),
        bar_width=_r(bar_width),
        columns=columns,
        spans=tuple(placed),
        lane_height=lane_height,
        readiness=points([(d.x, d.y) for d in dots]),
        readiness_dots=dots,
    )


# --- many marks as one path ---------------------------------------------------------------------------
# A page that draws a mark per value as its own element pays for each in the template; one path with a
# subpath per mark looks the same, is one attribute to fill in, and needs no JavaScript or style.


def dots(marks: Sequence[Dot | None], radius: float) -> str:
    """The SVG path ``d`` of a filled circle of ``radius`` at each mark; none where a mark is None."""
    r, d = _fmt(radius), _fmt(2 * radius)
    return "".join(
        f"M{_fmt(m.x - radius)} {_fmt(m.y)}a{r} {r} 0 1 0 {d} 0a{r} {r} 0 1 0 -{d} 0" for m in marks if m is not None
    )


def bare_sparkline(
    values: Sequence[float], *, lo: float = 0, hi: float = 100, width: float = 80, height: float = 24
) -> Sparkline:
    """``sparkline``, placed without line_chart's axes and ticks, which a sparkline never draws: the same
    points and dot, at a third of the cost, for a table that draws one in every row."""
    pad = 3
    x0, x1, y0, y1 = pad, width - pad, pad, height - pad
    n = len(values)
    if n == 0:
        return Sparkline(width=width, height=height, points="", last=None)
    # As line_chart places them: a single value in the middle.
    xs = [_r((x0 + x1) / 2)] if n == 1 else [_r(x0 + (x1 - x0) * i / (n - 1)) for i in range(n)]
    ys = [_r(scale(v, lo, hi, y1, y0)) for v in values]
    return Sparkline(
        width=width,
        height=height,
        points=points(list(zip(xs, ys, strict=True))),
        last=Dot(xs[-1], ys[-1], values[-1]),
    )
