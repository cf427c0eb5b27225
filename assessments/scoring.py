"""The scoring engine: answers in, levels, blind spots, readiness and role fit out.

How a level is worked out, in two sentences. A competency's level is the
practice you report (P, the mean of its behaviour items, 0-4), lifted by good
judgement in its scenarios (J, their mean, 0-4) at most halfway towards J/2, so
that knowing the right answers never lifts a level above Practising (2).
Judgement also caps the level at J + 1, so a self-report the scenarios do not
bear out is pulled down: level = min(max(P, (P + J/2) / 2), J + 1), or P alone
when no scenario is answered (no behaviour answered counts as P = 0).

Worked example. "I know what it involves, but have not done it" on both
behaviour items (P = 1) and the best option in both scenarios (J = 4):
max(1, (1 + 4/2) / 2) = 1.5, under the cap of 4 + 1, so the level is 1.5,
between Aware and Practising, flagged *untested* (judgement 3 above practice).
"Routinely, and I have shown others how" (P = 4) with scenario picks scoring 2
and 0 (J = 1): max(4, (4 + 0.5) / 2) = 4, capped at 1 + 1, so the level is 2,
flagged *overrated*. Top answers everywhere (P = J = 4) give 4.

Blind spots, both ways (``blind_spot_kind``): *overrated* when practice runs
``BLIND_SPOT_MARGIN`` (1.5) or more above judgement, *untested* when judgement
runs that far above practice; both need at least one item of each kind.

Role fit (``RoleFit.fit``, -1..1) is how closely the shape of the profile
follows what sets a role apart: the weighted correlation, over the 21
competencies and with the role's weights, between each level's distance from
the profile's own mean and the role's required level's distance from the mean
requirement of the five roles. Roles are ranked by fit, with plain readiness
beside it. ``best_fit`` names the first role only when it leads the second by
more than ``FIT_MARGIN`` (0.05) and the profile has a shape (its levels spread
at least ``FLAT_SPREAD``, a quarter level, around their mean); otherwise
``tie`` names the two roles and the competencies the two weigh most
differently, which are the ones that would decide between them.

Pure and deterministic: frozen pydantic models in, frozen models out; no ORM,
no settings, no request. The laws it keeps (tested with hypothesis): raising an
answer never lowers a level or a readiness; judgement never lifts a level above
Practising, nor lets one run more than a level above it; top answers everywhere
are at least 95 % ready for every role with no blind spot; every value stays in
range; and the same answers give the same result whatever order they arrive in.

Arithmetic is exact and rounding happens once, at the edge, with a monotone
rule (half up), so rounding can never turn a higher answer into a lower number.
Exact means integers where the numbers allow it (levels and weights in
hundredths, which is what every stored result holds) and ``Fraction`` otherwise:
the two give the same numbers, and the integers are several times faster
(``make bench``, part 1). Fit is a float: it ranks and is shown, and no law
rests on it beyond its range and determinism.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from assessments.content import MAX_LEVEL, Competency, Framework, Frozen, Role

# How far a self-report may run ahead of the scenario judgement before the level is capped.
JUDGEMENT_CAP_SLACK = 1

# A quick self-rating is one unverified number, so it never reads as more than "low".
RATING_CONFIDENCE = Fraction(35, 100)

# How far practice and judgement may differ, either way, before we call it a blind spot.
BLIND_SPOT_MARGIN = Fraction(3, 2)

BlindSpotKind = Literal["overrated", "untested"]

# Role fit: the top two are a tie when their fits are this close (or closer), and a profile whose
# levels spread less than this around their own mean (standard deviation, in levels) has no shape
# to match, so it fits no role clearly.
FIT_MARGIN = Fraction(5, 100)
FLAT_SPREAD = Fraction(1, 4)
MAX_TIE_DECIDING = 3

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
    self_rating: float | None  # practice: the mean of the behaviour items answered
    scenario: float | None  # judgement: the mean of the scenario items answered
    blind_spot: bool  # either kind; kept for the pages that only show a badge
    # Defaults, so results stored before the kinds existed still read back.
    blind_spot_kind: BlindSpotKind | None = None


class Gap(Frozen):
    competency: str
    required: int
    current: float
    gap: float
    priority: float


class RoleFit(Frozen):
    role: str
    readiness: float
    deciding: tuple[str, ...]  # the role's biggest gaps (or heaviest met requirements when few are left)
    # -1..1: how closely the profile's shape follows what sets this role apart (see the module doc).
    fit: float = 0.0


class Tie(Frozen):
    """No best fit: the top two roles are too close to call, or the profile has no shape."""

    roles: tuple[str, str]
    margin: float  # FIT_MARGIN, the closeness that makes a tie
    flat: bool  # the profile's levels hardly differ, so no role fits clearly whatever the margin
    deciding: tuple[str, ...]  # the competencies the two roles weigh most differently


class RoleView(Frozen):
    """The result against one role, kept in the snapshot so a finished assessment never needs rescoring."""

    readiness: float
    gaps: tuple[Gap, ...]  # highest priority first
    strengths: tuple[str, ...]


class Result(Frozen):
    role: str
    role_chosen: bool
    readiness: float
    levels: dict[str, float]
    competencies: tuple[CompetencyScore, ...]
    gaps: tuple[Gap, ...]
    role_fit: tuple[RoleFit, ...]  # best fit first
    blind_spots: tuple[str, ...]  # either kind; each CompetencyScore says which
    strengths: tuple[str, ...]
    unanswered: tuple[str, ...]
    # Defaults, so results stored before role fit was a fit still read back.
    best_fit: str | None = None
    tie: Tie | None = None
    # Readiness, gaps and strengths against every role, as scored when the assessment was finished.
    # Empty in results stored before snapshots kept every role.
    roles: dict[str, RoleView] = {}


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


# Per item: its slug, the score of each option, and whether it is a behaviour item (else a scenario).
_ItemScores = tuple[tuple[str, tuple[int, ...], bool], ...]


def _item_scores(framework: Framework) -> tuple[_ItemScores, ...]:
    """Each competency's items as plain numbers, in framework order: scoring reads them for every answer."""
    # Built once per framework load, kept on the framework itself.
    cached = framework.derived.get("scoring.items")
    if cached is None:
        cached = tuple(
            tuple((i.slug, tuple(o.score for o in i.options), i.kind == "behaviour") for i in c.items)
            for c in framework.competencies
        )
        framework.derived["scoring.items"] = cached
    return cached  # type: ignore[return-value]


