"""The roadmap planner: gaps in, a month-by-month plan out.

Pure, like the scoring engine: a function over the frozen framework and plain
values (no ORM, no request, no settings), deterministic, and tested by its laws.

How a plan is made:

1. *Choose* the wanted actions, in order: pinned actions; for a ready engineer
   the make-the-move focus; then the gap work in passes, biggest priority first:
   the first pass gives every gap competency one action, later passes add more
   for the bigger gaps (``ceil(gap)`` actions each). Choosing an action pulls in
   its prerequisites first, so the list is always prerequisites-first.
2. *Place* them in that order: pinned actions in their month, every other one in
   the earliest month of its phase window that has room (later months if the
   window is full), never before a prerequisite and never over capacity.
3. *Finish*: give a still-uncovered gap another action that fits, then add up to
   three make-the-move steps where room is left.

Greedy packing can place less when months grow (a classic bin-packing anomaly),
yet the product promises that more hours never leave more work unscheduled. So
the plan at ``h`` hours a week is the greedy plan only if it is at least as good
as the plan at ``h - 1`` hours carried over into the bigger months; otherwise it
is that carried-over plan. By induction, unscheduled hours and uncovered gaps
never grow with the hours. The chain stops early at a greedy plan that nothing
can beat, so it is usually one or two greedy runs.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from assessments.content import PHASES, Action, Framework, Frozen

MIN_HOURS_PER_WEEK, MAX_HOURS_PER_WEEK = 1, 40
MIN_MONTHS, MAX_MONTHS = 3, 12
READY_AT = 85.0
MOVE_PHASE = "make-the-move"
MOVES_WANTED = 3
WEEKS_PER_YEAR, MONTHS_PER_YEAR = 52, 12

# A gap smaller than this is rounding noise from the scoring engine, not work to plan.
_EPSILON = 1e-9


class GapLike(Protocol):
    """What the planner reads from a gap; ``assessments.scoring.Gap`` has it."""

    @property
    def competency(self) -> str: ...

    @property
    def gap(self) -> float: ...

    @property
    def priority(self) -> float: ...


class PlannedItem(Frozen):
    action: str
    title: str
    competencies: tuple[str, ...]
    hours: int
    month: int
    phase: str
    reason: str
    closes: tuple[str, ...]
    pinned: bool = False


class Month(Frozen):
    month: int
    hours: int
    capacity: float
    items: tuple[PlannedItem, ...]


class Unscheduled(Frozen):
    action: str | None
    title: str
    competencies: tuple[str, ...]
    why: str


class Plan(Frozen):
    hours_per_week: int
    months_total: int
    capacity: float
    months: tuple[Month, ...]
    unscheduled: tuple[Unscheduled, ...]
    covered: tuple[str, ...]
    not_covered: tuple[str, ...]


class PlanningError(ValueError):
    """Input the planner cannot plan with; the message says which value and why."""


def monthly_capacity(hours_per_week: int) -> float:
    return hours_per_week * WEEKS_PER_YEAR / MONTHS_PER_YEAR


def _fits(hours: int, hours_per_week: int) -> bool:
    # Whole numbers on both sides: 13 h fits the 13.0 h month of 3 h a week exactly.
    return hours * MONTHS_PER_YEAR <= hours_per_week * WEEKS_PER_YEAR


# --- What is known about the framework, whoever plans --------------------------------------


@dataclass(frozen=True, slots=True)
class _Index:
    actions: Mapping[str, Action]
    builders: Mapping[str, tuple[str, ...]]  # competency -> actions that build it, by slug
    moves: tuple[str, ...]
    names: Mapping[str, str]
    hour_steps: tuple[int, ...]  # the distinct action lengths, shortest first

    def fit_level(self, hours_per_week: int) -> int:
        """How many action lengths fit a month: choices only change when this does."""
        return bisect.bisect_right(self.hour_steps, hours_per_week * WEEKS_PER_YEAR // MONTHS_PER_YEAR)


# The framework is frozen but not hashable (roles hold dicts); keeping it in the
# value stops its id from being reused by another object while cached.
_indexes: dict[int, tuple[Framework, _Index]] = {}


def _index(framework: Framework) -> _Index:
    cached = _indexes.get(id(framework))
    if cached is not None and cached[0] is framework:
        return cached[1]
    builders: dict[str, list[str]] = {}
    for action in sorted(framework.actions, key=lambda a: a.slug):
        for slug in action.competencies:
            builders.setdefault(slug, []).append(action.slug)
    index = _Index(
        actions=framework.action_by_slug,
        builders={slug: tuple(found) for slug, found in builders.items()},
        moves=tuple(sorted(a.slug for a in framework.actions if a.phase == MOVE_PHASE)),
        names={c.slug: c.name for c in framework.competencies},
        hour_steps=tuple(sorted({a.hours for a in framework.actions})),
    )
    if len(_indexes) >= 8:
        _indexes.clear()
    _indexes[id(framework)] = (framework, index)
    return index


# --- One call: everything that does not depend on the hours per week -----------------------


@dataclass(slots=True)
class _Call:
    index: _Index
    months: int
    gaps: tuple[str, ...]  # biggest priority first
    priority: dict[str, float]
    target: dict[str, int]
    ready: bool
    done: frozenset[str]
    pinned: dict[str, int]
    windows: dict[str, tuple[int, int]]
    builders: dict[str, tuple[str, ...]]  # gap competency -> actions not done yet
    deadline: dict[str, int] = field(default_factory=dict)
    choices: dict[int, tuple[tuple[str, ...], dict[str, tuple[str, str]]]] = field(default_factory=dict)
    _ancestors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _longest: dict[str, int] = field(default_factory=dict)

    def ancestors(self, slug: str) -> tuple[str, ...]:
        """Prerequisites not done yet, recursively, each listed after its own prerequisites."""
        found = self._ancestors.get(slug)
        if found is None:
            out: list[str] = []
            seen: set[str] = set()

            def visit(node: str) -> None:
                for q in self.index.actions[node].requires:
                    if q not in self.done and q not in seen:
                        seen.add(q)
                        visit(q)
                        out.append(q)

            visit(slug)
            found = self._ancestors[slug] = tuple(out)
        return found

    def longest(self, slug: str) -> int:
        """The longest single action among it and its open prerequisites: what must fit a month."""
        found = self._longest.get(slug)
        if found is None:
            actions = self.index.actions
            found = max([actions[slug].hours, *(actions[q].hours for q in self.ancestors(slug))])
            self._longest[slug] = found
        return found


def _window(phase: str, months: int) -> tuple[int, int]:
    _, first, last = PHASES[phase]
    if first > months:
        # A short horizon still ends with the phase, in its last month.
        return months, months
    return first, min(last, months)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _prepare(
    framework: Framework,
    gaps: Sequence[GapLike],
    readiness: float,
    hours_per_week: int,
    months: int,
    done: frozenset[str],
    pinned: Mapping[str, int] | None,
) -> _Call:
    if not _whole(hours_per_week) or not MIN_HOURS_PER_WEEK <= hours_per_week <= MAX_HOURS_PER_WEEK:
        raise PlanningError(
            f"hours_per_week must be a whole number from {MIN_HOURS_PER_WEEK} to {MAX_HOURS_PER_WEEK},"
            f" got {hours_per_week!r}"
        )
    if not _whole(months) or not MIN_MONTHS <= months <= MAX_MONTHS:
        raise PlanningError(f"months must be a whole number from {MIN_MONTHS} to {MAX_MONTHS}, got {months!r}")
    index = _index(framework)
    for slug in sorted(done):
        if slug not in index.actions:
            raise PlanningError(f"unknown action in done: {slug!r}")
    pins: dict[str, int] = {}
    for slug, month in sorted((pinned or {}).items()):
        if slug not in index.actions:
            raise PlanningError(f"unknown pinned action: {slug!r}")
        if not _whole(month) or not 1 <= month <= months:
            raise PlanningError(f"action {slug!r} is pinned to month {month!r}, outside 1 to {months}")
        # Done work stays done; a pin on it has nothing left to place.
        if slug not in done:
            pins[slug] = month

    biggest: dict[str, tuple[float, float]] = {}
    for g in gaps:
        if g.gap > _EPSILON:
            biggest[g.competency] = max(biggest.get(g.competency, (g.priority, g.gap)), (g.priority, g.gap))
    order = tuple(sorted(biggest, key=lambda slug: (-biggest[slug][0], slug)))
    ready = readiness >= READY_AT or not order
    call = _Call(
        index=index,
        months=months,
        gaps=order,
        priority={slug: biggest[slug][0] for slug in order},
        # A ready engineer gets one action per remaining gap, no more: the focus is the move.
        target={slug: 1 if ready else max(1, math.ceil(biggest[slug][1] - _EPSILON)) for slug in order},
        ready=ready,
        done=done,
        pinned=pins,
        windows={phase: _window(phase, months) for phase in PHASES},
        builders={slug: tuple(a for a in index.builders.get(slug, ()) if a not in done) for slug in order},
    )
    for slug, month in pins.items():
        for q in call.ancestors(slug):
            call.deadline[q] = min(call.deadline.get(q, months), month)
    return call


# --- Choosing: which actions the plan wants, in the order they are placed --------------------

_Origin = tuple[str, str]  # ("gap", competency) | ("move", "") | ("before", dependant) | ("pinned", "")


def _choose(call: _Call, hours_per_week: int) -> tuple[tuple[str, ...], dict[str, _Origin]]:
    level = call.index.fit_level(hours_per_week)
    cached = call.choices.get(level)
    if cached is not None:
        return cached
    actions = call.index.actions
    origin: dict[str, _Origin] = {}
    wanted: list[str] = []
    count = dict.fromkeys(call.gaps, 0)

    def add(slug: str, why: _Origin) -> None:
        if slug in origin:
            return
        origin[slug] = why
        for q in actions[slug].requires:
            if q not in call.done:
                add(q, ("before", slug))
        wanted.append(slug)
        for c in actions[slug].competencies:
            if c in count:
                count[c] += 1

    def cost(slug: str) -> int:
        return actions[slug].hours + sum(actions[q].hours for q in call.ancestors(slug) if q not in origin)

    def fits(slug: str) -> bool:
        return _fits(call.longest(slug), hours_per_week)

    for slug, _month in sorted(call.pinned.items(), key=lambda pin: (pin[1], pin[0])):
        add(slug, ("pinned", ""))
    if call.ready:
        have = sum(1 for slug in origin if actions[slug].phase == MOVE_PHASE)
        for _ in range(MOVES_WANTED - have):
            ranked = _rank_moves(call, origin, fits, cost)
            if not ranked:
                break
            add(ranked[0], ("move", ""))

    for round_ in range(1, max(call.target.values(), default=0) + 1):
        for g in call.gaps:
            if round_ > call.target[g] or count[g] >= round_:
                continue

            def key(slug: str, g: str = g) -> tuple[bool, int, int, str]:
                # Work that also builds another open gap goes further; then the shortest.
                others = sum(
                    1 for c in actions[slug].competencies if c != g and c in count and count[c] < call.target[c]
                )
                return (not fits(slug), -others, cost(slug), slug)

            candidates = [slug for slug in call.builders[g] if slug not in origin]
            if candidates:
                add(min(candidates, key=key), ("gap", g))

    chosen = call.choices[level] = (tuple(wanted), origin)
    return chosen


def _rank_moves(
    call: _Call, origin: Mapping[str, _Origin], fits: Callable[[str], bool], cost: Callable[[str], int]
) -> list[str]:
    def key(slug: str) -> tuple[bool, float, int, str]:
        helps = sum(call.priority.get(c, 0.0) for c in call.index.actions[slug].competencies)
        return (not fits(slug), -helps, cost(slug), slug)

    return sorted((s for s in call.index.moves if s not in origin and s not in call.done), key=key)


# --- Placing ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Packing:
    hours_per_week: int
    origin: dict[str, _Origin]
    month_of: dict[str, int]
    order: list[str]  # placement order: how items are listed within a month
    load: list[int]  # hours per month, index 0 unused
    failed: dict[str, None]  # wanted actions that did not fit, in wanted order

    def carried_to(self, hours_per_week: int) -> _Packing:
        return _Packing(
            hours_per_week, dict(self.origin), dict(self.month_of), list(self.order), list(self.load), dict(self.failed)
        )


def _months_for(call: _Call, action: Action, earliest: int) -> Iterable[int]:
    first, last = call.windows[action.phase]
    deadline = call.deadline.get(action.slug, call.months)
    yield from range(max(earliest, first), min(last, deadline) + 1)
    yield from range(max(earliest, last + 1), deadline + 1)
    if action.slug in call.deadline:
        # A pinned dependant outranks the phase window: better early than after it.
        yield from range(min(deadline, first - 1), earliest - 1, -1)


def _earliest(call: _Call, p: _Packing, action: Action) -> int | None:
    """The first month after its prerequisites; None while one of them is not placed."""
    earliest = 1
    for q in action.requires:
        if q not in call.done:
            month = p.month_of.get(q)
            if month is None:
                return None
            earliest = max(earliest, month)
    return earliest


def _place(call: _Call, p: _Packing, slug: str) -> bool:
    action = call.index.actions[slug]
    earliest = _earliest(call, p, action)
    if earliest is None or not _fits(action.hours, p.hours_per_week):
        return False
    for month in _months_for(call, action, earliest):
        if _fits(p.load[month] + action.hours, p.hours_per_week):
            p.month_of[slug] = month
            p.load[month] += action.hours
            p.order.append(slug)
            return True
    return False


def _place_group(call: _Call, p: _Packing, slug: str, why: _Origin) -> bool:
    """Place an extra action with its open prerequisites, all of them or none."""
    group = [q for q in call.ancestors(slug) if q not in p.month_of]
    group.append(slug)
    for n, q in enumerate(group):
        if not _place(call, p, q):
            for r in group[:n]:
                p.load[p.month_of.pop(r)] -= call.index.actions[r].hours
            if n:
                del p.order[-n:]
            return False
    for q in group:
        p.failed.pop(q, None)
        p.origin.setdefault(q, why if q == slug else ("before", slug))
    return True


def _covered(call: _Call, p: _Packing) -> set[str]:
    actions = call.index.actions
    return {c for slug in p.month_of for c in actions[slug].competencies if c in call.priority}


def _retry(call: _Call, p: _Packing) -> None:
    for slug in list(p.failed):
        if _place(call, p, slug):
            del p.failed[slug]


def _finish(call: _Call, p: _Packing) -> None:
    actions = call.index.actions

    def cost(slug: str) -> int:
        return actions[slug].hours + sum(actions[q].hours for q in call.ancestors(slug) if q not in p.month_of)

    def fits(slug: str) -> bool:
        return _fits(call.longest(slug), p.hours_per_week)

    covered = _covered(call, p)
    for g in call.gaps:
        if g in covered:
            continue
        # The chosen action did not fit; a smaller one still covers the gap.
        for slug in sorted((s for s in call.builders[g] if s not in p.origin and fits(s)), key=lambda s: (cost(s), s)):
            if _place_group(call, p, slug, ("gap", g)):
                covered.update(actions[slug].competencies)
                break
    _retry(call, p)
    if call.ready:
        return
    have = sum(1 for slug in p.month_of if actions[slug].phase == MOVE_PHASE)
    tried: set[str] = set()
    while have < MOVES_WANTED:
        ranked = [s for s in _rank_moves(call, p.origin, fits, cost) if s not in tried and fits(s)]
        for slug in ranked:
            tried.add(slug)
            if _place_group(call, p, slug, ("move", "")):
                have += 1
                break
        else:
            break
    if p.failed:
        _retry(call, p)


def _greedy(call: _Call, hours_per_week: int) -> _Packing:
    wanted, origin = _choose(call, hours_per_week)
    p = _Packing(hours_per_week, dict(origin), {}, [], [0] * (call.months + 1), {})
    actions = call.index.actions
    # Pins first, so the user's month is theirs whatever else competes for it.
    for slug, month in sorted(call.pinned.items(), key=lambda pin: (pin[1], pin[0])):
        p.month_of[slug] = month
        p.load[month] += actions[slug].hours
        p.order.append(slug)
    for slug in wanted:
        if slug not in p.month_of and not _place(call, p, slug):
            p.failed[slug] = None
    _finish(call, p)
    return p


def _carry(call: _Call, previous: _Packing, hours_per_week: int) -> _Packing:
    """The plan made for fewer hours, kept as it is, with what did not fit tried again."""
    p = previous.carried_to(hours_per_week)
    _retry(call, p)
    _finish(call, p)
    return p


def _score(call: _Call, p: _Packing) -> tuple[int, int]:
    actions = call.index.actions
    return sum(actions[slug].hours for slug in p.failed), len(call.gaps) - len(_covered(call, p))


def _unbeatable(call: _Call, p: _Packing, score: tuple[int, int]) -> bool:
    unscheduled, uncovered = score
    if unscheduled:
        return False
    # No plan at these hours or fewer covers a gap with no pinned or short enough action.
    floor = sum(
        1
        for g in call.gaps
        if not any(s in call.pinned or _fits(call.index.actions[s].hours, p.hours_per_week) for s in call.builders[g])
    )
    return uncovered <= floor


def _pack(call: _Call, hours_per_week: int) -> _Packing:
    below: list[_Packing] = []
    hours = hours_per_week
    while True:
        p = _greedy(call, hours)
        if hours == MIN_HOURS_PER_WEEK or _unbeatable(call, p, _score(call, p)):
            break
        below.append(p)
        hours -= 1
    best = p
    for greedy in reversed(below):
        carried = _carry(call, best, greedy.hours_per_week)
        g_unscheduled, g_uncovered = _score(call, greedy)
        c_unscheduled, c_uncovered = _score(call, carried)
        best = greedy if g_unscheduled <= c_unscheduled and g_uncovered <= c_uncovered else carried
    return best


# --- Rendering -------------------------------------------------------------------------------


def _mid_sentence(name: str) -> str:
    # "Systems thinking" reads "systems thinking" mid-sentence; "AI operations" keeps its capitals.
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _reason(call: _Call, p: _Packing, slug: str, closes: tuple[str, ...]) -> str:
    kind, detail = p.origin.get(slug, ("pinned", ""))
    names = call.index.names
    actions = call.index.actions
    if kind == "pinned":
        if closes:
            kind, detail = "gap", closes[0]
        elif actions[slug].phase == MOVE_PHASE:
            kind = "move"
        else:
            return f"You pinned it to month {p.month_of[slug]}."
    if kind == "gap":
        return f"Closes your gap in {_mid_sentence(names.get(detail, detail))}."
    if kind == "move":
        return "A step towards making the move."
    return f"Needed before “{actions[detail].title}”."


def _why(call: _Call, p: _Packing, slug: str) -> str:
    action = call.index.actions[slug]
    hpw = p.hours_per_week
    for q in action.requires:
        if q not in call.done and q not in p.month_of:
            return f"Needs “{call.index.actions[q].title}” first, which did not fit."
    if not _fits(action.hours, hpw):
        return f"Takes {action.hours} h; a month has {_number(monthly_capacity(hpw))} h at {hpw} h a week."
    first = max(call.windows[action.phase][0], _earliest(call, p, action) or 1)
    last = call.deadline.get(slug, call.months)
    if first >= last:
        return f"Month {last} does not have {action.hours} h free at {hpw} h a week."
    return f"No month from {first} to {last} has {action.hours} h free at {hpw} h a week."


def _within_month(call: _Call, slugs: list[str]) -> list[str]:
    """Pins lead their month, but a prerequisite placed beside its pinned dependant goes before it."""
    if not call.pinned:
        return slugs
    actions = call.index.actions
    pending = sorted(slugs, key=lambda s: s not in call.pinned)  # stable: keeps placement order
    out: list[str] = []
    while pending:
        for n, slug in enumerate(pending):
            if not any(q in pending for q in actions[slug].requires):
                out.append(pending.pop(n))
                break
        else:  # pins that contradict their prerequisites: keep the user's order
            out.extend(pending)
            break
    return out


def _render(call: _Call, p: _Packing) -> Plan:
    actions = call.index.actions
    capacity = monthly_capacity(p.hours_per_week)
    by_month: list[list[str]] = [[] for _ in range(call.months + 1)]
    for slug in p.order:
        by_month[p.month_of[slug]].append(slug)
    months = []
    for month in range(1, call.months + 1):
        items = []
        for slug in _within_month(call, by_month[month]):
            action = actions[slug]
            closes = tuple(c for c in action.competencies if c in call.priority)
            items.append(
                PlannedItem(
                    action=slug,
                    title=action.title,
                    competencies=action.competencies,
                    hours=action.hours,
                    month=month,
                    phase=action.phase,
                    reason=_reason(call, p, slug, closes),
                    closes=closes,
                    pinned=slug in call.pinned,
                )
            )
        months.append(Month(month=month, hours=p.load[month], capacity=capacity, items=tuple(items)))

    unscheduled = [
        Unscheduled(
            action=slug,
            title=actions[slug].title,
            competencies=actions[slug].competencies,
            why=_why(call, p, slug),
        )
        for slug in p.failed
    ]
    for g in call.gaps:
        if not call.builders[g]:
            why = (
                "Every action that builds it is done; re-assess to see the change."
                if call.index.builders.get(g)
                else "No action in the library builds it yet."
            )
            unscheduled.append(Unscheduled(action=None, title=call.index.names.get(g, g), competencies=(g,), why=why))
    covered = _covered(call, p)
    return Plan(
        hours_per_week=p.hours_per_week,
        months_total=call.months,
        capacity=capacity,
        months=tuple(months),
        unscheduled=tuple(unscheduled),
        covered=tuple(g for g in call.gaps if g in covered),
        not_covered=tuple(g for g in call.gaps if g not in covered),
    )


# --- The interface ---------------------------------------------------------------------------


def plan(
    framework: Framework,
    *,
    gaps: Sequence[GapLike],
    readiness: float,
    hours_per_week: int,
    months: int,
    done: frozenset[str] = frozenset(),
    pinned: Mapping[str, int] | None = None,
) -> Plan:
    """A month-by-month plan that closes ``gaps`` within ``months`` at ``hours_per_week``.

    ``done`` actions are left out (and count as met prerequisites); ``pinned``
    maps an action to the month the engineer put it in, which the plan keeps
    even over capacity. A pin on a done action is ignored. Raises
    PlanningError for hours or months out of range, an unknown action, or a
    pin outside the horizon.
    """
    call = _prepare(framework, gaps, readiness, hours_per_week, months, frozenset(done), pinned)
    return _render(call, _pack(call, hours_per_week))


def plan_json(p: Plan) -> dict:
    """The plan as the JSON that ``preview_plan`` prints (``months`` and ``unscheduled``, plus context)."""
    return {
        "hours_per_week": p.hours_per_week,
        "months_total": p.months_total,
        "capacity": round(p.capacity, 1),
        "months": [
            {
                "month": m.month,
                "hours": m.hours,
                "capacity": round(m.capacity, 1),
                "items": [
                    {
                        "action": item.action,
                        "title": item.title,
                        "competencies": list(item.competencies),
                        "hours": item.hours,
                        "phase": item.phase,
                        "reason": item.reason,
                        "closes": list(item.closes),
                        "pinned": item.pinned,
                    }
                    for item in m.items
                ],
            }
            for m in p.months
        ],
        "unscheduled": [
            {"action": u.action, "title": u.title, "competencies": list(u.competencies), "why": u.why}
            for u in p.unscheduled
        ],
        "covered": list(p.covered),
        "not_covered": list(p.not_covered),
    }
