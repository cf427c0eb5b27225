"""What the results page shows, assembled from the frozen result and the framework's text."""

from __future__ import annotations

import enum
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from assessments import content, scoring
from assessments.models import Answer, Assessment, Evidence, Item, ManagerRating
from assessments.selectors import Finished
from assessments.templatetags.sources import source_link
from transition.accounts.models import Share
from transition.lib import charts
from transition.lib.formatting import fixed
from transition.lib.statements import OneWith, quoted
from transition.lib.text import escape

CHART_WIDTH = 240  # px per four levels in the bar chart's SVG

# The page's numbers are made text here, once, rather than by the template: there every number drawn as
# {{ x }} is localised and every |floatformat looks the language up again, which was most of the cost of a
# page with some 900 numbers on it. Numbers people read go through `fixed`, as |floatformat shows them;
# numbers in SVG attributes through `_svg`, never localised, since a decimal comma would break the drawing.
# Both, and the class names below, are marked safe: they hold no markup, and escaping a value costs the
# template about as much as looking it up.


def _svg(value: float) -> SafeString:
    # What the template drew for a number in English: "180.0" for a float, "240" for an int. SafeString
    # rather than mark_safe, whose lazy-string check costs more than the rest of this.
    return SafeString(value)  # nosec B308 B703: markup made here from numbers and class names


def _signed(value: float, places: int) -> SafeString:
    return SafeString(("+" if value > 0 else "") + fixed(value, places))  # nosec B308 B703


# The radar's axis labels: a full name does not fit 21 times around a circle. The full name is in each
# axis's <title> and in the table below the chart.
SHORT_NAMES = {
    "agentic-workflows": "Agentic",
    "ai-governance": "Governance",
    "ai-operations": "AI ops",
    "ai-solution-design": "Solution design",
    "ai-tool-adoption": "Tool adoption",
    "ai-unit-economics": "Unit economics",
    "cross-functional-leadership": "Cross-functional",
    "decision-making": "Decisions",
    "evaluation-literacy": "Evaluation",
    "leading-without-title": "Leading w/o title",
    "learning-agility": "Learning",
    "mentoring": "Mentoring",
    "probabilistic-systems": "Probabilistic",
    "product-prioritization": "Prioritisation",
    "prompt-architecture": "Prompts",
    "rapid-prototyping": "Prototyping",
    "saying-no": "Saying no",
    "software-architecture": "Architecture",
    "stakeholder-communication": "Stakeholders",
    "systems-thinking": "Systems",
    "user-research": "User research",
}


def short_name(competency: content.Competency) -> str:
    return SHORT_NAMES.get(competency.slug) or competency.name.removeprefix("AI ")[:16]


@dataclass(frozen=True)
class Badge:
    css: str
    label: str


OVERRATED = Badge(mark_safe("badge badge-warn"), mark_safe("overrated"))  # nosec B308 B703
UNTESTED = Badge(mark_safe("badge badge-info"), mark_safe("untested"))  # nosec B308 B703
UNANSWERED = Badge(mark_safe("badge"), mark_safe("unanswered"))  # nosec B308 B703
LOW_CONFIDENCE = Badge(mark_safe("badge"), mark_safe("low confidence"))  # nosec B308 B703
MUTED, UP, DOWN = mark_safe("muted"), mark_safe("change up"), mark_safe("change down")  # nosec B308 B703
BAR_GAP, BAR_OK = mark_safe("bar-gap"), mark_safe("bar-ok")  # nosec B308 B703
NEW, SAME = mark_safe("new"), mark_safe("0")  # nosec B308 B703: markup made here from numbers and class names


@dataclass(frozen=True)
class Row:
    competency: content.Competency
    current: float
    required: int
    gap: float
    weight: float
    change: float | None
    current_px: str  # the bar's length and the required mark's place, as the SVG has them
    required_px: str
    blind_spot: bool
    blind_spot_kind: str | None  # "overrated" or "untested"
    confidence: str
    answered: bool  # any of its items (or a quick rating) answered
    rated: bool  # a quick-mode self-rating: one unverified number, low confidence by design
    # As the level table shows them, worked out once here rather than by a chain of {% if %} per cell.
    current_text: str = ""
    required_text: str = ""
    gap_text: str = ""  # "" when the requirement is met
    change_css: str = "muted"
    change_text: str = ""  # "new" when the previous assessment had no level for it
    bar_css: str = "bar-ok"
    badges: tuple[Badge, ...] = ()


def _badges(blind_spot_kind: str | None, answered: bool, blind_spot: bool, rated: bool, confidence: str) -> tuple:
    badges = []
    if blind_spot_kind == "overrated":
        badges.append(OVERRATED)
    elif blind_spot_kind == "untested":
        badges.append(UNTESTED)
    if not answered:
        badges.append(UNANSWERED)
    elif not blind_spot and not rated and confidence in ("low", "none"):
        # A blind spot already says why the answers disagree; a quick rating is one number by design.
        badges.append(LOW_CONFIDENCE)
    return tuple(badges)


def _change(change: float | None) -> tuple[str, str]:
    """The change column's class and text."""
    if change is None:
        return MUTED, NEW
    if change > 0:
        return UP, _signed(change, 1)
    if change < 0:
        return DOWN, fixed(change, 1)
    return MUTED, SAME


