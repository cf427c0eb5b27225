"""The scoring engine: answers in, levels, gaps, readiness and role fit out.

Pure and deterministic: frozen pydantic models in, frozen models out; no ORM,
no settings, no request. The laws it keeps (tested with hypothesis): raising an
answer never lowers a level or a readiness, every value stays in range, and the
same answers give the same result whatever order they arrive in.

Arithmetic is exact and rounding happens once, at the edge, with a monotone
rule (half up), so rounding can never turn a higher answer into a lower number.
Exact means integers where the numbers allow it (levels and weights in
hundredths, which is what every stored result holds) and ``Fraction`` otherwise:
the two give the same numbers, and the integers are several times faster
(``make bench``, part 1).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from assessments.content import MAX_LEVEL, Competency, Framework, Frozen, Item, Role

# Scenario items weigh more than self-ratings: they measure judgement, not self-image.
ITEM_WEIGHTS: dict[str, Fraction] = {"behaviour": Fraction(1), "scenario": Fraction(3, 2)}

# The same weights as whole numbers (scaled by the common denominator), for integer arithmetic.
_WEIGHT_SCALE = math.lcm(*(w.denominator for w in ITEM_WEIGHTS.values()))
_INT_WEIGHTS: dict[str, int] = {kind: int(w * _WEIGHT_SCALE) for kind, w in ITEM_WEIGHTS.items()}

# A quick self-rating is one unverified number, so it never reads as more than "low".
RATING_CONFIDENCE = Fraction(35, 100)

# How far the self-ratings may run ahead of the scenarios before we call it a blind spot.
BLIND_SPOT_MARGIN = Fraction(3, 2)

MAX_STRENGTHS = 5
MAX_DECIDING = 3
MIN_DECIDING = 2

ConfidenceLabel = Literal["none", "low", "medium", "high"]


class ScoringError(ValueError):
    """The answers or the role do not fit the framework; the message says which."""


class Answers(Frozen):
    items: dict[str, int] = {}  # item slug -> index of the chosen option (0-based)
    ratings: dict[str, int] = {}  # competency slug -> quick-mode self-rated level 0..4


class CompetencyScore(Frozen):
    competency: str
    level: float
    confidence: float
    confidence_label: ConfidenceLabel
    answered: int
    total: int
    source: Literal["items", "rating", "none"]
    self_rating: float | None
    scenario: float | None
    blind_spot: bool


class Gap(Frozen):
    competency: str
    required: int
    current: float
    gap: float
    priority: float


class RoleFit(Frozen):
    role: str
    readiness: float
    deciding: tuple[str, ...]


class Result(Frozen):
    role: str
    role_chosen: bool
    readiness: float
    levels: dict[str, float]
    competencies: tuple[CompetencyScore, ...]
    gaps: tuple[Gap, ...]
    role_fit: tuple[RoleFit, ...]
    blind_spots: tuple[str, ...]
    strengths: tuple[str, ...]
    unanswered: tuple[str, ...]


@functools.lru_cache(maxsize=8192)
def _round(value: Fraction, digits: int) -> float:
    # Half up on the exact value: monotone, and 2.125 shows as 2.13 as a reader expects.
    scale = 10**digits
    return float(Fraction(math.floor(value * scale + Fraction(1, 2)), scale))


@functools.lru_cache(maxsize=1024, typed=True)
def _exact(value: float) -> Fraction:
    # Through the shortest decimal form, so a level shown as 2.57 counts as exactly
    # 2.57 and a gap comes out as the number a reader would work out by hand.
    # Distinct floats have distinct, equally ordered shortest forms, so order is kept.
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    return Fraction(str(value))


def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for a positive denominator: floor(n/d + 1/2)."""
    return (2 * numerator + denominator) // (2 * denominator)


@functools.lru_cache(maxsize=4096, typed=True)
def _hundredths(value: float) -> int | None:
    """The value in hundredths when that is a whole number (2.57 -> 257), else None."""
    scaled = _exact(value) * 100
    return scaled.numerator if scaled.denominator == 1 else None


def confidence_label(confidence: float) -> ConfidenceLabel:
    """The word shown beside a confidence; taken from the rounded number so the two never disagree."""
    if confidence <= 0:
        return "none"
    if confidence < 0.4:
        return "low"
    if confidence < 0.75:
        return "medium"
    return "high"