def _score_competency(competency: Competency, items: _ItemScores, answers: Answers) -> CompetencyScore:
    total = len(items)
    chosen = answers.items
    practice = behaviours = judgement = scenarios = 0
    low, high = MAX_LEVEL, 0
    for slug, scores, behaviour in items:
        if slug not in chosen:
            continue
        score = scores[chosen[slug]]
        if behaviour:
            practice += score
            behaviours += 1
        else:
            judgement += score
            scenarios += 1
        low, high = min(low, score), max(high, score)
    count = behaviours + scenarios
    if count:
        # Whole numbers throughout: the level, the confidence and the two means are each one fraction
        # of integers, rounded half up to hundredths (see _round for the rule).
        # coverage * agreement = (count / total) * (MAX_LEVEL - spread) / MAX_LEVEL
        agreeing = count * (MAX_LEVEL - (high - low))
        confidence = _half_up(100 * agreeing, MAX_LEVEL * total) / 100
        numerator, denominator = _level_fraction(practice, behaviours, judgement, scenarios)
        kind = _blind_spot_kind(practice, behaviours, judgement, scenarios)
        return CompetencyScore(
            competency=competency.slug,
            level=_half_up(100 * numerator, denominator) / 100,
            confidence=confidence,
            confidence_label=confidence_label(confidence),
            answered=count,
            total=total,
            source="items",
            self_rating=_half_up(100 * practice, behaviours) / 100 if behaviours else None,
            scenario=_half_up(100 * judgement, scenarios) / 100 if scenarios else None,
            blind_spot=kind is not None,
            blind_spot_kind=kind,
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


def _level_fraction(practice: int, behaviours: int, judgement: int, scenarios: int) -> tuple[int, int]:
    """The level as numerator / denominator, from the sums and counts of the two kinds of item.

    level = min(max(P, (P + J/2) / 2), J + JUDGEMENT_CAP_SLACK) with P = practice / behaviours and
    J = judgement / scenarios, everything over the common denominator 4 * behaviours * scenarios.
    Each term rises with P and with J, and so do max and min of them: raising an answer never
    lowers a level.
    """
    if not scenarios:
        return practice, behaviours  # no judgement shown: practice alone, neither lifted nor capped
    if not behaviours:
        # No practice reported counts as none: knowledge alone is J/4, at most Aware (1).
        return judgement, 4 * scenarios
    reported = 4 * practice * scenarios
    lifted = 2 * practice * scenarios + judgement * behaviours
    capped = 4 * behaviours * (judgement + JUDGEMENT_CAP_SLACK * scenarios)
    return min(max(reported, lifted), capped), 4 * behaviours * scenarios


def _blind_spot_kind(practice: int, behaviours: int, judgement: int, scenarios: int) -> BlindSpotKind | None:
    """Overrated when P - J >= BLIND_SPOT_MARGIN, untested when J - P >= it; needs both kinds answered."""
    if not behaviours or not scenarios:
        return None
    # P - J = (practice * scenarios - judgement * behaviours) / (behaviours * scenarios)
    ahead = BLIND_SPOT_MARGIN.denominator * (practice * scenarios - judgement * behaviours)
    margin = BLIND_SPOT_MARGIN.numerator * behaviours * scenarios
    if ahead >= margin:
        return "overrated"
    if -ahead >= margin:
        return "untested"
    return None


def blind_spot_explanation(competency: CompetencyScore) -> str | None:
    """One plain sentence on a competency's blind spot, or None when it has none."""
    if competency.blind_spot_kind is None or competency.self_rating is None or competency.scenario is None:
        return None
    practice, judgement = f"{competency.self_rating:.1f}", f"{competency.scenario:.1f}"
    if competency.blind_spot_kind == "overrated":
        return (
            f"You report more practice ({practice} of 4) than your scenario answers bear out ({judgement} of 4): "
            "ask someone who has seen the work for feedback, and read why the best options are best."
        )
    return (
        f"You know what good looks like here ({judgement} of 4 in the scenarios) but report less practice "
        f"({practice} of 4): the next step is to do it, on real work."
    )


def score_competencies(framework: Framework, answers: Answers) -> tuple[CompetencyScore, ...]:
    """One score per competency, in framework order. Items, when any are answered, outrank a quick rating."""
    _check_answers(framework, answers)
    return tuple(
        _score_competency(competency, items, answers)
        for competency, items in zip(framework.competencies, _item_scores(framework), strict=True)
    )


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


@functools.lru_cache(maxsize=4096, typed=True)
def _level(value: float) -> tuple[Fraction, int | None] | None:
    """A level exactly and in hundredths (None unless whole), or None when outside 0..MAX_LEVEL.

    Kept per value: a profile's levels come from a few hundred numbers, and comparing fractions is slow.
    """
    exact = _exact(value)
    if not 0 <= exact <= MAX_LEVEL:
        return None
    return exact, _hundredths(value)


def _checked_levels(framework: Framework, levels: Mapping[str, float]) -> _Levels:
    exact: dict[str, Fraction] = {}
    hundredths: dict[str, int] = {}
    whole = True
    for slug in sorted(levels):
        if slug not in framework.competency_by_slug:
            raise ScoringError(f"unknown competency {slug!r}")
        try:
            checked = _level(levels[slug])
        except (ValueError, ZeroDivisionError, TypeError):
            raise ScoringError(f"the level for {slug!r} must be a number from 0 to {MAX_LEVEL}") from None
        if checked is None:
            raise ScoringError(f"the level for {slug!r} must be 0 to {MAX_LEVEL}, got {levels[slug]}")
        exact[slug], scaled = checked
        if scaled is None:
            whole = False
        else:
            hundredths[slug] = scaled
    # A competency left out has not been shown, so it counts as level 0.
    zero = Fraction(0)
    return _Levels(
        exact={c.slug: exact.get(c.slug, zero) for c in framework.competencies},
        hundredths={c.slug: hundredths.get(c.slug, 0) for c in framework.competencies} if whole else None,
    )


@dataclass(frozen=True)
class _Requirements:
    exact: tuple[tuple[str, int, Fraction], ...]  # (competency, level, weight)
    needed: Fraction  # the weighted sum of the levels asked for
    # (competency, level, level in hundredths, weight in hundredths); None unless every weight has
    # a whole number of hundredths.
    hundredths: tuple[tuple[str, int, int, int], ...] | None
    needed_hundredths: int  # in ten-thousandths


def _requirements(role: Role) -> _Requirements:
    """A role's requirements as exact numbers, worked out once per role object and kept on it."""
    cached = role.derived.get("scoring.requirements")
    if cached is None:
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
        role.derived["scoring.requirements"] = cached = table
    return cached  # type: ignore[return-value]


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
            Gap(
                competency=slug,
                required=required,
                current=current / 100,
                gap=gap / 100,
                priority=_half_up(weight * gap, 100) / 100,
            )
        )
    gaps.sort(key=lambda g: (-g.priority, g.competency))
    return _readiness_in_tenths(needed, missing) / 10, tuple(gaps)