@dataclass(frozen=True)
class ManagerView:
    """A manager's rating of one competency, beside the engineer's own level."""

    competency: content.Competency
    current: float
    level: int
    manager: str
    comment: str
    differs: bool  # more than one level apart

    @property
    def level_name(self) -> str:
        return content.LEVEL_NAMES[self.level]

    @property
    def current_text(self) -> str:
        return fixed(self.current, 1)

    @property
    def row(self) -> str:
        """Its row of the manager's-view table, drawn here as the level rows are: every text escaped."""
        badge = ' <span class="badge badge-warn">more than a level apart</span>' if self.differs else ""
        comment = linebreaksbr(self.comment, autoescape=True) if self.comment else '<span class="muted">—</span>'
        return (
            f"\n        <tr{' class="differs"' if self.differs else ''}>\n"
            f'          <th scope="row">{escape(self.competency.name)}{badge}</th>\n'
            f"          <td>{escape(self.current_text)}</td>\n"
            f"          <td>{self.level} · {escape(self.level_name)} "
            f'<span class="muted small">({escape(self.manager)})</span></td>\n'
            f"          <td>{comment}</td>\n        </tr>\n"
        )


def manager_rows(ratings: list[ManagerView]) -> SafeString:
    return SafeString("".join(r.row for r in ratings))  # nosec B308 B703: see ManagerView.row


class Audience(enum.Enum):
    """Who is looking at the results: it decides, in one place, what the page may hold."""

    OWNER = "owner"  # the engineer: also which option they picked in each scenario, and their managers' ratings
    FOLLOWER = "follower"  # a manager or mentor the engineer shares with: the results alone
    FOLLOWER_PRIVATE = "follower_private"  # the same, with the free-text evidence the engineer opened to them


def results_context(
    assessment: Assessment,
    role_slug: str | None = None,
    *,
    audience: Audience = Audience.OWNER,
    role_view_only: bool = False,
) -> dict:
    """Everything the results page shows to ``audience``; `role_view_only` for the htmx role switch,
    which redraws only that part.

    What is drawn from the frozen result is given as callables, which templates call when they read
    them, once, so a part of the page that is not drawn (the role switch's answer) computes nothing.
    Nothing of the page is cached: at the real size a kept fragment was read again 1-3 % of the time,
    and measured cold the page cost the same without the fragments (make bench).
    """
    framework = content.get_framework()
    result = scoring.Result.model_validate(assessment.result)
    if assessment.previous_id and not Assessment.previous.is_cached(assessment):
        # The page shows the previous assessment's date and version, and the change since its snapshot.
        assessment.previous = _previous().get([assessment.previous_id, assessment.owner_id])
    role_slug = role_slug if role_slug in framework.role_by_slug else result.role
    role = framework.role_by_slug[role_slug]
    computed = functools.cache(functools.partial(_from_result, assessment, framework, result, role))
    context = {
        "assessment": assessment,
        "result": result,
        "role": role,
        "roles": framework.roles,
        "chart_width": _svg(CHART_WIDTH),
        "level_names": content.LEVEL_NAMES,
        "framework_version": framework.version,
        "read_only": audience is not Audience.OWNER,
        **{name: functools.partial(_pick, computed, name) for name in FROM_RESULT},
    }
    # The radar in the role view draws the managers' ratings too, so the role switch reads them as well.
    # They are the engineer's own: a follower's radar has none.
    ratings = _manager_ratings(assessment, framework, result) if audience is Audience.OWNER else []
    if audience is Audience.OWNER:
        context["manager_ratings"] = ratings
    context["radar"] = functools.cache(functools.partial(_radar, framework, result, role, ratings))
    if role_view_only:
        return context
    if audience is Audience.OWNER:
        # The manager's view sits outside the role view: the role switch does not draw it.
        context["manager_rows"] = manager_rows(ratings)
        # The levels are results; which option was picked in each scenario stays between the engineer and
        # the app. The page says how many there are; the list itself, 40-odd scenarios with their
        # explanations that few read, is fetched when its disclosure is opened (assessment_scenarios).
        context["scenario_count"] = functools.cache(functools.partial(_scenario_count, assessment, framework))
    elif audience is Audience.FOLLOWER_PRIVATE:
        context["evidence"] = list(
            Evidence.objects.filter(assessment=assessment).select_related("competency").order_by("competency__position")
        )
    return context


@functools.cache
def _previous() -> OneWith:
    # Written once, as the assessment itself is read (assessments.permissions); the same owner's only.
    return OneWith(Assessment, related=[], where=["id", "owner"])


def _pick(computed: Callable[[], dict[str, Any]], name: str) -> Any:
    return computed()[name]


def chart_order(role: content.Role) -> list[str]:
    """The competencies as the chart lists them: what the role asks for most first."""
    return scoring.by_weight(role, list(role.requirements))


FROM_RESULT = (
    "met",
    "level_rows",
    "readiness",
    "readiness_text",
    "readiness_change",
    "readiness_change_text",
    "rows",
    "biggest",
    "gap_cards",
    "strengths",
    "blind_spots",
    "tie",
    "unanswered",
    "gauge",
    "fit_chart",
)


NOTHING = SafeString()


@dataclass(frozen=True)
class RadarAxis:
    competency: content.Competency
    short: str
    current: float
    required: int
    manager: float | None
    title: str = ""  # its name and numbers, as both layouts' labels say them


