"""What the results page shows, assembled from the frozen result and the framework's text."""

from __future__ import annotations

import enum
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format

from assessments import content, scoring
from assessments.models import Assessment, Evidence, ManagerRating
from assessments.selectors import Finished
from transition.accounts.models import Share
from transition.lib import charts

CHART_WIDTH = 240  # px per four levels in the bar chart's SVG

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
class Row:
    competency: content.Competency
    current: float
    required: int
    gap: float
    weight: float
    change: float | None
    current_px: float
    required_px: float
    blind_spot: bool
    blind_spot_kind: str | None  # "overrated" or "untested"
    confidence: str
    answered: bool  # any of its items (or a quick rating) answered
    rated: bool  # a quick-mode self-rating: one unverified number, low confidence by design


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
    role_slug = role_slug if role_slug in framework.role_by_slug else result.role
    role = framework.role_by_slug[role_slug]
    computed = functools.cache(functools.partial(_from_result, assessment, framework, result, role))
    context = {
        "assessment": assessment,
        "result": result,
        "role": role,
        "roles": framework.roles,
        "chart_width": CHART_WIDTH,
        "level_names": content.LEVEL_NAMES,
        "framework_version": framework.version,
        "read_only": audience is not Audience.OWNER,
        **{name: functools.partial(_pick, computed, name) for name in FROM_RESULT},
    }
    if audience is Audience.OWNER:
        # The radar in the role view draws the managers' ratings too, so the role switch reads them as well.
        ratings = _manager_ratings(assessment, framework, result)
        context["manager_ratings"] = ratings
        context["radar"] = functools.cache(functools.partial(_radar, framework, result, role, ratings))
    else:
        context["radar"] = functools.cache(functools.partial(_radar, framework, result, role, []))
    if role_view_only:
        return context
    if audience is Audience.OWNER:
        # The levels are results; which option was picked in each scenario stays between the engineer and
        # the app. The page says how many there are; the list itself, 40-odd scenarios with their
        # explanations that few read, is fetched when its disclosure is opened (assessment_scenarios).
        context["scenario_count"] = functools.cache(functools.partial(_scenario_count, assessment, framework))
    elif audience is Audience.FOLLOWER_PRIVATE:
        context["evidence"] = list(
            Evidence.objects.filter(assessment=assessment).select_related("competency").order_by("competency__position")
        )
    return context


def _pick(computed: Callable[[], dict[str, Any]], name: str) -> Any:
    return computed()[name]


def chart_order(role: content.Role) -> list[str]:
    """The competencies as the chart lists them: what the role asks for most first."""
    return scoring.by_weight(role, list(role.requirements))


FROM_RESULT = (
    "met",
    "readiness",
    "readiness_change",
    "rows",
    "biggest",
    "strengths",
    "blind_spots",
    "role_fit",
    "tie",
    "unanswered",
    "gauge",
    "fit_chart",
)


@dataclass(frozen=True)
class RadarAxis:
    competency: content.Competency
    short: str
    current: float
    required: int
    manager: float | None
    wide: charts.RadarAxis
    narrow: charts.RadarAxis


