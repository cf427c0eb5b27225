"""The roadmap planner: gaps in, a month-by-month plan out.

Pure, like the scoring engine: a function over the frozen framework and plain
values (no ORM, no request, no settings), deterministic, and tested by its laws.

How a plan is made:

1. *Choose* the wanted actions once, whatever the hours: pinned actions, then
   the gap work in rounds, biggest priority first. The first round gives every
   gap competency one action, later rounds add more for the bigger gaps
   (``ceil(gap)`` actions each), preferring the fewest hours per gap served.
   Choosing an action pulls in its open prerequisites just before it.
2. *Place* them in that order: pins in their month, then (for a ready engineer)
   up to three make-the-move steps, then every wanted action in the earliest
   month of its phase window with room (later months if the window is full),
   never before a prerequisite and never over capacity. What does not fit is
   reported with why.
3. *Finish*: give a still-uncovered gap a smaller action that fits, then add
   make-the-move steps (up to three in all) where room is left.

Greedy packing can place less when months grow (a classic bin-packing anomaly,
and a ready engineer's move taking the room that gap work had at fewer hours),
yet more hours must never leave more work unscheduled. So the plan at ``h``
hours a week is the greedy plan only if it is at least as good, in unscheduled
hours and in uncovered gaps, as the plan at ``h - 1`` carried over (kept as it
is, with what did not fit tried again in the bigger months); otherwise it is
that carried-over plan. By induction neither number ever grows with the hours.
The chain down stops at a greedy plan that provably beats anything fewer hours
could do (see ``_least_unscheduled``), which is almost always the first one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
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
    hours: Mapping[str, int]
    requires: Mapping[str, tuple[str, ...]]
    competencies: Mapping[str, tuple[str, ...]]
    ancestors: Mapping[str, tuple[str, ...]]  # all prerequisites, recursively, each after its own
    builders: Mapping[str, tuple[str, ...]]  # competency -> actions that build it, by slug
    moves: tuple[str, ...]
    names: Mapping[str, str]


def _topological_ancestors(requires: Mapping[str, tuple[str, ...]], slug: str, skip: frozenset[str]) -> tuple[str, ...]:
    out: list[str] = []
    seen: set[str] = set()

    def visit(node: str) -> None:
        for q in requires[node]:
            if q not in skip and q not in seen:
                seen.add(q)
                visit(q)
                out.append(q)

    visit(slug)
    return tuple(out)


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
    requires = {a.slug: a.requires for a in framework.actions}
    index = _Index(
        actions=framework.action_by_slug,
        hours={a.slug: a.hours for a in framework.actions},
        requires=requires,
        competencies={a.slug: a.competencies for a in framework.actions},
        ancestors={slug: _topological_ancestors(requires, slug, frozenset()) for slug in requires},
        builders={slug: tuple(found) for slug, found in builders.items()},
        moves=tuple(sorted(a.slug for a in framework.actions if a.phase == MOVE_PHASE)),
        names={c.slug: c.name for c in framework.competencies},
    )
    if len(_indexes) >= 8:
        _indexes.clear()
    _indexes[id(framework)] = (framework, index)
    return index


# --- One call: everything that does not depend on the hours per week -----------------------

_Origin = tuple[str, str]  # ("gap", competency) | ("move", "") | ("before", dependant) | ("pinned", "")


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
    wanted: tuple[str, ...] = ()  # chosen actions, prerequisites first
    origin: dict[str, _Origin] = field(default_factory=dict)
    start: dict[str, int] = field(default_factory=dict)  # the first month a wanted action could ever go in
    pinned_load: tuple[int, ...] = ()
    shares: tuple[int, dict[str, list[tuple[int, str]]]] | None = None
    _ancestors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _longest: dict[str, int] = field(default_factory=dict)
    _months: dict[tuple[str, int], tuple[int, ...]] = field(default_factory=dict)

    def ancestors(self, slug: str) -> tuple[str, ...]:
        """Prerequisites not done yet, recursively, each listed after its own prerequisites."""
        if not self.done:
            return self.index.ancestors[slug]
        found = self._ancestors.get(slug)
        if found is None:
            # A done prerequisite stands in for its own prerequisites too.
            found = self._ancestors[slug] = _topological_ancestors(self.index.requires, slug, self.done)
        return found

    def longest(self, slug: str) -> int:
        """The longest single action among it and its open prerequisites: what must fit a month."""
        found = self._longest.get(slug)
        if found is None:
            hours = self.index.hours
            found = hours[slug]
            for q in self.ancestors(slug):
                found = max(found, hours[q])
            self._longest[slug] = found
        return found

    def months_for(self, slug: str, earliest: int) -> tuple[int, ...]:
        """The months an action may go in, best first, once its prerequisites sit in ``earliest``."""
        key = (slug, earliest)
        found = self._months.get(key)
        if found is None:
            first, last = self.windows[self.index.actions[slug].phase]
            deadline = self.deadline.get(slug, self.months)
            months = [*range(max(earliest, first), min(last, deadline) + 1)]
            months += range(max(earliest, last + 1), deadline + 1)
            if slug in self.deadline:
                # A pinned dependant outranks the phase window: better early than after it.
                months += range(min(deadline, first - 1), earliest - 1, -1)
            found = self._months[key] = tuple(months)
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
    _choose(call)
    _bound_inputs(call)
    return call


def _limit(hours_per_week: int) -> int:
    """The whole hours a month holds: loads and lengths are whole, so this is exact."""
    return hours_per_week * WEEKS_PER_YEAR // MONTHS_PER_YEAR


# --- Choosing: which actions the plan wants, in the order they are placed --------------------


def _choose(call: _Call) -> None:
    """Decide the wanted actions once, whatever the hours: the plan at more hours wants the same."""
    index = call.index
    hours, requires, competencies = index.hours, index.requires, index.competencies
    done, target = call.done, call.target
    origin = call.origin
    wanted: list[str] = []
    count = dict.fromkeys(call.gaps, 0)

    def add(slug: str, why: _Origin) -> None:
        if slug in origin:
            return
        origin[slug] = why
        for q in requires[slug]:
            if q not in done:
                add(q, ("before", slug))
        wanted.append(slug)
        for c in competencies[slug]:
            if c in count:
                count[c] += 1

    for slug, _month in sorted(call.pinned.items(), key=lambda pin: (pin[1], pin[0])):
        add(slug, ("pinned", ""))

    for round_ in range(1, max(target.values(), default=0) + 1):
        for g in call.gaps:
            if round_ > target[g] or count[g] >= round_:
                continue
            best: tuple[float, int, int, str] | None = None
            for slug in call.builders[g]:
                if slug in origin:
                    continue
                cost = hours[slug]
                for q in call.ancestors(slug):
                    if q not in origin:
                        cost += hours[q]
                serves = 1
                for c in competencies[slug]:
                    if c != g and c in count and count[c] < target[c]:
                        serves += 1
                # The fewest hours per gap served: work that also builds another open gap
                # wins unless it costs more than doing both apart, and short work fits.
                key = (cost / serves, -serves, cost, slug)
                if best is None or key < best:
                    best = key
            if best is not None:
                add(best[3], ("gap", g))
    call.wanted = tuple(wanted)


def _cost(call: _Call, slug: str, taken: Mapping[str, object]) -> int:
    hours = call.index.hours
    cost = hours[slug]
    for q in call.ancestors(slug):
        if q not in taken:
            cost += hours[q]
    return cost


# --- Placing ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Packing:
    hours_per_week: int
    limit: int
    origin: dict[str, _Origin]
    month_of: dict[str, int]
    order: list[str]  # placement order: how items are listed within a month
    load: list[int]  # hours per month, index 0 unused
    failed: dict[str, bool]  # wanted actions that did not fit, in wanted order: waiting for a prerequisite?

    def carried_to(self, hours_per_week: int) -> _Packing:
        return _Packing(
            hours_per_week,
            _limit(hours_per_week),
            dict(self.origin),
            dict(self.month_of),
            list(self.order),
            list(self.load),
            dict(self.failed),
        )


def _earliest(call: _Call, p: _Packing, slug: str) -> int:
    """The first month after its prerequisites; 0 while one of them is not placed."""
    earliest = 1
    for q in call.index.requires[slug]:
        if q not in call.done:
            month = p.month_of.get(q, 0)
            if not month:
                return 0
            earliest = max(earliest, month)
    return earliest


def _place(call: _Call, p: _Packing, slug: str) -> bool:
    hours = call.index.hours[slug]
    if hours > p.limit:
        return False
    earliest = _earliest(call, p, slug)
    if not earliest:
        return False
    room = p.limit - hours
    load = p.load
    for month in call.months_for(slug, earliest):
        if load[month] <= room:
            p.month_of[slug] = month
            load[month] += hours
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
                p.load[p.month_of.pop(r)] -= call.index.hours[r]
            if n:
                del p.order[-n:]
            return False
    for q in group:
        p.failed.pop(q, None)
        p.origin.setdefault(q, why if q == slug else ("before", slug))
    return True


def _covered(call: _Call, p: _Packing) -> set[str]:
    competencies, priority = call.index.competencies, call.priority
    return {c for slug in p.month_of for c in competencies[slug] if c in priority}


def _retry(call: _Call, p: _Packing, *, waiting_only: bool) -> None:
    """Try the actions that did not fit again. While months only fill up, only those
    waiting for a prerequisite that has been placed since can succeed."""
    for slug, waiting in list(p.failed.items()):
        if waiting_only and not waiting:
            continue
        if _place(call, p, slug):
            del p.failed[slug]
        else:
            p.failed[slug] = not _earliest(call, p, slug)


def _finish(call: _Call, p: _Packing) -> None:
    covered = _covered(call, p)
    if len(covered) < len(call.gaps):
        for g in call.gaps:
            if g in covered:
                continue
            # The chosen action did not fit; a smaller one may still cover the gap.
            candidates = sorted(
                (_cost(call, s, p.month_of), s)
                for s in call.builders[g]
                if s not in p.origin and call.longest(s) <= p.limit
            )
            for _hours, slug in candidates:
                if _place_group(call, p, slug, ("gap", g)):
                    covered.update(call.index.competencies[slug])
                    break
        _retry(call, p, waiting_only=True)
    _place_moves(call, p)
    if p.failed:
        _retry(call, p, waiting_only=True)


def _place_moves(call: _Call, p: _Packing) -> None:
    """Up to three make-the-move steps where they fit: the ones that build the biggest
    gaps first, then the least work. They are extras, so what does not fit is left out."""
    index = call.index
    have = sum(1 for slug in p.month_of if index.actions[slug].phase == MOVE_PHASE)
    tried: set[str] = set()
    while have < MOVES_WANTED:
        ranked = sorted(
            (-sum(call.priority.get(c, 0.0) for c in index.competencies[slug]), _cost(call, slug, p.month_of), slug)
            for slug in index.moves
            if slug not in p.month_of
            and slug not in p.failed
            and slug not in call.done
            and slug not in tried
            and call.longest(slug) <= p.limit
        )
        for _helps, _hours, slug in ranked:
            tried.add(slug)
            if _place_group(call, p, slug, ("move", "")):
                have += 1
                break
        else:
            return


def _greedy(call: _Call, hours_per_week: int) -> _Packing:
    p = _Packing(hours_per_week, _limit(hours_per_week), dict(call.origin), {}, [], [0] * (call.months + 1), {})
    hours = call.index.hours
    # Pins first, so the user's month is theirs whatever else competes for it.
    for slug, month in sorted(call.pinned.items(), key=lambda pin: (pin[1], pin[0])):
        p.month_of[slug] = month
        p.load[month] += hours[slug]
        p.order.append(slug)
    if call.ready:
        # A ready engineer's time goes to the move before any remaining gap work.
        _place_moves(call, p)
    for slug in call.wanted:
        if slug not in p.month_of and not _place(call, p, slug):
            p.failed[slug] = not _earliest(call, p, slug)
    _finish(call, p)
    return p


def _carry(call: _Call, previous: _Packing, hours_per_week: int) -> _Packing:
    """The plan made for fewer hours, kept as it is, with what did not fit tried again."""
    p = previous.carried_to(hours_per_week)
    _retry(call, p, waiting_only=False)
    _finish(call, p)
    return p


def _score(call: _Call, p: _Packing) -> tuple[int, int]:
    hours = call.index.hours
    return sum(hours[slug] for slug in p.failed), len(call.gaps) - len(_covered(call, p))


def _bound_inputs(call: _Call) -> None:
    """What the lower bounds below need, worked out once per call."""
    index = call.index
    load = [0] * (call.months + 2)
    for slug, month in call.pinned.items():
        load[month] += index.hours[slug]
    # The first month each wanted action could ever go in, whatever else is placed.
    start: dict[str, int] = dict(call.pinned)
    for slug in call.wanted:
        if slug not in start:
            first = 1 if slug in call.deadline else call.windows[index.actions[slug].phase][0]
            for q in index.requires[slug]:
                if q not in call.done:
                    first = max(first, start[q])
            start[slug] = first
    call.start = start
    call.pinned_load = tuple(load)


def _placeable(call: _Call, limit: int, slugs: Iterable[str]) -> dict[str, bool]:
    """Whether each action could be placed at all at ``limit`` hours a month: pinned, or
    short enough with every open prerequisite placeable too."""
    hours, requires = call.index.hours, call.index.requires
    known: dict[str, bool] = {}

    def placeable(slug: str) -> bool:
        found = known.get(slug)
        if found is None:
            found = slug in call.pinned or (
                hours[slug] <= limit and all(q in call.done or placeable(q) for q in requires[slug])
            )
            known[slug] = found
        return found

    for slug in slugs:
        placeable(slug)
    return known


def _least_unscheduled(call: _Call, hours_per_week: int) -> int:
    """No plan at these hours or fewer leaves fewer hours unscheduled than this.

    Wanted work that can never be placed stays unscheduled; the rest that cannot
    start before month a has at most the room of months a to the end beside the pins.
    """
    limit = _limit(hours_per_week)
    placeable = _placeable(call, limit, call.wanted)
    hours = call.index.hours
    never = 0
    hours_from = [0] * (call.months + 2)
    for slug in call.wanted:
        if slug in call.pinned:
            continue
        if placeable[slug]:
            hours_from[call.start[slug]] += hours[slug]
        else:
            never += hours[slug]
    least = 0
    room = 0
    waiting = 0
    for month in range(call.months, 0, -1):
        room += max(0, limit - call.pinned_load[month])
        waiting += hours_from[month]
        least = max(least, waiting - room)
    return never + least


def _shares(call: _Call) -> tuple[int, dict[str, list[tuple[int, str]]]]:
    """Per gap, its actions by the hours each spends per gap it builds, cheapest first.

    The hours are scaled by a common multiple of the divisors so that the shares are
    exact whole numbers: a rounding error could claim a reachable gap is out of reach.
    """
    if call.shares is None:
        competencies, priority = call.index.competencies, call.priority
        builds = {s: sum(1 for c in competencies[s] if c in priority) for g in call.gaps for s in call.builders[g]}
        scale = math.lcm(*builds.values()) if builds else 1
        hours = call.index.hours
        call.shares = (
            scale,
            {
                g: sorted((0 if s in call.pinned else hours[s] * scale // builds[s], s) for s in call.builders[g])
                for g in call.gaps
            },
        )
    return call.shares


def _least_uncovered(call: _Call, hours_per_week: int) -> int:
    """No plan at these hours or fewer leaves fewer gaps uncovered than this.

    A gap is covered by a pin, or by placed hours: at least, for its cheapest
    placeable action, that action's hours shared among the gaps it builds. The
    months' room beside the pins pays for the cheapest gaps first; the rest stay open.
    """
    limit = _limit(hours_per_week)
    scale, shares = _shares(call)
    placeable = _placeable(call, limit, (s for g in call.gaps for s in call.builders[g]))
    cheapest = sorted(
        share
        for share in (next((share for share, s in shares[g] if placeable[s]), None) for g in call.gaps)
        if share is not None
    )
    room = scale * sum(max(0, limit - call.pinned_load[month]) for month in range(1, call.months + 1))
    coverable = 0
    for share in cheapest:
        room -= share
        if room < 0:
            break
        coverable += 1
    return len(call.gaps) - coverable


def _beats_anything_below(call: _Call, p: _Packing) -> bool:
    unscheduled, uncovered = _score(call, p)
    below = p.hours_per_week - 1
    if uncovered and uncovered > _least_uncovered(call, below):
        return False
    return not unscheduled or unscheduled <= _least_unscheduled(call, below)


def _pack(call: _Call, hours_per_week: int) -> _Packing:
    """The greedy plan, unless the plan for one hour less, carried over, does better.

    That rule, applied at every hour below down to a greedy plan that provably beats
    whatever fewer hours could do, makes unscheduled hours and uncovered gaps
    non-increasing in the hours per week.
    """
    below: list[_Packing] = []
    hours = hours_per_week
    while True:
        p = _greedy(call, hours)
        if hours == MIN_HOURS_PER_WEEK or _beats_anything_below(call, p):
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
    first = max(call.windows[action.phase][0], _earliest(call, p, slug))
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
                {
                    "action": slug,
                    "title": action.title,
                    "competencies": action.competencies,
                    "hours": action.hours,
                    "month": month,
                    "phase": action.phase,
                    "reason": _reason(call, p, slug, closes),
                    "closes": closes,
                    "pinned": slug in call.pinned,
                }
            )
        months.append({"month": month, "hours": p.load[month], "capacity": capacity, "items": items})

    unscheduled: list[dict[str, object]] = [
        {
            "action": slug,
            "title": actions[slug].title,
            "competencies": actions[slug].competencies,
            "why": _why(call, p, slug),
        }
        for slug in p.failed
    ]
    for g in call.gaps:
        if not call.builders[g]:
            why = (
                "Every action that builds it is done; re-assess to see the change."
                if call.index.builders.get(g)
                else "No action in the library builds it yet."
            )
            unscheduled.append({"action": None, "title": call.index.names.get(g, g), "competencies": (g,), "why": why})
    covered = _covered(call, p)
    # One validation of the whole tree: far cheaper than building each model on its own.
    return Plan.model_validate(
        {
            "hours_per_week": p.hours_per_week,
            "months_total": call.months,
            "capacity": capacity,
            "months": months,
            "unscheduled": unscheduled,
            "covered": tuple(g for g in call.gaps if g in covered),
            "not_covered": tuple(g for g in call.gaps if g not in covered),
        }
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