@dataclass(frozen=True)
class RadarLabel:
    # Where and how the label sits: its <text> element's attributes, made of numbers, keywords and class
    # names alone. One value rather than five, since 42 labels a page made them a fifth of its lookups.
    attrs: SafeString
    title: str  # the competency's full name and numbers
    text: str  # the short name, or its number in the key


@dataclass(frozen=True)
class RadarDrawing:
    """One layout of the radar, every attribute as its SVG has it."""

    size: str  # "wide" or "narrow"
    width: str
    height: str
    rings: tuple[str, ...]
    spokes: str  # a path
    required: str  # polygon points
    current: str
    current_dots: str  # a path
    manager_line: str  # "" unless every competency has a manager's rating
    manager_dots: tuple[tuple[str, str], ...]
    labels: tuple[RadarLabel, ...]
    body: SafeString = NOTHING  # all of the above drawn: the SVG inside its <title> and <desc>


@dataclass(frozen=True)
class RadarChart:
    wide: RadarDrawing  # named axes, for a wide screen and print
    narrow: RadarDrawing  # numbered axes and a numbered key, for a phone
    axes: list[RadarAxis]
    has_manager: bool
    manager_label: str
    key: SafeString = NOTHING  # the numbered key's items: each competency's name, in the axes' order


LABEL, LABEL_GAP = mark_safe("radar-label"), mark_safe("radar-label radar-label-gap")  # nosec B308 B703


def _radar_drawing(geo: charts.Radar, size: str, axes: list[RadarAxis]) -> RadarDrawing:
    def at(dots: tuple[charts.Dot | None, ...]) -> tuple[tuple[str, str], ...]:
        return tuple((_svg(d.x), _svg(d.y)) for d in dots if d is not None)

    current, required = geo.series[0], geo.series[1]
    manager = geo.series[2] if len(geo.series) > 2 else None
    labels = tuple(
        RadarLabel(
            attrs=SafeString(  # nosec B308 B703: markup made here from numbers and class names
                f'x="{g.label_x}" y="{g.label_y}" text-anchor="{g.anchor}" dominant-baseline="{g.baseline}" '
                f'class="{LABEL_GAP if a.current < a.required else LABEL}"'
            ),
            title=a.title,
            text=_svg(i + 1) if size == "narrow" else a.short,
        )
        for i, (a, g) in enumerate(zip(axes, geo.axes, strict=True))
    )
    drawing = RadarDrawing(
        size=size,
        width=_svg(geo.width),
        height=_svg(geo.height),
        rings=tuple(SafeString(r) for r in geo.rings),  # nosec B308 B703: markup made here from numbers and class names
        spokes=SafeString(geo.spokes),  # nosec B308 B703: markup made here from numbers and class names
        required=SafeString(required.points),  # nosec B308 B703: markup made here from numbers and class names
        current=SafeString(current.points),  # nosec B308 B703: markup made here from numbers and class names
        current_dots=SafeString(charts.dots(current.dots, 3)),  # nosec B308 B703
        manager_line=SafeString(manager.points) if manager is not None and manager.complete else "",  # nosec B308 B703
        manager_dots=at(manager.dots) if manager is not None else (),
        labels=labels,
    )
    return replace(drawing, body=_radar_body(drawing, has_manager=manager is not None))


def _moved(drawn: RadarDrawing, geo: charts.Radar, box: charts.Radar) -> RadarDrawing:
    """``drawn`` in the viewBox of ``box``, a radar of the same radius with other margins: its shapes moved by
    the difference of their centres, its labels numbered as in the key below the chart."""
    labels = tuple(replace(label, text=_svg(i + 1)) for i, label in enumerate(drawn.labels))
    moved = replace(drawn, size="narrow", width=_svg(box.width), height=_svg(box.height), labels=labels)
    shift = f"translate({box.cx - geo.cx:g} {box.cy - geo.cy:g})"
    body = _radar_body(moved, has_manager=len(geo.series) > 2)
    return replace(moved, body=SafeString(f'<g transform="{shift}">{body}</g>'))  # nosec B308 B703: see _radar_body


# The charts' insides are drawn here rather than by the template: some 40 loops and 300 lookups a results
# page, which were a quarter of its rendering (make bench). Every text in them, names included, goes through
# escape(); everything else is numbers, keywords and class names made in this module. The <svg>, its <title>
# and its <desc>, the words a screen reader says, stay in the template.


def _radar_body(d: RadarDrawing, *, has_manager: bool) -> SafeString:
    last = len(d.rings) - 1
    parts = [
        "".join(
            f'<polygon points="{ring}" class="radar-ring{" radar-ring-outer" if i == last else ""}"/>'
            for i, ring in enumerate(d.rings)
        ),
        f'<path d="{d.spokes}" class="radar-axis"/>',
        f'<polygon points="{d.required}" class="radar-required"/>',
        f'<polygon points="{d.current}" class="radar-current"/>',
    ]
    if has_manager:
        line = f'<polygon points="{d.manager_line}" class="radar-manager-line"/>' if d.manager_line else ""
        dots = "".join(
            f'<rect x="{x}" y="{y}" width="7" height="7" transform="translate(-3.5 -3.5)" class="radar-manager"/>'
            for x, y in d.manager_dots
        )
        parts.append(line + dots)
    parts.append(f'<path d="{d.current_dots}" class="radar-dot"/>')
    parts.append("".join(f"<text {g.attrs}><title>{escape(g.title)}</title>{escape(g.text)}</text>" for g in d.labels))
    return SafeString("\n  ".join(parts))  # nosec B308 B703: texts escaped, the rest numbers and class names