def _readiness_in_tenths(needed: int, missing: int) -> int:
    """100 * (1 - missing / needed), in tenths, half up, within 0..100."""
    return 1000 if needed == 0 else min(1000, max(0, _half_up(1000 * (needed - missing), needed)))


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


def readiness_raised(
    framework: Framework, role: str, levels: Mapping[str, float]
) -> Callable[[Mapping[str, int]], float]:
    """Readiness for ``role`` at ``levels`` with some competencies set to whole levels instead.

    ``readiness_raised(framework, role, levels)(raised)`` is ``role_readiness(framework, role,
    levels | raised)[0]``, for the planner, which asks it of one profile many times: the levels are
    checked once, and in hundredths each answer only adds up the change in the weighted gap over the
    competencies raised. Raises ScoringError as role_readiness does.
    """
    table = _requirements(_role(framework, role))
    checked = _checked_levels(framework, levels)
    base = checked.hundredths
    if table.hundredths is None or base is None:
        return lambda raised: role_readiness(framework, role, {**levels, **raised})[0]
    required = {slug: (level, weight) for slug, _, level, weight in table.hundredths}
    needed = table.needed_hundredths
    missing = sum(weight * max(0, level - base[slug]) for slug, (level, weight) in required.items())

    def readiness(raised: Mapping[str, int]) -> float:
        now = missing
        for slug, shown in raised.items():
            row = required.get(slug)
            if row is not None:
                level, weight = row
                now += weight * (max(0, level - 100 * shown) - max(0, level - base[slug]))
        return _readiness_in_tenths(needed, now) / 10

    return readiness