def _check_answers(framework: Framework, answers: Answers) -> None:
    # Sorted, so the same bad answers always report the same first problem.
    for slug in sorted(answers.items):
        index = answers.items[slug]
        if slug not in framework.item_by_slug:
            raise ScoringError(f"unknown item {slug!r}")
        _, item = framework.item_by_slug[slug]
        if not 0 <= index < len(item.options):
            raise ScoringError(f"item {slug!r} has options 0 to {len(item.options) - 1}, but option {index} was chosen")
    for slug in sorted(answers.ratings):
        rating = answers.ratings[slug]
        if slug not in framework.competency_by_slug:
            raise ScoringError(f"unknown competency {slug!r} in the quick ratings")
        if not 0 <= rating <= MAX_LEVEL:
            raise ScoringError(f"the quick rating for {slug!r} must be 0 to {MAX_LEVEL}, got {rating}")


def _score_competency(competency: Competency, answers: Answers) -> CompetencyScore:
    total = len(competency.items)
    answered: list[tuple[Item, int]] = [
        (item, item.score_of(answers.items[item.slug])) for item in competency.items if item.slug in answers.items
    ]
    if answered:
        # Whole numbers throughout: the weighted mean, the confidence and the two means are each one
        # fraction of integers, rounded half up to hundredths (see _round for the rule).
        weight = sum(_INT_WEIGHTS[item.kind] for item, _ in answered)
        weighted = sum(_INT_WEIGHTS[item.kind] * score for item, score in answered)
        scores = [score for _, score in answered]
        count = len(answered)
        # coverage * agreement = (count / total) * (MAX_LEVEL - spread) / MAX_LEVEL
        agreeing = count * (MAX_LEVEL - (max(scores) - min(scores)))
        confidence = _half_up(100 * agreeing, MAX_LEVEL * total) / 100
        behaviour = [score for item, score in answered if item.kind == "behaviour"]
        scenarios = [score for item, score in answered if item.kind == "scenario"]
        blind_spot = bool(behaviour and scenarios) and BLIND_SPOT_MARGIN.denominator * (
            sum(behaviour) * len(scenarios) - sum(scenarios) * len(behaviour)
        ) >= BLIND_SPOT_MARGIN.numerator * len(behaviour) * len(scenarios)
        return CompetencyScore.model_construct(
            competency=competency.slug,
            level=_half_up(100 * weighted, weight) / 100,
            confidence=confidence,
            confidence_label=confidence_label(confidence),
            answered=count,
            total=total,
            source="items",
            self_rating=_half_up(100 * sum(behaviour), len(behaviour)) / 100 if behaviour else None,
            scenario=_half_up(100 * sum(scenarios), len(scenarios)) / 100 if scenarios else None,
            blind_spot=blind_spot,
        )
    if competency.slug in answers.ratings:
        confidence = _round(RATING_CONFIDENCE, 2)
        return CompetencyScore(
            competency=competency.slug,
            level=float(answers.ratings[competency.slug]),
            confidence=confidence,
            confidence_label=confidence_label(confidence),
            answered=0,
            total=total,
            source="rating",
            self_rating=None,
            scenario=None,
            blind_spot=False,
        )
    return CompetencyScore(
        competency=competency.slug,
        level=0.0,
        confidence=0.0,
        confidence_label="none",
        answered=0,
        total=total,
        source="none",
        self_rating=None,
        scenario=None,
        blind_spot=False,
    )


def score_competencies(framework: Framework, answers: Answers) -> tuple[CompetencyScore, ...]:
    """One score per competency, in framework order. Items, when any are answered, outrank a quick rating."""
    _check_answers(framework, answers)
    return tuple(_score_competency(competency, answers) for competency in framework.competencies)


def _role(framework: Framework, role: str) -> Role:
    try:
        return framework.role_by_slug[role]
    except KeyError:
        raise ScoringError(f"unknown role {role!r} (one of: {', '.join(sorted(framework.role_by_slug))})") from None


@dataclass(frozen=True)
class _Levels:
    """Checked levels: exact, and in hundredths when every one is a whole number of hundredths."""

    exact: dict[str, Fraction]
    hundredths: dict[str, int] | None