def _radar(
    framework: content.Framework, result: scoring.Result, role: content.Role, ratings: list[ManagerView]
) -> RadarChart:
    """The engineer's levels against the role's requirements, in the framework's order (the same shape
    whichever role is compared with), with the managers' ratings where there are any."""
    competencies = list(framework.competencies)
    current = [result.levels.get(c.slug, 0.0) for c in competencies]
    required = [float(role.requirements[c.slug].level) for c in competencies]
    by_slug: dict[str, list[int]] = {}
    for r in ratings:
        by_slug.setdefault(r.competency.slug, []).append(r.level)
    manager = [round(sum(v) / len(v), 1) if (v := by_slug.get(c.slug)) else None for c in competencies]
    series: list[list[float | None]] = [list(current), list(required)]
    if ratings:
        series.append(manager)  # type: ignore[arg-type]
    wide = charts.radar(len(competencies), series, max_value=content.MAX_LEVEL)
    # The phone's layout is the same chart with narrower margins: the same radius, so the same drawing moved.
    # Only its size is worked out (no series), and the wide drawing is drawn again inside a translation.
    narrow = charts.radar(len(competencies), [], max_value=content.MAX_LEVEL, margin_x=36, margin_y=26)
    managers = sorted({r.manager for r in ratings})
    axes = [
        RadarAxis(
            c,
            short_name(c),
            current[i],
            int(required[i]),
            manager[i],
            f"{c.name}: {fixed(current[i], 1)} of {int(required[i])} required",
        )
        for i, c in enumerate(competencies)
    ]
    drawn = _radar_drawing(wide, "wide", axes)
    return RadarChart(
        wide=drawn,
        narrow=_moved(drawn, wide, narrow),
        axes=axes,
        has_manager=bool(ratings),
        manager_label=", ".join(managers),
        key=SafeString("".join(f"<li>{escape(a.competency.name)}</li>" for a in axes)),  # nosec B308 B703: escaped
    )


@dataclass(frozen=True)
class FitRow:
    role: content.Role
    fit: scoring.RoleFit
    deciding: list[content.Competency]
    bar: charts.Bar
    y: float
    best: bool
    tied: bool
    # As the chart and the list in numbers show them.
    fit_text: str = ""
    ready_text: str = ""
    css: str = "fit-row"
    tag: str = ""  # "tie", "best fit" or ""
    x_text: str = ""  # the bar's, as its SVG has them
    width_text: str = ""
    y_text: str = ""


@dataclass(frozen=True)
class FitLayout:
    """Where things go in one row of the role-fit chart, in user units."""

    row: float  # a row's height
    left: float  # where the bars' range starts
    bar: float  # the bars' range, fit -1 to 1
    right: float  # room after it, for the numbers
    name_y: float
    bar_y: float
    value_y: float
    tag_y: float


# Wide: the name, the bar and the numbers side by side. Narrow (a phone): the name and the numbers on one
# line, the bar across the whole width below them, so the text stays legible when the chart shrinks.
FIT_WIDE = FitLayout(row=44, left=200, bar=280, right=160, name_y=24, bar_y=13, value_y=24, tag_y=39)
FIT_NARROW = FitLayout(row=60, left=12, bar=336, right=12, name_y=18, bar_y=26, value_y=18, tag_y=55)


@dataclass(frozen=True)
class FitText:
    """A layout's places, as the SVG has them."""

    left: str
    bar: str
    name_y: str
    bar_y: str
    value_y: str
    tag_y: str


@dataclass(frozen=True)
class FitChart:
    rows: list[FitRow]
    layout: FitText
    width: str
    height: str
    zero: str
    bar_right: str
    tie_top: str | None  # a band behind the two tied roles, when there is a tie between two
    tie_height: str | None
    measured: bool  # results stored before fit was measured hold no fit: their bars show readiness alone
    desc: str  # the chart in words, for its <desc>
    body: SafeString = NOTHING  # the chart drawn: the SVG inside its <title> and <desc>
    items: SafeString = NOTHING  # the same in numbers: the list's items, with what decides each role


def _fit_charts(framework: content.Framework, result: scoring.Result) -> dict[str, FitChart]:
    # The list in numbers is the same at both sizes, and the page shows it once: the wide chart carries it.
    wide = _fit_chart(framework, result, FIT_WIDE)
    return {"wide": replace(wide, items=_fit_items(wide)), "narrow": _fit_chart(framework, result, FIT_NARROW)}