def by_weight(role: Role, slugs: list[str]) -> list[str]:
    """What the role asks for most first: weight, then required level, then slug. The results chart's order."""
    return sorted(slugs, key=lambda s: (-role.requirements[s].weight, -role.requirements[s].level, s))


def strengths(role: Role, levels: Mapping[str, float]) -> tuple[str, ...]:
    """The role's heaviest requirements of at least Practising that the levels meet, at most MAX_STRENGTHS."""
    met = [slug for slug, req in role.requirements.items() if req.level >= 2 and levels.get(slug, 0) >= req.level]
    return tuple(by_weight(role, met)[:MAX_STRENGTHS])


def _deciding(role: Role, gaps: tuple[Gap, ...]) -> tuple[str, ...]:
    deciding = [gap.competency for gap in gaps[:MAX_DECIDING]]
    if len(deciding) < MIN_DECIDING:
        # Few gaps left: what decides the role then is the heavy requirements already met.
        met = by_weight(role, [slug for slug in role.requirements if slug not in deciding])
        deciding += met[: MIN_DECIDING - len(deciding)]
    return tuple(deciding)


@dataclass(frozen=True)
class _Signature:
    """What sets each role apart: its required levels' distance from the five roles' mean requirement."""

    roles: tuple[tuple[str, tuple[float, ...], tuple[float, ...], float], ...]  # (slug, weights, apart, norm)
    by_role: dict[str, tuple[tuple[float, ...], tuple[float, ...]]]  # slug -> (weights, apart)