def _checked_levels(framework: Framework, levels: Mapping[str, float]) -> _Levels:
    exact: dict[str, Fraction] = {}
    hundredths: dict[str, int] | None = {}
    for slug in sorted(levels):
        if slug not in framework.competency_by_slug:
            raise ScoringError(f"unknown competency {slug!r}")
        try:
            value = _exact(levels[slug])
        except (ValueError, ZeroDivisionError, TypeError):
            raise ScoringError(f"the level for {slug!r} must be a number from 0 to {MAX_LEVEL}") from None
        if not 0 <= value <= MAX_LEVEL:
            raise ScoringError(f"the level for {slug!r} must be 0 to {MAX_LEVEL}, got {levels[slug]}")
        exact[slug] = value
        if hundredths is not None:
            scaled = _hundredths(levels[slug])
            hundredths = None if scaled is None else hundredths | {slug: scaled}
    # A competency left out has not been shown, so it counts as level 0.
    return _Levels(
        exact={c.slug: exact.get(c.slug, Fraction(0)) for c in framework.competencies},
        hundredths=None if hundredths is None else {c.slug: hundredths.get(c.slug, 0) for c in framework.competencies},
    )


@dataclass(frozen=True)
class _Requirements:
    exact: tuple[tuple[str, int, Fraction], ...]  # (competency, level, weight)
    needed: Fraction  # the weighted sum of the levels asked for
    # (competency, level, level in hundredths, weight in hundredths); None unless every weight has
    # a whole number of hundredths.
    hundredths: tuple[tuple[str, int, int, int], ...] | None
    needed_hundredths: int  # in ten-thousandths


_REQUIREMENTS: dict[int, tuple[Role, _Requirements]] = {}


def _requirements(role: Role) -> _Requirements:
    """A role's requirements as exact numbers, worked out once per role object.

    Keyed by the object's id; the entry keeps the object alive, so the id cannot be reused.
    """
    cached = _REQUIREMENTS.get(id(role))
    if cached is None or cached[0] is not role:
        if len(_REQUIREMENTS) > 64:  # tests build many frameworks; a process serves one
            _REQUIREMENTS.clear()
        exact = tuple((slug, req.level, _exact(req.weight)) for slug, req in role.requirements.items())
        weights = {slug: _hundredths(req.weight) for slug, req in role.requirements.items()}
        hundredths = tuple((slug, level, 100 * level, weights[slug] or 0) for slug, level, _ in exact)
        whole = all(w is not None for w in weights.values())
        table = _Requirements(
            exact=exact,
            needed=sum((weight * level for _, level, weight in exact), Fraction(0)),
            hundredths=hundredths if whole else None,
            needed_hundredths=sum(weight * level for _, _, level, weight in hundredths),
        )
        cached = (role, table)
        _REQUIREMENTS[id(role)] = cached
    return cached[1]


def _readiness_and_gaps(role: Role, levels: _Levels) -> tuple[float, tuple[Gap, ...]]:
    table = _requirements(role)
    if table.hundredths is not None and levels.hundredths is not None:
        return _in_hundredths(table.hundredths, table.needed_hundredths, levels.hundredths)
    return _in_fractions(table, levels.exact)


def _in_hundredths(
    table: tuple[tuple[str, int, int, int], ...], needed: int, levels: dict[str, int]
) -> tuple[float, tuple[Gap, ...]]:
    """As _in_fractions, in whole numbers: levels and weights in hundredths, products in ten-thousandths."""
    missing = 0
    gaps: list[Gap] = []
    for slug, required, level, weight in table:
        current = levels[slug]
        if current >= level:
            continue
        gap = level - current
        missing += weight * gap
        gaps.append(
            Gap.model_construct(
                competency=slug,
                required=required,
                current=current / 100,
                gap=gap / 100,
                priority=_half_up(weight * gap, 100) / 100,
            )
        )
    # 100 * (1 - missing / needed), in tenths, half up, within 0..100.
    tenths = 1000 if needed == 0 else min(1000, max(0, _half_up(1000 * (needed - missing), needed)))
    gaps.sort(key=lambda g: (-g.priority, g.competency))
    return tenths / 10, tuple(gaps)