def _fit_chart(framework: content.Framework, result: scoring.Result, layout: FitLayout) -> FitChart:
    tied = set(result.tie.roles) if result.tie is not None and not result.tie.flat else set()
    measured = bool(result.best_fit or result.tie)
    start, end = layout.left, layout.left + layout.bar
    rows = []
    for i, f in enumerate(r for r in result.role_fit if r.role in framework.role_by_slug):
        bar = (
            charts.diverging_bar(f.fit, start=start, end=end)
            if measured
            else charts.diverging_bar(f.readiness, lo=0, hi=100, start=start, end=end)
        )
        best, is_tied = f.role == result.best_fit, f.role in tied
        rows.append(
            FitRow(
                role=framework.role_by_slug[f.role],
                fit=f,
                deciding=[framework.competency_by_slug[c] for c in f.deciding if c in framework.competency_by_slug],
                bar=bar,
                y=i * layout.row,
                best=best,
                tied=is_tied,
                fit_text=fixed(f.fit, 2),
                ready_text=fixed(f.readiness, 0),
                css=SafeString("fit-row" + (" is-best" if best else "") + (" is-tied" if is_tied else "")),  # nosec B308 B703
                tag=SafeString("tie" if is_tied else "best fit" if best else ""),  # nosec B308 B703
                x_text=_svg(bar.x),
                width_text=_svg(bar.width),
                y_text=_svg(i * layout.row),
            )
        )
    tied_rows = [r for r in rows if r.tied]
    if measured:
        desc = "".join(
            f"{r.role.name}: fit {r.fit_text}, {r.ready_text}% ready"
            + (", best fit" if r.best else ", tied" if r.tied else "")
            + ". "
            for r in rows
        )
        if result.tie is not None and result.tie.flat:
            desc += "No role fits clearly."
    else:
        desc = "".join(f"{r.role.name}: {r.ready_text}% ready. " for r in rows)
    chart = FitChart(
        rows=rows,
        layout=FitText(
            left=_svg(layout.left),
            bar=_svg(layout.bar),
            name_y=_svg(layout.name_y),
            bar_y=_svg(layout.bar_y),
            value_y=_svg(layout.value_y),
            tag_y=_svg(layout.tag_y),
        ),
        width=_svg(end + layout.right),
        height=_svg(len(rows) * layout.row + 20),
        zero=_svg((start + end) / 2),
        bar_right=_svg(end),
        tie_top=_svg(tied_rows[0].y + 2) if len(tied_rows) == 2 else None,
        tie_height=_svg(tied_rows[1].y - tied_rows[0].y + layout.row - 4) if len(tied_rows) == 2 else None,
        measured=measured,
        desc=desc,
    )
    return replace(chart, body=_fit_body(chart))


def _fit_items(c: FitChart) -> SafeString:
    """The role fit in numbers, one list item a role: drawn here with the chart, names escaped."""
    items = []
    for row in c.rows:
        number = f'<span class="fit-number">fit {escape(row.fit_text)}</span> ' if c.measured else ""
        deciding = ", ".join(escape(d.name) for d in row.deciding)
        items.append(
            f'<li><p class="fit-head"><strong>{escape(row.role.name)}</strong> {number}'
            f'<span class="fit-readiness">{escape(row.ready_text)}% ready</span></p>'
            f'<p class="muted">Decided most by: {deciding}</p></li>'
        )
    return SafeString("\n".join(items))  # nosec B308 B703: texts escaped, the rest class names


def _fit_body(c: FitChart) -> SafeString:
    lay = c.layout
    parts = []
    if c.tie_top is not None:
        parts.append(
            f'<rect x="0" y="{c.tie_top}" width="{c.width}" height="{c.tie_height}" rx="8" class="fit-tie-band"/>'
        )
    zero = (
        f'<rect x="{c.zero}" y="{lay.bar_y}" width="1.5" height="22" class="fit-zero-mark" '
        'transform="translate(-0.75 -4)"/>'
        if c.measured
        else ""
    )
    for row in c.rows:
        if c.measured:
            value = (
                f'<tspan class="fit-value-fit">{escape(row.fit_text)}</tspan>'
                f'<tspan dx="10" class="fit-value-ready">{escape(row.ready_text)}% ready</tspan>'
            )
        else:
            value = f'<tspan class="fit-value-fit">{escape(row.ready_text)}% ready</tspan>'
        tag = f'<text x="12" y="{lay.tag_y}" class="fit-tag">{escape(row.tag)}</text>' if row.tag else ""
        parts.append(
            f'<g transform="translate(0 {row.y_text})" class="{row.css}">'
            f'<text x="12" y="{lay.name_y}" class="fit-name">{escape(row.role.name)}</text>'
            f'<rect x="{lay.left}" y="{lay.bar_y}" width="{lay.bar}" height="14" rx="7" class="fit-track"/>'
            f'<rect x="{row.x_text}" y="{lay.bar_y}" width="{row.width_text}" height="14" rx="3" class="fit-bar"/>'
            f"{zero}"
            f'<text x="{c.width}" y="{lay.value_y}" text-anchor="end" class="fit-value" transform="translate(-12 0)">'
            f"{value}</text>{tag}</g>"
        )
    if c.measured:
        parts.append(
            f'<text x="{lay.left}" y="{c.height}" class="fit-axis" transform="translate(0 -2)">−1 opposite shape</text>'
            f'<text x="{c.zero}" y="{c.height}" text-anchor="middle" class="fit-axis" '
            'transform="translate(0 -2)">0</text>'
            f'<text x="{c.bar_right}" y="{c.height}" text-anchor="end" class="fit-axis" transform="translate(0 -2)">'
            "same shape 1</text>"
        )
    return SafeString("\n  ".join(parts))  # nosec B308 B703: texts escaped, the rest numbers and class names


def role_view(framework: content.Framework, result: scoring.Result, role_slug: str) -> scoring.RoleView:
    """The result against one role, from the snapshot taken when the assessment was finished.

    Results stored before snapshots kept every role hold only the chosen role's numbers; the other roles
    are then worked out from their stored levels.
    """
    if role_slug in result.roles:
        return result.roles[role_slug]
    role = framework.role_by_slug[role_slug]
    if role_slug == result.role:
        return scoring.RoleView(readiness=result.readiness, gaps=result.gaps, strengths=result.strengths)
    readiness, gaps = scoring.role_readiness(framework, role_slug, result.levels)
    return scoring.RoleView(readiness=readiness, gaps=gaps, strengths=scoring.strengths(role, result.levels))