def _signature(framework: Framework) -> _Signature:
    # Built once per framework load, kept on the framework itself.
    cached = framework.derived.get("scoring.signature")
    if cached is None:
        slugs = [c.slug for c in framework.competencies]
        count = len(framework.roles)
        mean = {s: Fraction(sum(r.requirements[s].level for r in framework.roles), count) for s in slugs}
        rows = []
        for r in framework.roles:
            weights = tuple(float(r.requirements[s].weight) for s in slugs)
            apart = tuple(float(r.requirements[s].level - mean[s]) for s in slugs)
            norm = math.sqrt(sum(w * a * a for w, a in zip(weights, apart, strict=True)))
            rows.append((r.slug, weights, apart, norm))
        cached = _Signature(roles=tuple(rows), by_role={slug: (w, a) for slug, w, a, _ in rows})
        framework.derived["scoring.signature"] = cached
    return cached  # type: ignore[return-value]


def _fits(framework: Framework, levels: _Levels) -> tuple[dict[str, float], bool]:
    """Each role's fit, rounded half up to hundredths, and whether the profile is flat."""
    count = len(framework.competencies)
    if levels.hundredths is not None:
        whole = [levels.hundredths[c.slug] for c in framework.competencies]
        total = sum(whole)
        # count * 100 * (level - mean), exact: a flat profile gives exact zeros, never rounding dust.
        shape = [float(count * h - total) for h in whole]
        scale = 100.0 * count
    else:
        values = [levels.exact[c.slug] for c in framework.competencies]
        mean = sum(values, Fraction(0)) / count
        shape = [float(v - mean) for v in values]
        scale = 1.0
    # Flat: standard deviation below FLAT_SPREAD, i.e. sum(shape^2) < count * (FLAT_SPREAD * scale)^2.
    flat = sum(x * x for x in shape) < count * float(FLAT_SPREAD * FLAT_SPREAD) * scale * scale
    fits: dict[str, float] = {}
    for slug, weights, apart, norm in _signature(framework).roles:
        own = math.sqrt(sum(w * x * x for w, x in zip(weights, shape, strict=True)))
        if own == 0 or norm == 0:
            fits[slug] = 0.0  # no shape (or a role that stands out in nothing) matches nothing
            continue
        cosine = sum(w * x * a for w, x, a in zip(weights, shape, apart, strict=True)) / (own * norm)
        fits[slug] = max(-1.0, min(1.0, math.floor(cosine * 100 + 0.5) / 100))
    return fits, flat