def _in_fractions(table: _Requirements, levels: dict[str, Fraction]) -> tuple[float, tuple[Gap, ...]]:
    needed = table.needed
    missing = Fraction(0)
    gaps: list[Gap] = []
    for slug, level, weight in table.exact:
        current = levels[slug]
        if current >= level:
            continue
        gap = level - current
        missing += weight * gap
        gaps.append(
            Gap(
                competency=slug,
                required=level,
                current=_round(current, 2),
                gap=_round(gap, 2),
                priority=_round(weight * gap, 2),
            )
        )
    readiness = Fraction(100) if needed == 0 else 100 * (1 - missing / needed)
    readiness = min(Fraction(100), max(Fraction(0), readiness))
    # Ordered on the shown priority, so the tie rule (slug) can be checked from the output.
    gaps.sort(key=lambda g: (-g.priority, g.competency))
    return _round(readiness, 1), tuple(gaps)


def role_readiness(framework: Framework, role: str, levels: Mapping[str, float]) -> tuple[float, tuple[Gap, ...]]:
    """Readiness 0-100 for ``role`` and its gaps (only gap > 0, highest priority first).

    A competency missing from ``levels`` counts as 0. Called on a result's own
    ``levels`` it gives back that result's readiness and gaps exactly.
    """
    return _readiness_and_gaps(_role(framework, role), _checked_levels(framework, levels))


def _by_weight(role: Role, slugs: list[str]) -> list[str]:
    return sorted(slugs, key=lambda s: (-role.requirements[s].weight, -role.requirements[s].level, s))


def _deciding(role: Role, gaps: tuple[Gap, ...]) -> tuple[str, ...]:
    deciding = [gap.competency for gap in gaps[:MAX_DECIDING]]
    if len(deciding) < MIN_DECIDING:
        # Few gaps left: what decides the role then is the heavy requirements already met.
        met = _by_weight(role, [slug for slug in role.requirements if slug not in deciding])
        deciding += met[: MIN_DECIDING - len(deciding)]
    return tuple(deciding)


def score(framework: Framework, answers: Answers, role: str | None = None) -> Result:
    """Score the answers against ``role``, or against the best-fitting role when none is given."""
    if role is not None:
        _role(framework, role)
    competencies = score_competencies(framework, answers)
    levels = {c.competency: c.level for c in competencies}
    # Readiness is worked out from the rounded levels the result shows, so that anyone
    # holding only ``levels`` (a stored assessment, the planner) gets the same numbers.
    checked = _checked_levels(framework, levels)
    assessed = {r.slug: _readiness_and_gaps(r, checked) for r in framework.roles}
    role_fit = tuple(
        sorted(
            (
                RoleFit(role=r.slug, readiness=assessed[r.slug][0], deciding=_deciding(r, assessed[r.slug][1]))
                for r in framework.roles
            ),
            key=lambda fit: (-fit.readiness, fit.role),
        )
    )
    chosen = role if role is not None else role_fit[0].role
    readiness, gaps = assessed[chosen]
    requirements = framework.role_by_slug[chosen].requirements
    strong = [slug for slug, req in requirements.items() if req.level >= 2 and checked.exact[slug] >= req.level]
    return Result(
        role=chosen,
        role_chosen=role is not None,
        readiness=readiness,
        levels=levels,
        competencies=competencies,
        gaps=gaps,
        role_fit=role_fit,
        blind_spots=tuple(c.competency for c in competencies if c.blind_spot),
        strengths=tuple(_by_weight(framework.role_by_slug[chosen], strong)[:MAX_STRENGTHS]),
        unanswered=tuple(c.competency for c in competencies if c.source == "none"),
    )


def result_json(result: Result) -> dict:
    """The scored part of what ``preview_plan`` prints; plain JSON types only."""
    return {
        "role": result.role,
        "readiness": result.readiness,
        "levels": dict(result.levels),
        "gaps": [gap.model_dump(mode="json") for gap in result.gaps],
        "role_fit": [fit.model_dump(mode="json") for fit in result.role_fit],
        "blind_spots": list(result.blind_spots),
        "unanswered": list(result.unanswered),
    }