def _from_result(
    assessment: Assessment, framework: content.Framework, result: scoring.Result, role: content.Role
) -> dict[str, Any]:
    view = role_view(framework, result, role.slug)
    scores = {s.competency: s for s in result.competencies}

    previous_levels: dict[str, float] | None = None
    previous_readiness: float | None = None
    if assessment.previous_id and assessment.previous and assessment.previous.result:
        previous = scoring.Result.model_validate(assessment.previous.result)
        previous_levels = previous.levels
        # The previous assessment's own snapshot: a change of framework version is said on the page.
        previous_readiness = role_view(framework, previous, role.slug).readiness

    rows = []
    for comp in framework.competencies:
        req = role.requirements[comp.slug]
        current = result.levels.get(comp.slug, 0.0)
        score = scores.get(comp.slug)
        gap = round(max(0.0, req.level - current), 2)
        change = None
        if previous_levels and comp.slug in previous_levels:
            change = round(current - previous_levels[comp.slug], 2)
        blind_spot, kind = bool(score and score.blind_spot), _kind(score)
        confidence = score.confidence_label if score else "none"
        answered, rated = bool(score and score.source != "none"), bool(score and score.source == "rating")
        change_css, change_text = _change(change)
        rows.append(
            Row(
                competency=comp,
                current=current,
                required=req.level,
                gap=gap,
                weight=req.weight,
                change=change,
                current_px=_svg(round(current / content.MAX_LEVEL * CHART_WIDTH, 1)),
                required_px=_svg(round(req.level / content.MAX_LEVEL * CHART_WIDTH, 1)),
                blind_spot=blind_spot,
                blind_spot_kind=kind,
                confidence=confidence,
                answered=answered,
                rated=rated,
                current_text=fixed(current, 1),
                required_text=_svg(req.level),
                gap_text=fixed(gap, 1) if gap else "",
                change_css=change_css,
                change_text=change_text,
                bar_css=BAR_GAP if gap else BAR_OK,
                badges=_badges(kind, answered, blind_spot, rated, confidence),
            )
        )
    order = {slug: i for i, slug in enumerate(chart_order(role))}
    rows.sort(key=lambda r: order[r.competency.slug])
    with_change = bool(assessment.previous_id)

    biggest = [
        {
            "gap": gap,
            "competency": framework.competency_by_slug[gap.competency],
            "requirement": role.requirements[gap.competency],
            "target": framework.competency_by_slug[gap.competency].levels[role.requirements[gap.competency].level],
            "current_text": fixed(gap.current, 1),
            "required_text": _svg(gap.required),
            "current_px": _svg(round(gap.current / content.MAX_LEVEL * CHART_WIDTH, 1)),
            "required_px": _svg(round(gap.required / content.MAX_LEVEL * CHART_WIDTH, 1)),
        }
        for gap in view.gaps[:5]
        if gap.competency in framework.competency_by_slug
    ]
    gap_cards = SafeString("".join(_gap_card(g, role) for g in biggest))  # nosec B308 B703: see _gap_card
    blind = [
        (framework.competency_by_slug[s], scores[s]) for s in result.blind_spots if s in framework.competency_by_slug
    ]
    tie = None
    if result.tie is not None:
        tie = {
            "roles": [framework.role_by_slug[r] for r in result.tie.roles if r in framework.role_by_slug],
            "margin": result.tie.margin,
            "flat": result.tie.flat,
            "deciding": [
                framework.competency_by_slug[c] for c in result.tie.deciding if c in framework.competency_by_slug
            ],
        }
    readiness_change = round(view.readiness - previous_readiness, 1) if previous_readiness is not None else None
    return {
        "met": sum(1 for r in rows if not r.gap),
        "readiness": view.readiness,
        "readiness_text": fixed(view.readiness, 0),
        "readiness_change": readiness_change,
        # "+0.0" when it has not moved, as the change column says "0" for a level that has not.
        "readiness_change_text": ""
        if readiness_change is None
        else SafeString(("+" if readiness_change >= 0 else "") + fixed(readiness_change, 1)),  # nosec B308 B703
        "rows": rows,
        "level_rows": SafeString("".join(_level_row(r, with_change) for r in rows)),  # nosec B308 B703: see _level_row
        "biggest": biggest,
        "gap_cards": gap_cards,
        "strengths": [framework.competency_by_slug[s] for s in view.strengths if s in framework.competency_by_slug],
        "blind_spots": {
            kind: [BlindSpot(c, s, _next_step(c, s)) for c, s in blind if _kind(s) == kind]
            for kind in ("overrated", "untested")
        },
        "tie": tie,
        "unanswered": [framework.competency_by_slug[s] for s in result.unanswered if s in framework.competency_by_slug],
        "gauge": charts.gauge(view.readiness),
        "fit_chart": _fit_charts(framework, result),
    }


_CHART = (
    f'<svg class="bar" viewBox="0 0 {CHART_WIDTH} 16" width="{CHART_WIDTH}" height="16" aria-hidden="true" '
    f'focusable="false"><rect x="0" y="3" width="{CHART_WIDTH}" height="10" rx="5" class="bar-track"/>'
)