@dataclass(frozen=True)
class RadarChart:
    wide: charts.Radar  # named axes, for a wide screen and print
    narrow: charts.Radar  # numbered axes and a numbered key, for a phone
    axes: list[RadarAxis]
    has_manager: bool
    manager_label: str


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
    narrow = charts.radar(len(competencies), series, max_value=content.MAX_LEVEL, margin_x=36, margin_y=26)
    managers = sorted({r.manager for r in ratings})
    return RadarChart(
        wide=wide,
        narrow=narrow,
        axes=[
            RadarAxis(c, short_name(c), current[i], int(required[i]), manager[i], wide.axes[i], narrow.axes[i])
            for i, c in enumerate(competencies)
        ],
        has_manager=bool(ratings),
        manager_label=", ".join(managers),
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
class FitChart:
    rows: list[FitRow]
    layout: FitLayout
    width: float
    height: float
    zero: float
    bar_right: float
    tie_top: float | None  # a band behind the two tied roles, when there is a tie between two
    tie_height: float | None
    measured: bool  # results stored before fit was measured hold no fit: their bars show readiness alone


def _fit_charts(framework: content.Framework, result: scoring.Result) -> dict[str, FitChart]:
    return {"wide": _fit_chart(framework, result, FIT_WIDE), "narrow": _fit_chart(framework, result, FIT_NARROW)}


def _fit_chart(framework: content.Framework, result: scoring.Result, layout: FitLayout) -> FitChart:
    tied = set(result.tie.roles) if result.tie is not None and not result.tie.flat else set()
    measured = bool(result.best_fit or result.tie)
    start, end = layout.left, layout.left + layout.bar
    rows = []
    for i, f in enumerate(r for r in result.role_fit if r.role in framework.role_by_slug):
        rows.append(
            FitRow(
                role=framework.role_by_slug[f.role],
                fit=f,
                deciding=[framework.competency_by_slug[c] for c in f.deciding if c in framework.competency_by_slug],
                bar=charts.diverging_bar(f.fit, start=start, end=end)
                if measured
                else charts.diverging_bar(f.readiness, lo=0, hi=100, start=start, end=end),
                y=i * layout.row,
                best=f.role == result.best_fit,
                tied=f.role in tied,
            )
        )
    tied_rows = [r for r in rows if r.tied]
    return FitChart(
        rows=rows,
        layout=layout,
        width=end + layout.right,
        height=len(rows) * layout.row + 20,
        zero=(start + end) / 2,
        bar_right=end,
        tie_top=tied_rows[0].y + 2 if len(tied_rows) == 2 else None,
        tie_height=tied_rows[1].y - tied_rows[0].y + layout.row - 4 if len(tied_rows) == 2 else None,
        measured=measured,
    )


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
        rows.append(
            Row(
                competency=comp,
                current=current,
                required=req.level,
                gap=round(max(0.0, req.level - current), 2),
                weight=req.weight,
                change=round(current - previous_levels[comp.slug], 2)
                if previous_levels and comp.slug in previous_levels
                else None,
                current_px=round(current / content.MAX_LEVEL * CHART_WIDTH, 1),
                required_px=round(req.level / content.MAX_LEVEL * CHART_WIDTH, 1),
                blind_spot=bool(score and score.blind_spot),
                blind_spot_kind=_kind(score),
                confidence=score.confidence_label if score else "none",
                answered=bool(score and score.source != "none"),
                rated=bool(score and score.source == "rating"),
            )
        )
    order = {slug: i for i, slug in enumerate(chart_order(role))}
    rows.sort(key=lambda r: order[r.competency.slug])

    biggest = [
        {
            "gap": gap,
            "competency": framework.competency_by_slug[gap.competency],
            "requirement": role.requirements[gap.competency],
            "target": framework.competency_by_slug[gap.competency].levels[role.requirements[gap.competency].level],
            "current_px": round(gap.current / content.MAX_LEVEL * CHART_WIDTH, 1),
            "required_px": round(gap.required / content.MAX_LEVEL * CHART_WIDTH, 1),
        }
        for gap in view.gaps[:5]
        if gap.competency in framework.competency_by_slug
    ]
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
    return {
        "met": sum(1 for r in rows if not r.gap),
        "readiness": view.readiness,
        "readiness_change": round(view.readiness - previous_readiness, 1) if previous_readiness is not None else None,
        "rows": rows,
        "biggest": biggest,
        "strengths": [framework.competency_by_slug[s] for s in view.strengths if s in framework.competency_by_slug],
        "blind_spots": {
            kind: [BlindSpot(c, s, _next_step(c, s)) for c, s in blind if _kind(s) == kind]
            for kind in ("overrated", "untested")
        },
        "role_fit": [
            (framework.role_by_slug[f.role], f, [framework.competency_by_slug[c] for c in f.deciding])
            for f in result.role_fit
            if f.role in framework.role_by_slug
        ],
        "tie": tie,
        "unanswered": [framework.competency_by_slug[s] for s in result.unanswered if s in framework.competency_by_slug],
        "gauge": charts.gauge(view.readiness),
        "fit_chart": _fit_charts(framework, result),
    }


@dataclass(frozen=True)
class BlindSpot:
    competency: content.Competency
    score: scoring.CompetencyScore
    next_step: str  # what the next level of practice looks like: for "untested", the thing to go and do


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
    ratings = ManagerRating.objects.filter(
        engineer_id=assessment.owner_id,
        manager__shares_received__engineer_id=assessment.owner_id,
        manager__shares_received__relation=Share.Relation.MANAGER,
        manager__shares_received__status=Share.Status.ACTIVE,
    ).select_related("manager", "competency")
    order = {c.slug: i for i, c in enumerate(framework.competencies)}
    views = [
        ManagerView(
            competency=framework.competency_by_slug[r.competency.slug],
            current=result.levels[r.competency.slug],
            level=r.level,
            manager=r.manager.name,
            comment=r.comment,
            differs=abs(result.levels[r.competency.slug] - r.level) > 1,
        )
        for r in ratings
        if r.competency.slug in framework.competency_by_slug and r.competency.slug in result.levels
    ]
    views.sort(key=lambda v: (order[v.competency.slug], v.manager))
    return views


def _scenario_count(assessment: Assessment, framework: content.Framework) -> int:
    return len(scenario_review(assessment, framework))


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