def _tie_deciding(framework: Framework, first: str, second: str) -> tuple[str, ...]:
    """The competencies the two roles weigh most differently: weight x distance from the mean requirement."""
    signature = _signature(framework)
    (w1, a1), (w2, a2) = signature.by_role[first], signature.by_role[second]
    slugs = [c.slug for c in framework.competencies]
    apart = [abs(w1[i] * a1[i] - w2[i] * a2[i]) for i in range(len(slugs))]
    order = sorted(range(len(slugs)), key=lambda i: (-apart[i], slugs[i]))
    return tuple(slugs[i] for i in order[:MAX_TIE_DECIDING] if apart[i] > 0)


def _role_fit(
    framework: Framework, levels: _Levels, assessed: dict[str, tuple[float, tuple[Gap, ...]]]
) -> tuple[tuple[RoleFit, ...], str | None, Tie | None]:
    fits, flat = _fits(framework, levels)
    ranked = tuple(
        sorted(
            (
                RoleFit(
                    role=r.slug,
                    readiness=assessed[r.slug][0],
                    deciding=_deciding(r, assessed[r.slug][1]),
                    fit=fits[r.slug],
                )
                for r in framework.roles
            ),
            # Best fit first; plain readiness breaks a tie in fit, then the slug.
            key=lambda f: (-f.fit, -f.readiness, f.role),
        )
    )
    first, second = ranked[0], ranked[1]  # a framework has exactly five roles
    # Compared in hundredths, the numbers shown, so a reader can check the call from the output.
    close = round(100 * (first.fit - second.fit)) <= 100 * FIT_MARGIN
    if not flat and not close:
        return ranked, first.role, None
    tie = Tie(
        roles=(first.role, second.role),
        margin=float(FIT_MARGIN),
        flat=flat,
        deciding=_tie_deciding(framework, first.role, second.role),
    )
    return ranked, None, tie


def role_fit(framework: Framework, levels: Mapping[str, float]) -> tuple[tuple[RoleFit, ...], str | None, Tie | None]:
    """Every role ranked by fit (best first) with its readiness, the best fit, and the tie when there is none.

    A competency missing from ``levels`` counts as 0. Called on a result's own ``levels`` it gives
    back that result's ``role_fit``, ``best_fit`` and ``tie`` exactly.
    """
    checked = _checked_levels(framework, levels)
    assessed = {r.slug: _readiness_and_gaps(r, checked) for r in framework.roles}
    return _role_fit(framework, checked, assessed)


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
    ranked, best_fit, tie = _role_fit(framework, checked, assessed)
    # With no role chosen the first in the ranking is used, tie or not; the tie is still reported.
    chosen = role if role is not None else ranked[0].role
    roles = {
        slug: RoleView(readiness=readiness, gaps=gaps, strengths=strengths(framework.role_by_slug[slug], levels))
        for slug, (readiness, gaps) in assessed.items()
    }
    readiness, gaps = assessed[chosen]
    return Result(
        role=chosen,
        role_chosen=role is not None,
        readiness=readiness,
        levels=levels,
        competencies=competencies,
        gaps=gaps,
        role_fit=ranked,
        blind_spots=tuple(c.competency for c in competencies if c.blind_spot),
        strengths=roles[chosen].strengths,
        unanswered=tuple(c.competency for c in competencies if c.source == "none"),
        best_fit=best_fit,
        tie=tie,
        roles=roles,
    )


def result_json(result: Result) -> dict:
    """The scored part of what ``preview_plan`` prints; plain JSON types only."""
    return {
        "role": result.role,
        "readiness": result.readiness,
        "levels": dict(result.levels),
        "gaps": [gap.model_dump(mode="json") for gap in result.gaps],
        "role_fit": [fit.model_dump(mode="json") for fit in result.role_fit],
        "best_fit": result.best_fit,
        "tie": None if result.tie is None else result.tie.model_dump(mode="json"),
        "blind_spots": [
            {"competency": c.competency, "kind": c.blind_spot_kind, "practice": c.self_rating, "judgement": c.scenario}
            for c in result.competencies
            if c.blind_spot
        ],
        "unanswered": list(result.unanswered),
    }