def _level_row(row: Row, with_change: bool) -> str:
    """One row of the levels table, drawn here as the charts are (see _radar_body): the name escaped."""
    badges = "".join(f' <span class="{b.css}">{escape(b.label)}</span>' for b in row.badges)
    gap = escape(row.gap_text) if row.gap else '<span class="muted">—</span>'
    change = f'<td><span class="{row.change_css}">{escape(row.change_text)}</span></td>' if with_change else ""
    return (
        f"<tr{' class="has-gap"' if row.gap else ''}>"
        f'<th scope="row">{escape(row.competency.name)}{badges}</th>'
        f"<td>{escape(row.current_text)}</td><td>{escape(row.required_text)}</td><td>{gap}</td>{change}"
        f'<td class="chart-col">{_CHART}'
        f'<rect x="0" y="3" width="{row.current_px}" height="10" rx="5" class="{row.bar_css}"/>'
        f'<rect x="{row.required_px}" y="0" width="3" height="16" class="bar-required" transform="translate(-1.5 0)"/>'
        "</svg></td></tr>\n"
    )


_GAP_TRACK = (
    f'<svg class="gap-bar" viewBox="0 0 {CHART_WIDTH} 10" preserveAspectRatio="none" aria-hidden="true" '
    f'focusable="false">\n            <rect x="0" y="2" width="{CHART_WIDTH}" height="6" rx="3" class="bar-track"/>'
)


def _gap_card(g: dict[str, Any], role: content.Role) -> str:
    """One of the biggest gaps as a card, drawn here as the level rows are: a page draws five, and in the
    template they were a sixth of its drawing. Every text is escaped; the citations' sources are links
    made by source_link, as the template's filter made them."""
    name, required = escape(g["competency"].name), escape(g["required_text"])
    requirement, competency = g["requirement"], g["competency"]
    why = (
        f"<p><strong>Why {escape(role.name)} needs it:</strong> {escape(requirement.why)}</p>"
        if requirement.why
        else ""
    )
    cites = "".join(
        f'<blockquote class="citation"><p>\N{LEFT DOUBLE QUOTATION MARK}{escape(c.quote)}'
        f"\N{RIGHT DOUBLE QUOTATION MARK}</p><footer>\N{EM DASH} {source_link(c.source)}</footer></blockquote>"
        for c in (requirement.sources or competency.sources)[:2]
    )
    return (
        '\n        <article class="card gap-card">\n          <div class="gap-head">\n'
        f"            <h3>{name}</h3>\n"
        f'            <p class="gap-level"><span class="visually-hidden">Level </span>{escape(g["current_text"])} '
        f'<span class="muted">of {required} required</span></p>\n          </div>\n'
        f"          {_GAP_TRACK}\n"
        f'            <rect x="0" y="2" width="{g["required_px"]}" height="6" rx="3" class="bar-target"/>\n'
        f'            <rect x="0" y="2" width="{g["current_px"]}" height="6" rx="3" class="bar-gap"/>\n'
        "          </svg>\n"
        '          <details class="more">\n'
        f"            <summary>What level {required} looks like, and why"
        f'<span class="visually-hidden"> for {name}</span></summary>\n'
        f"            <p>{escape(competency.why)}</p>\n"
        f"            <p><strong>What level {required} looks like:</strong> {escape(g['target'])}</p>\n"
        f"            {why}\n            {cites}\n"
        "          </details>\n        </article>\n"
    )


@dataclass(frozen=True)
class BlindSpot:
    competency: content.Competency
    score: scoring.CompetencyScore
    next_step: str  # what the next level of practice looks like: for "untested", the thing to go and do

    @property
    def judgement_text(self) -> str:
        return fixed(self.score.scenario, 1) if self.score.scenario is not None else ""

    @property
    def practice_text(self) -> str:
        return fixed(self.score.self_rating, 1) if self.score.self_rating is not None else ""


def _next_step(competency: content.Competency, score: scoring.CompetencyScore) -> str:
    """The next level of practice to reach: never below Practising, since judgement already shows awareness."""
    practice = score.self_rating or 0.0
    return competency.levels[min(content.MAX_LEVEL, max(2, int(practice) + 1))]


def _kind(score: scoring.CompetencyScore | None) -> str | None:
    if score is None or not score.blind_spot:
        return None
    # Results stored before there were two kinds flagged only a self-report above the scenarios.
    return score.blind_spot_kind or "overrated"


def _manager_ratings(assessment: Assessment, framework: content.Framework, result: scoring.Result) -> list[ManagerView]:
    # Only from managers the engineer still shares with: revoking a manager also takes their view off the page.
    # The four values shown, rather than the rows, by a statement written once: building the queryset, with
    # its three joins, cost more than the query.
    owner = assessment.owner_id
    with connection.cursor() as cursor:
        cursor.execute(_manager_ratings_sql(), [owner, owner, Share.Relation.MANAGER, Share.Status.ACTIVE])
        ratings = cursor.fetchall()
    order = {c.slug: i for i, c in enumerate(framework.competencies)}
    views = [
        ManagerView(
            competency=framework.competency_by_slug[slug],
            current=result.levels[slug],
            level=level,
            manager=manager,
            comment=comment,
            differs=abs(result.levels[slug] - level) > 1,
        )
        for slug, level, comment, manager in ratings
        if slug in framework.competency_by_slug and slug in result.levels
    ]
    views.sort(key=lambda v: (order[v.competency.slug], v.manager))
    return views


@functools.cache
def _manager_ratings_sql() -> str:
    # What ManagerRating.objects.filter(engineer=…, manager__shares_received__engineer=…, …__relation=…,
    # …__status=…).values_list("competency__slug", "level", "comment", "manager__name") asks for.
    rating: Any = ManagerRating._meta
    competency: Any = rating.get_field("competency").related_model._meta
    user: Any = rating.get_field("manager").related_model._meta
    share: Any = Share._meta
    quote = connection.ops.quote_name
    return (
        f"SELECT c.{quoted(competency, 'slug')}, m.{quoted(rating, 'level')}, m.{quoted(rating, 'comment')},"  # noqa: S608  # nosec B608
        f" u.{quoted(user, 'name')} FROM {quote(rating.db_table)} m"
        f" JOIN {quote(competency.db_table)} c ON c.{quoted(competency, 'id')} = m.{quoted(rating, 'competency')}"
        f" JOIN {quote(user.db_table)} u ON u.{quoted(user, 'id')} = m.{quoted(rating, 'manager')}"
        f" JOIN {quote(share.db_table)} s ON s.{quoted(share, 'person')} = m.{quoted(rating, 'manager')}"
        f" WHERE m.{quoted(rating, 'engineer')} = %s AND s.{quoted(share, 'engineer')} = %s"
        f" AND s.{quoted(share, 'relation')} = %s AND s.{quoted(share, 'status')} = %s"
    )


@functools.cache
def _scenario_answers_sql() -> str:
    # Written once: the results page asks only for a count, and the ORM's join cost more than the query.
    answer: Any = Answer._meta
    item: Any = Item._meta
    quote = connection.ops.quote_name
    return (
        f"SELECT i.{quoted(item, 'slug')}, a.{quoted(answer, 'choice')} FROM {quote(answer.db_table)} a"  # noqa: S608  # nosec B608
        f" JOIN {quote(item.db_table)} i ON i.{quoted(item, 'id')} = a.{quoted(answer, 'item')}"
        f" WHERE a.{quoted(answer, 'assessment')} = %s AND i.{quoted(item, 'kind')} = %s"
    )


def _scenario_count(assessment: Assessment, framework: content.Framework) -> int:
    """How many scenarios `scenario_review` lists: the same answers, counted without drawing them."""
    with connection.cursor() as cursor:
        cursor.execute(_scenario_answers_sql(), [assessment.pk, Item.Kind.SCENARIO])
        answers = cursor.fetchall()
    return sum(
        1 for slug, choice in answers if (found := framework.item_by_slug.get(slug)) and choice < len(found[1].options)
    )


def scenario_review(assessment: Assessment, framework: content.Framework) -> list[dict]:
    """Each scenario answered, with the best answer and why: shown only after finishing."""
    review = []
    for slug, choice in assessment.answers.filter(item__kind="scenario").values_list("item__slug", "choice"):
        found = framework.item_by_slug.get(slug)
        if found is None or choice >= len(found[1].options):
            continue
        comp, item = found
        best = max(item.options, key=lambda o: o.score)
        review.append(
            {
                "competency": comp,
                "item": item,
                "chosen": item.options[choice],
                "best": best,
                "is_best": item.options[choice] == best,
            }
        )
    order = {c.slug: i for i, c in enumerate(framework.competencies)}
    review.sort(key=lambda r: (order[r["competency"].slug], r["item"].slug))  # type: ignore[attr-defined]
    return review


# --- progress over time -------------------------------------------------------------------------------

HISTORY_SHOWN = 12  # the latest finished assessments the history charts draw


@dataclass(frozen=True)
class HistoryCell:
    level: float
    shade: int  # 0..4: the whole level reached


@dataclass(frozen=True)
class HistoryRow:
    competency: content.Competency
    required: int
    cells: list[HistoryCell]


@dataclass(frozen=True)
class HistoryColumn:
    finished: Finished
    label: str  # the date, short
    readiness: float


@dataclass(frozen=True)
class HistoryCharts:
    role: content.Role
    columns: list[HistoryColumn]
    line: charts.LineChart
    rows: list[HistoryRow]
    first: float
    last: float

    @property
    def change(self) -> float:
        return round(self.last - self.first, 1)


def history_charts(finished: list[Finished]) -> HistoryCharts | None:
    """Readiness and levels across finished assessments (oldest first), all against the latest one's role."""
    framework = content.get_framework()
    shown = [f for f in finished if f.role in framework.role_by_slug][-HISTORY_SHOWN:]
    if not shown:
        return None
    role = framework.role_by_slug[shown[-1].role]
    columns = [
        HistoryColumn(f, date_format(timezone.localtime(f.finished_at), "j M y"), f.readiness_for(role.slug))
        for f in shown
    ]
    line = charts.line_chart(
        [c.readiness for c in columns], [c.label for c in columns], width=760, height=240, left=52, inset=36, top=28
    )
    rows = [
        HistoryRow(
            competency=comp,
            required=role.requirements[comp.slug].level,
            cells=[
                HistoryCell(level := f.levels.get(comp.slug, 0.0), min(content.MAX_LEVEL, max(0, math.floor(level))))
                for f in shown
            ],
        )
        for comp in framework.competencies
    ]
    return HistoryCharts(
        role=role, columns=columns, line=line, rows=rows, first=columns[0].readiness, last=columns[-1].readiness
    )
