"""The roadmap planner: a profile and a role in, a month-by-month plan out.

Pure, like the scoring engine: a function over the frozen framework and plain
values (no ORM, no request, no settings), deterministic, and tested by its laws.

How a plan is made:

1. *Choose* the work, once, whatever the hours. Each action shows a level in
   each competency it builds; doing it lifts that competency to the level shown
   (never lower). Actions are chosen until the chosen work shows every required
   level: first the role's anchor actions (what the role's own article names as
   the way in) whose competency has a gap that matters, then, one at a time, the
   action that buys the most readiness per hour, its open prerequisites counted
   in its hours. Work that is mostly prompts or code is left out for a role whose
   requirements do not ask for it. The order of choosing is the order of value.
2. *Place* the chosen work in that order, each action at the earliest month its
   phase and its prerequisites allow (a dependant starts once its prerequisite
   has ended), using what room the months have left. An action bigger than the
   room left in a month, or longer than a month in calendar weeks, spans
   consecutive months with its hours split; no month goes over capacity. What
   cannot fit anywhere before the horizon ends is listed with why. More hours
   place the same work sooner and leave room for the next-most-valuable work.
3. *Project* the readiness month by month, with the scoring engine's own
   readiness function, as if every action were done as scheduled.
4. *Move* only when ready: the steps that make the move (applications, a
   transfer conversation) start once the projected readiness reaches the bar
   (85 %). When the horizon does not reach it, the plan says which hours a week
   or which horizon would.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from assessments import scoring
from assessments.content import LEVEL_NAMES, PHASES, Framework, Frozen

MIN_HOURS_PER_WEEK, MAX_HOURS_PER_WEEK = 1, 40
MIN_MONTHS, MAX_MONTHS = 3, 12
READY_AT = 85.0
MOVE_PHASE = "make-the-move"
WEEKS_PER_YEAR, MONTHS_PER_YEAR = 52, 12
# A gap "matters" for an anchor when its priority (weight x gap) is at least this.
ANCHOR_PRIORITY = 2.0

# A gap smaller than this is rounding noise from the scoring engine, not work to plan.
_EPSILON = 1e-9


class PlannedItem(Frozen):
    """One action as it stands in one month of the plan.

    An action that spans months is listed in each of them, with that month's
    ``hours``; ``month`` is always its first month (``start``).
    """

    action: str
    title: str
    competencies: tuple[str, ...]
    hours: int  # in this month
    month: int  # the month it starts in
    phase: str
    reason: str
    closes: tuple[str, ...]
    pinned: bool = False
    start: int
    end: int
    total_hours: int
    monthly_hours: tuple[int, ...]  # from start to end
    shows: dict[str, int]  # the level doing it shows, per competency
    anchor: bool = False


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


class ProjectionPoint(Frozen):
    month: int
    readiness: float


class Reach(Frozen):
    """Whether the plan reaches the bar, and if not, what would."""

    target: float
    reached: bool
    month: int | None  # the first month whose projected readiness reaches the target (0: already there)
    readiness: float  # projected at the end of the horizon
    # Estimates when not reached: about how many hours a week would reach it within this horizon,
    # and how long a horizon at these hours (None: not within the app's range, or not with the
    # library's actions); work_hours is the chosen work that reaches it, in hours.
    hours_per_week: int | None
    months: int | None
    work_hours: int | None = None


class Plan(Frozen):
    role: str
    readiness: float
    hours_per_week: int
    months_total: int
    capacity: float
    months: tuple[Month, ...]
    unscheduled: tuple[Unscheduled, ...]
    covered: tuple[str, ...]
    not_covered: tuple[str, ...]
    projection: tuple[ProjectionPoint, ...]
    reach: Reach

    def items(self) -> tuple[PlannedItem, ...]:
        """Every planned action once, as listed in its first month."""
        return tuple(item for m in self.months for item in m.items if item.start == m.month)


class PlanningError(ValueError):
    """Input the planner cannot plan with; the message says which value and why."""


def monthly_capacity(hours_per_week: int) -> float:
    return hours_per_week * WEEKS_PER_YEAR / MONTHS_PER_YEAR


def _limit(hours_per_week: int) -> int:
    """The whole hours a month holds: loads and lengths are whole, so this is exact."""
    return hours_per_week * WEEKS_PER_YEAR // MONTHS_PER_YEAR


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --- What is known about the framework and a role, whoever plans -----------------------------


@dataclass(frozen=True, slots=True)
class _Index:
    hours: Mapping[str, int]
    spans: Mapping[str, int]  # the fewest months an action runs in
    requires: Mapping[str, tuple[str, ...]]
    ancestors: Mapping[str, tuple[str, ...]]  # all prerequisites, recursively, each after its own
    builds: Mapping[str, tuple[tuple[str, int], ...]]
    shows: Mapping[str, Mapping[str, int]]  # builds, looked up by competency
    touches: Mapping[str, frozenset[str]]  # the competencies the action or any of its prerequisites builds
    first: Mapping[str, int]  # the first month of the action's phase
    moves: tuple[str, ...]  # steps planned only once ready
    names: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class _RoleIndex:
    name: str
    required: Mapping[str, int]
    weight: Mapping[str, float]
    allowed: frozenset[str]  # actions this role may plan (hands-on work only when it asks for it)
    anchors: tuple[str, ...]
    # Per action, what it lifts towards the role: (competency, the level shown up to the one asked for,
    # weight), for the competencies the role asks for, in the order of the action's builds.
    lifts: Mapping[str, tuple[tuple[str, int, float], ...]]


def _index(framework: Framework) -> tuple[_Index, dict[str, _RoleIndex]]:
    # Built once per framework load, kept on the framework itself.
    cached = framework.derived.get("planning.index")
    if cached is not None:
        return cached  # type: ignore[return-value]
    actions = sorted(framework.actions, key=lambda a: a.slug)
    index = _Index(
        hours={a.slug: a.hours for a in actions},
        spans={a.slug: min(a.min_months, a.hours) for a in actions},
        requires={a.slug: a.requires for a in actions},
        ancestors={a.slug: _topological(framework, a.slug) for a in actions},
        builds={a.slug: tuple(a.builds.items()) for a in actions},
        shows={a.slug: dict(a.builds) for a in actions},
        touches={a.slug: _touches(framework, a.slug) for a in actions},
        first={a.slug: PHASES[a.phase][1] for a in actions},
        moves=tuple(a.slug for a in actions if a.once_ready),
        names={c.slug: c.name for c in framework.competencies},
    )
    roles: dict[str, _RoleIndex] = {}
    for role in framework.roles:
        req = role.requirements
        allowed: set[str] = set()
        for a in actions:  # sorted by slug; prerequisites may come later, so settle them after
            asks = any(req[c].level >= 3 and req[c].weight >= 2 for c in a.builds if c in req)
            if not a.hands_on or asks or role.slug in a.anchor_for:
                allowed.add(a.slug)
        # An action is only plannable when its prerequisites are.
        changed = True
        while changed:
            changed = False
            for slug in sorted(allowed):
                if any(q not in allowed for q in index.requires[slug]):
                    allowed.discard(slug)
                    changed = True
        roles[role.slug] = _RoleIndex(
            name=role.name,
            required={c: r.level for c, r in req.items()},
            weight={c: r.weight for c, r in req.items()},
            allowed=frozenset(allowed),
            anchors=tuple(a.slug for a in actions if role.slug in a.anchor_for and a.slug in allowed),
            lifts={
                a.slug: tuple((c, min(shown, req[c].level), req[c].weight) for c, shown in a.builds.items() if c in req)
                for a in actions
            },
        )
    framework.derived["planning.index"] = (index, roles)
    return index, roles


# --- Choosing: what work the plan wants, most valuable first -------------------------------------

_Origin = tuple[str, str]  # ("gap", competency) | ("anchor", competency) | ("before", dependant) | ("pinned", "")


@dataclass(slots=True)
class _Choice:
    wanted: list[str]  # chosen actions in the order they are placed, prerequisites first
    origin: dict[str, _Origin]
    anchored: int  # how many of the first wanted actions are anchors or pins, with their prerequisites


def _gain(lifts: tuple[tuple[str, int, float], ...], level: Mapping[str, float]) -> float:
    """The weighted gap an action closes from these levels (``_RoleIndex.lifts``)."""
    gain = 0.0
    for c, top, weight in lifts:
        now = level.get(c)
        if now is not None and top > now:
            gain += weight * (top - now)
    return gain


def _choose(index: _Index, r: _RoleIndex, level: dict[str, float], done: frozenset[str], pins: list[str]) -> _Choice:
    """Decide the wanted actions once, whatever the hours: the plan at more hours wants the same.

    ``level`` holds the gap competencies only (their current level); it is raised as work is chosen.
    """
    wanted: list[str] = []
    origin: dict[str, _Origin] = {}
    taken: set[str] = set(done)

    def open_prerequisites(slug: str) -> list[str]:
        # A done prerequisite stands in for its own prerequisites too.
        ancestors = index.ancestors[slug]
        if not ancestors:
            return []
        if not done:
            return [q for q in ancestors if q not in taken]
        out: list[str] = []
        seen: set[str] = set()

        def visit(node: str) -> None:
            for q in index.requires[node]:
                if q not in taken and q not in seen:
                    seen.add(q)
                    visit(q)
                    out.append(q)

        visit(slug)
        return out

    def take(slug: str, why: _Origin) -> None:
        for q in open_prerequisites(slug):
            taken.add(q)
            wanted.append(q)
            origin[q] = ("before", slug)
            _raise(index, level, q)
        taken.add(slug)
        wanted.append(slug)
        origin[slug] = why
        _raise(index, level, slug)

    for slug in pins:
        if slug not in taken:
            take(slug, ("pinned", ""))

    def main_gap(slug: str) -> str:
        return max(
            (r.weight[c] * (min(shown, r.required[c]) - level[c]), c) for c, shown in index.builds[slug] if c in level
        )[1]

    # Anchors first: what the role's own article tells the engineer to do, when it answers a gap that
    # matters today (even if another anchor shows more: each is advice of its own).
    start = dict(level)
    for slug in r.anchors:
        if slug in taken or slug in index.moves:
            continue
        matters = [
            c
            for c, shown in index.builds[slug]
            if c in start
            and shown > start[c]
            and r.weight[c] * (r.required[c] - start[c]) >= ANCHOR_PRIORITY - _EPSILON
        ]
        if matters:
            take(slug, ("anchor", max(matters, key=lambda c: (r.weight[c] * (r.required[c] - start[c]), c))))

    # Long chains of calendar time first (twelve weeks on a tool, then leading its adoption), so
    # that they can still end within the horizon; a stable sort keeps prerequisites first.
    tail: dict[str, int] = {}
    for slug in reversed(wanted):
        after = [tail[d] for d in wanted if slug in index.requires[d] and d in tail]
        tail[slug] = index.spans[slug] - 1 + max(after, default=1)
    wanted.sort(key=lambda s: -tail[s])
    anchored = len(wanted)

    candidates = [
        s
        for s in sorted(r.allowed)
        if s not in taken and s not in index.moves and any(c in level for c, _ in index.builds[s])
    ]

    def worth(slug: str) -> tuple[float, float]:
        """The gain and the cost, in hours, of taking the action now."""
        bundle = open_prerequisites(slug)
        if not bundle:
            return _gain(r.lifts[slug], level), index.hours[slug]
        # The prerequisites' own gains count too: they are done on the way.
        trial = dict(level)
        gain = cost = 0.0
        for q in (*bundle, slug):
            gain += _gain(r.lifts[q], trial)
            _raise(index, trial, q)
            cost += index.hours[q]
        return gain, cost

    # A candidate's worth rests only on the levels of what it and its prerequisites build, and on
    # which of those prerequisites are taken (each builds something too): kept until work taken
    # builds one of those competencies.
    known: dict[str, tuple[float, float]] = {}
    while candidates:
        best: tuple[float, float, str] | None = None
        alive: list[str] = []
        for slug in candidates:
            if slug in taken:
                continue
            found = known.get(slug)
            if found is None:
                found = known[slug] = worth(slug)
            gain, cost = found
            if gain <= _EPSILON:
                continue
            alive.append(slug)
            key = (gain / cost, gain, slug)
            if best is None or key[:2] > best[:2] or (key[:2] == best[:2] and slug < best[2]):
                best = key
        if best is None:
            break
        before = len(wanted)
        take(best[2], ("gap", main_gap(best[2])))
        raised = {c for q in wanted[before:] for c, _ in index.builds[q]}
        known = {s: found for s, found in known.items() if raised.isdisjoint(index.touches[s])}
        candidates = alive
    # Cheap work chosen early can be outdone by deeper work chosen later; what then shows
    # nothing the rest does not (and nothing needs) is left out rather than planned for nothing.
    needed = {q for slug in wanted for q in index.requires[slug]} | set(pins)
    left_out: set[str] = set()
    for n, slug in enumerate(wanted):
        if n < anchored or slug in needed:
            continue
        others = [s for s in wanted if s != slug and s not in left_out]
        top = {c: max((index.shows[s].get(c, 0) for s in others), default=0) for c, _ in index.builds[slug]}
        if not any(c in start and shown > top[c] and top[c] < r.required[c] for c, shown in index.builds[slug]):
            left_out.add(slug)
            origin.pop(slug, None)
    return _Choice([s for s in wanted if s not in left_out], origin, anchored)


def _raise(index: _Index, level: dict[str, float], slug: str) -> None:
    for c, shown in index.builds[slug]:
        if c in level and shown > level[c]:
            level[c] = shown


# --- Placing ---------------------------------------------------------------------------------------


def _allocate(free: list[int], start: int, hours: int, span: int, last: int) -> tuple[list[int] | None, int]:
    """Hours per month for an action starting at ``start``: consecutive months, at least one hour
    in each, at least ``span`` of them, within the room left, spread as evenly as the room allows.

    Returns (the hours per month, or None) and, when it does not fit, the month to try next
    (past a full month; past ``last`` when no later start can do better).
    """
    total = 0
    month = start
    while True:
        if month > last:
            return None, last + 1
        if free[month] < 1:
            return None, month + 1
        total += free[month]
        if month - start + 1 >= span and total >= hours:
            break
        month += 1
    run = free[start : month + 1]
    count = len(run)
    level = -(-hours // count)
    while sum(min(room, level) for room in run) < hours:
        level += 1
    shares = [min(room, level) for room in run]
    excess = sum(shares) - hours
    n = count - 1
    while excess > 0:
        cut = min(excess, shares[n] - 1)
        shares[n] -= cut
        excess -= cut
        n -= 1
    return shares, 0


@dataclass(slots=True)
class _Placed:
    start: int
    shares: list[int]

    @property
    def end(self) -> int:
        return self.start + len(self.shares) - 1


@dataclass(slots=True)
class _Packing:
    hours_per_week: int
    months: int
    limit: int
    free: list[int]  # room left per month, index 0 unused; negative once pins overfill a month
    placed: dict[str, _Placed]
    order: list[str]
    failed: dict[str, str]  # action -> why it is not in the plan


def _put(p: _Packing, slug: str, start: int, shares: list[int]) -> None:
    for n, hours in enumerate(shares):
        p.free[start + n] -= hours
    p.placed[slug] = _Placed(start, shares)
    p.order.append(slug)


def _force(p: _Packing, slug: str, start: int, hours: int, span: int) -> None:
    """Pinned work keeps its month even over capacity: spread over its span from there."""
    count = max(1, min(span, p.months - start + 1))
    base, extra = divmod(hours, count)
    _put(p, slug, start, [base + (1 if n < extra else 0) for n in range(count)])


def _earliest(index: _Index, p: _Packing, slug: str, done: frozenset[str]) -> int:
    """The first month it may start in: its phase, and once every prerequisite has ended (0: one is missing)."""
    earliest = min(index.first[slug], p.months)
    for q in index.requires[slug]:
        if q in done:
            continue
        found = p.placed.get(q)
        if found is None:
            return 0
        earliest = max(earliest, found.end)
    return earliest


def _place(index: _Index, p: _Packing, slug: str, earliest: int, deadline: int | None = None) -> bool:
    hours, span = index.hours[slug], index.spans[slug]
    last = p.months
    start = earliest
    while start <= last:
        shares, after = _allocate(p.free, start, hours, span, last)
        if shares is not None:
            if deadline is not None and start + len(shares) - 1 > deadline:
                return False
            _put(p, slug, start, shares)
            return True
        start = after
    return False


def _why(index: _Index, p: _Packing, slug: str, titles: Mapping[str, str], done: frozenset[str]) -> str:
    for q in index.requires[slug]:
        if q not in done and q not in p.placed:
            return f"Needs “{titles[q]}” first, which did not fit."
    hours, span = index.hours[slug], index.spans[slug]
    earliest = _earliest(index, p, slug, done)
    room = sum(max(0, free) for free in p.free[earliest:])
    months_left = p.months - earliest + 1
    if span > months_left:
        return f"Runs over {span} months; from month {earliest} the plan has {months_left}."
    if room < hours:
        return f"Takes {hours} h; months {earliest} to {p.months} have {room} h free at {p.hours_per_week} h a week."
    return f"Takes {hours} h over {span}+ months in a row; no run of months from {earliest} has that much room left."


@dataclass(slots=True)
class _Call:
    framework: Framework
    index: _Index
    role: str
    r: _RoleIndex
    levels: dict[str, float]
    readiness: float
    gaps: tuple[scoring.Gap, ...]
    done: frozenset[str]
    pins: dict[str, int]
    choice: _Choice
    titles: Mapping[str, str]
    gap_level: dict[str, float]  # the gap competencies' current levels
    readiness_raised: Callable[[Mapping[str, int]], float]  # readiness with the levels the plan raises


def _pack(call: _Call, hours_per_week: int, months: int, moves_from: int | None = None) -> _Packing:
    index = call.index
    limit = _limit(hours_per_week)
    p = _Packing(hours_per_week, months, limit, [0] + [limit] * months, {}, [], {})
    # Pins first, so the user's month is theirs whatever else competes for it.
    for slug, month in sorted(call.pins.items(), key=lambda pin: (pin[1], pin[0])):
        if slug in call.done:
            continue
        shares, _after = _allocate(p.free, month, index.hours[slug], index.spans[slug], months)
        if shares is None:
            _force(p, slug, month, index.hours[slug], index.spans[slug])
        else:
            _put(p, slug, month, shares)
    deadline: dict[str, int] = {}
    for slug, month in call.pins.items():
        stack = list(index.requires[slug])
        while stack:
            q = stack.pop()
            if q not in call.done and q not in call.pins:
                deadline[q] = min(deadline.get(q, month), month)
                stack.extend(index.requires[q])
    wanted = call.choice.wanted
    _place_wanted(call, p, wanted[: call.choice.anchored], deadline)
    if moves_from is not None:
        # After the anchors, before more depth: the move outranks the next-most-valuable work.
        for move in index.moves:
            if move not in call.r.allowed or move in call.done or move in p.placed:
                continue
            for slug in (*_all_prerequisites(index, move), move):
                if slug in call.done or slug in p.placed:
                    continue
                earliest = _earliest(index, p, slug, call.done)
                if not earliest or not _place(index, p, slug, max(earliest, moves_from)):
                    break
                call.choice.origin.setdefault(slug, ("before", move) if slug != move else ("move", ""))
    _place_wanted(call, p, wanted[call.choice.anchored :], deadline)
    return p


def _place_wanted(call: _Call, p: _Packing, wanted: list[str], deadline: Mapping[str, int]) -> None:
    index = call.index
    for slug in wanted:
        if slug in p.placed:
            continue
        earliest = _earliest(index, p, slug, call.done)
        if slug in deadline:
            earliest = earliest or 1
            if not _place(index, p, slug, min(earliest, deadline[slug]), deadline[slug]):
                # Before a pinned dependant, even over capacity: the engineer chose that month.
                _force(p, slug, max(1, deadline[slug] - index.spans[slug] + 1), index.hours[slug], index.spans[slug])
            continue
        if not earliest or not _place(index, p, slug, earliest):
            p.failed[slug] = _why(index, p, slug, call.titles, call.done)


def _projection(call: _Call, p: _Packing) -> list[float]:
    """Readiness at the end of each month (index 0: today), if the plan is done as scheduled."""
    index = call.index
    ending: dict[int, list[str]] = {}
    for slug, placed in p.placed.items():
        ending.setdefault(placed.end, []).append(slug)
    levels = dict(call.levels)
    raised: dict[str, int] = {}
    out = [call.readiness]
    readiness = call.readiness
    for month in range(1, p.months + 1):
        changed = False
        for slug in ending.get(month, ()):
            for c, shown in index.builds[slug]:
                if shown > levels.get(c, 0):
                    levels[c] = raised[c] = shown
                    changed = True
        if changed:
            readiness = call.readiness_raised(raised)
        out.append(readiness)
    return out


def _missing(call: _Call, p: _Packing) -> float:
    """The weighted gap left once the plan is done: lower is better, as readiness is higher."""
    reached = dict(call.gap_level)
    for slug in p.placed:
        for c, shown in call.index.builds[slug]:
            if c in reached and shown > reached[c]:
                reached[c] = shown
    r = call.r
    return sum(r.weight[c] * max(0.0, r.required[c] - level) for c, level in reached.items())


def _unscheduled_hours(call: _Call, p: _Packing) -> int:
    return sum(call.index.hours[slug] for slug in p.failed)


def _greedy(call: _Call, hours_per_week: int, months: int) -> _Packing:
    """The plan at these hours, made afresh: the chosen work, then the move once ready."""
    p = _pack(call, hours_per_week, months)
    first = _first_ready(call, p)
    if first is not None:
        # Once ready, the move outranks more depth: place it first from that month, and keep
        # that plan only if the readiness it rests on still holds.
        moved = _pack(call, hours_per_week, months, moves_from=first)
        again = _first_ready(call, moved)
        if again is not None and again <= first:
            p = moved
    _place_moves(call, p)
    return p


def _carry(call: _Call, previous: _Packing, hours_per_week: int) -> _Packing:
    """The plan made for fewer hours, kept as it is, with what did not fit tried again in the bigger months."""
    limit = _limit(hours_per_week)
    p = _Packing(hours_per_week, previous.months, limit, [0] + [limit] * previous.months, {}, [], {})
    for slug in previous.order:
        placed = previous.placed[slug]
        _put(p, slug, placed.start, list(placed.shares))
    index = call.index
    for slug in call.choice.wanted:
        if slug in previous.failed:
            earliest = _earliest(index, p, slug, call.done)
            if not earliest or not _place(index, p, slug, earliest):
                p.failed[slug] = _why(index, p, slug, call.titles, call.done)
    _place_moves(call, p)
    return p


def _dominates(call: _Call, a: _Packing, b: _Packing) -> bool:
    return _missing(call, a) <= _missing(call, b) + _EPSILON and _unscheduled_hours(call, a) <= _unscheduled_hours(
        call, b
    )


def _best(call: _Call, hours_per_week: int, months: int) -> _Packing:
    """The greedy plan, unless the plan for one hour less, carried over, does better.

    Greedy packing can do worse with more room (an earlier end lets a dependant take room that
    other work had), yet more hours must never buy less. So the plan at ``h`` hours is the greedy
    one only if it leaves no more of the gap and no more unscheduled work than the plan at
    ``h - 1``; otherwise it is that plan carried over. By induction neither number
    grows with the hours. The chain down stops at a plan with nothing left unscheduled, which
    nothing at fewer hours can beat.
    """
    below: list[_Packing] = []
    hours = hours_per_week
    while True:
        p = _greedy(call, hours, months)
        if hours == MIN_HOURS_PER_WEEK or not p.failed:
            break
        below.append(p)
        hours -= 1
    for greedy in reversed(below):
        # Against the plan one hour below as it is: carried over, that plan can only get better,
        # so the greedy plan need only match it, not its carried-over form.
        p = greedy if _dominates(call, greedy, p) else _carry(call, p, greedy.hours_per_week)
    return p


def _readiness_at(call: _Call, p: _Packing, month: int) -> float:
    """The projected readiness at the end of ``month`` (0: today)."""
    if month == 0:
        return call.readiness
    raised: dict[str, int] = {}
    levels = call.levels
    for slug, placed in p.placed.items():
        if placed.end <= month:
            for c, shown in call.index.builds[slug]:
                if shown > levels.get(c, 0) and shown > raised.get(c, 0):
                    raised[c] = shown
    return call.readiness_raised(raised)


def _first_ready(call: _Call, p: _Packing) -> int | None:
    """As _ready_from, with as few readiness calls as the projection's order allows."""
    if _readiness_at(call, p, p.months - 1) < READY_AT:
        return None
    low, high = 0, p.months - 1  # readiness at ``high`` is known to reach the bar
    while low < high:
        mid = (low + high) // 2
        if _readiness_at(call, p, mid) >= READY_AT:
            high = mid
        else:
            low = mid + 1
    return low + 1


def _ready_from(projection: list[float]) -> int | None:
    """The first month a move may start in: once the readiness at the end of the month before reaches the bar."""
    for month, readiness in enumerate(projection[:-1], start=1):
        if readiness >= READY_AT:
            return month
    return None


def _place_moves(call: _Call, p: _Packing) -> None:
    index = call.index
    moves = [s for s in index.moves if s in call.r.allowed and s not in call.done and s not in p.placed]
    if not moves:
        return
    first = _first_ready(call, p)
    if first is None:
        end = _readiness_at(call, p, p.months)
        for slug in moves:
            p.failed[slug] = (
                f"Comes once your projected readiness reaches {READY_AT:g} %; this plan reaches {end:g} %"
                f" by month {p.months}."
                if end < READY_AT
                else f"Comes once your projected readiness reaches {READY_AT:g} %, which this plan does only"
                f" at the end of its last month."
            )
        return
    for slug in moves:
        bundle = [q for q in _all_prerequisites(index, slug) if q not in call.done and q not in p.placed]
        ok = True
        for q in bundle:
            earliest = _earliest(index, p, q, call.done)
            if not earliest or not _place(index, p, q, earliest):
                ok = False
                break
            call.choice.origin.setdefault(q, ("before", slug))
        if ok:
            earliest = _earliest(index, p, slug, call.done)
            if earliest and _place(index, p, slug, max(earliest, first)):
                call.choice.origin[slug] = ("move", "")
                continue
        p.failed[slug] = _why(index, p, slug, call.titles, call.done)


def _all_prerequisites(index: _Index, slug: str) -> tuple[str, ...]:
    return index.ancestors[slug]


def _topological(framework: Framework, slug: str) -> tuple[str, ...]:
    requires = {a.slug: a.requires for a in framework.actions}
    out: list[str] = []

    def visit(node: str) -> None:
        for q in requires[node]:
            if q not in out:
                visit(q)
                out.append(q)

    visit(slug)
    return tuple(out)


def _touches(framework: Framework, slug: str) -> frozenset[str]:
    actions = framework.action_by_slug
    return frozenset(c for q in (*_topological(framework, slug), slug) for c in actions[q].builds)


def _reach(call: _Call, p: _Packing, projection: list[float]) -> Reach:
    reached = next((m for m, value in enumerate(projection) if value >= READY_AT), None)
    if reached is not None:
        return Reach(
            target=READY_AT,
            reached=True,
            month=reached,
            readiness=projection[-1],
            hours_per_week=p.hours_per_week,
            months=p.months,
        )
    # What would, estimated from the work itself: the hours of chosen work, in the order of value,
    # that reach the bar, spread over the months at the share of the hours a plan really uses.
    work = _work_to_bar(call)
    hours_needed = months_needed = None
    if work is not None:
        per_month = work / (p.months * _USE)
        hours_needed = max(p.hours_per_week + 1, math.ceil(per_month * MONTHS_PER_YEAR / WEEKS_PER_YEAR))
        if hours_needed > MAX_HOURS_PER_WEEK:
            hours_needed = None
        months_needed = max(p.months + 1, math.ceil(work / (_limit(p.hours_per_week) * _USE)))
        if months_needed > MAX_MONTHS:
            months_needed = None
    return Reach(
        target=READY_AT,
        reached=False,
        month=None,
        readiness=projection[-1],
        hours_per_week=hours_needed,
        months=months_needed,
        work_hours=work,
    )


# The share of the hours offered that plans use while work remains (the sweep test measures it).
_USE = 0.9


def _work_to_bar(call: _Call) -> int | None:
    """The hours of chosen work, taken in order, after which the readiness reaches the bar."""
    wanted = [s for s in call.choice.wanted if s not in call.done]
    moves = [s for s in call.index.moves if s in call.r.allowed and s not in call.done]

    def readiness(count: int) -> float:
        raised: dict[str, int] = {}
        for slug in (*wanted[:count], *(moves if count == len(wanted) else ())):
            for c, shown in call.index.builds[slug]:
                if shown > call.levels.get(c, 0) and shown > raised.get(c, 0):
                    raised[c] = shown
        return call.readiness_raised(raised)

    if readiness(len(wanted)) < READY_AT:
        return None
    low, high = 0, len(wanted)
    while low < high:
        mid = (low + high) // 2
        if readiness(mid) >= READY_AT:
            high = mid
        else:
            low = mid + 1
    return sum(call.index.hours[s] for s in wanted[:low]) or None


# --- Rendering -------------------------------------------------------------------------------------


def _mid_sentence(name: str) -> str:
    # "Systems thinking" reads "systems thinking" mid-sentence; "AI operations" keeps its capitals.
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def _reason(call: _Call, p: _Packing, slug: str, first_ready: int | None) -> str:
    kind, detail = call.choice.origin.get(slug, ("pinned", ""))
    index, r = call.index, call.r
    if kind == "pinned":
        return f"You pinned it to month {p.placed[slug].start}."
    if kind == "before":
        return f"Needed before “{call.titles[detail]}”."
    if kind == "move":
        return (
            f"A step towards making the move: your projected readiness reaches {READY_AT:g} % by month {first_ready}."
        )
    shown = index.shows[slug][detail]
    name = _mid_sentence(call.index.names.get(detail, detail))
    level = f"{LEVEL_NAMES[shown].lower()} ({shown})"
    if shown >= r.required[detail]:
        text = f"Closes your gap in {name}: it shows {level}, the level the role asks for."
    else:
        text = f"Builds {name} to {level} of the {r.required[detail]} the role asks for."
    if kind == "anchor":
        text += f" The {r.name} article names it as the way in."
    return text


def _render(call: _Call, p: _Packing, projection: list[float]) -> Plan:
    actions = call.framework.action_by_slug
    index = call.index
    capacity = monthly_capacity(p.hours_per_week)
    gap_slugs = {g.competency for g in call.gaps}
    first_ready = _ready_from(projection)
    position = {slug: n for n, slug in enumerate(p.order)}
    by_month: list[list[str]] = [[] for _ in range(p.months + 1)]
    for slug, placed in p.placed.items():
        for month in range(placed.start, placed.end + 1):
            by_month[month].append(slug)
    months = []
    rendered: dict[str, dict[str, object]] = {}
    for slug, placed in p.placed.items():
        action = actions[slug]
        rendered[slug] = {
            "action": slug,
            "title": action.title,
            "competencies": action.competencies,
            "month": placed.start,
            "phase": action.phase,
            "reason": _reason(call, p, slug, first_ready),
            "closes": tuple(c for c in action.competencies if c in gap_slugs),
            "pinned": slug in call.pins,
            "start": placed.start,
            "end": placed.end,
            "total_hours": sum(placed.shares),
            "monthly_hours": tuple(placed.shares),
            "shows": action.builds,
            "anchor": call.choice.origin.get(slug, ("", ""))[0] == "anchor",
        }
    for month in range(1, p.months + 1):
        # Work carried on from earlier months first, then what starts now, in the order it was placed.
        slugs = sorted(by_month[month], key=lambda s: (p.placed[s].start, position[s]))
        items = [rendered[s] | {"hours": p.placed[s].shares[month - p.placed[s].start]} for s in slugs]
        load = sum(p.placed[s].shares[month - p.placed[s].start] for s in slugs)
        months.append({"month": month, "hours": load, "capacity": capacity, "items": items})

    unscheduled: list[dict[str, object]] = [
        {"action": slug, "title": actions[slug].title, "competencies": actions[slug].competencies, "why": why}
        for slug, why in p.failed.items()
    ]
    reached = dict(call.levels)
    for slug in p.placed:
        for c, shown in index.builds[slug]:
            reached[c] = max(reached.get(c, 0), shown)
    covered = tuple(g.competency for g in call.gaps if reached.get(g.competency, 0) >= g.required - _EPSILON)
    not_covered = tuple(g.competency for g in call.gaps if g.competency not in covered)
    reported = {c for u in unscheduled for c in u["competencies"]}  # type: ignore[attr-defined]
    for c in not_covered:
        if c in reported:
            continue
        required = call.r.required[c]
        builders = [s for s, shows in index.shows.items() if shows.get(c, 0) >= required]
        if not builders:
            why = f"No action in the library shows level {required} yet."
        elif all(s in call.done for s in builders):
            why = "Every action that shows the level asked for is done; re-assess to see the change."
        elif not any(s in call.r.allowed for s in builders):
            why = "Only hands-on prompt or code work shows it, which this role's own requirements do not ask for."
        else:
            why = "The work that shows it did not fit in this plan."
        unscheduled.append({"action": None, "title": index.names.get(c, c), "competencies": (c,), "why": why})
    # One validation of the whole tree: far cheaper than building each model on its own.
    return Plan.model_validate(
        {
            "role": call.role,
            "readiness": call.readiness,
            "hours_per_week": p.hours_per_week,
            "months_total": p.months,
            "capacity": capacity,
            "months": months,
            "unscheduled": unscheduled,
            "covered": covered,
            "not_covered": not_covered,
            "projection": [{"month": m, "readiness": projection[m]} for m in range(1, p.months + 1)],
            "reach": _reach(call, p, projection),
        }
    )


# --- The interface ---------------------------------------------------------------------------------


def plan(
    framework: Framework,
    *,
    role: str,
    levels: Mapping[str, float],
    hours_per_week: int,
    months: int,
    done: frozenset[str] = frozenset(),
    pinned: Mapping[str, int] | None = None,
) -> Plan:
    """A month-by-month plan from ``levels`` towards ``role`` within ``months`` at ``hours_per_week``.

    ``levels`` maps competency slug to level 0-4 (left out: 0), as a scoring result holds them.
    ``done`` actions are left out (and count as met prerequisites); ``pinned`` maps an action to
    the month the engineer put it in, which the plan keeps even over capacity. A pin on a done
    action is ignored. Raises PlanningError for an unknown role or level, hours or months out of
    range, an unknown action, or a pin outside the horizon.
    """
    if not _whole(hours_per_week) or not MIN_HOURS_PER_WEEK <= hours_per_week <= MAX_HOURS_PER_WEEK:
        raise PlanningError(
            f"hours_per_week must be a whole number from {MIN_HOURS_PER_WEEK} to {MAX_HOURS_PER_WEEK},"
            f" got {hours_per_week!r}"
        )
    if not _whole(months) or not MIN_MONTHS <= months <= MAX_MONTHS:
        raise PlanningError(f"months must be a whole number from {MIN_MONTHS} to {MAX_MONTHS}, got {months!r}")
    index, roles = _index(framework)
    if role not in roles:
        raise PlanningError(f"unknown role: {role!r}")
    try:
        readiness, gaps = scoring.role_readiness(framework, role, levels)
    except scoring.ScoringError as exc:
        raise PlanningError(str(exc)) from exc
    done = frozenset(done)
    for slug in sorted(done):
        if slug not in index.hours:
            raise PlanningError(f"unknown action in done: {slug!r}")
    pins: dict[str, int] = {}
    for slug, month in sorted((pinned or {}).items()):
        if slug not in index.hours:
            raise PlanningError(f"unknown pinned action: {slug!r}")
        if not _whole(month) or not 1 <= month <= months:
            raise PlanningError(f"action {slug!r} is pinned to month {month!r}, outside 1 to {months}")
        # Done work stays done; a pin on it has nothing left to place.
        if slug not in done:
            pins[slug] = month
    r = roles[role]
    level = {g.competency: float(g.current) for g in gaps if g.gap > _EPSILON}
    level_now = dict(level)
    order = sorted(pins, key=lambda s: (pins[s], s))
    choice = _choose(index, r, level, done, order)
    all_levels = {c.slug: float(levels.get(c.slug, 0)) for c in framework.competencies}
    call = _Call(
        framework=framework,
        index=index,
        role=role,
        r=r,
        levels=all_levels,
        readiness=readiness,
        gaps=tuple(g for g in gaps if g.gap > _EPSILON),
        done=done,
        pins=pins,
        choice=choice,
        titles={a.slug: a.title for a in framework.actions},
        gap_level=dict(level_now),
        readiness_raised=scoring.readiness_raised(framework, role, all_levels),
    )
    p = _best(call, hours_per_week, months)
    return _render(call, p, _projection(call, p))


def plan_json(p: Plan) -> dict:
    """The plan as the JSON that ``preview_plan`` prints (``months``, ``projection``, ``unscheduled``, ...)."""
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
                        "start": item.start,
                        "end": item.end,
                        "total_hours": item.total_hours,
                        "shows": dict(item.shows),
                        "phase": item.phase,
                        "reason": item.reason,
                        "closes": list(item.closes),
                        "anchor": item.anchor,
                        "pinned": item.pinned,
                    }
                    for item in m.items
                ],
            }
            for m in p.months
        ],
        "projection": [{"month": point.month, "readiness": point.readiness} for point in p.projection],
        "reach": p.reach.model_dump(),
        "unscheduled": [
            {"action": u.action, "title": u.title, "competencies": list(u.competencies), "why": u.why}
            for u in p.unscheduled
        ],
        "covered": list(p.covered),
        "not_covered": list(p.not_covered),
    }


def project(
    framework: Framework,
    *,
    role: str,
    levels: Mapping[str, float],
    finishing: Sequence[tuple[int, Mapping[str, int]]],
    months: int,
) -> tuple[ProjectionPoint, ...]:
    """Readiness at the end of each month 1..``months`` if the work is done as scheduled.

    ``finishing`` holds, for each piece of work, the month it ends in (1-based; 0 or less for work that
    ended before month 1) and the level of each competency doing it shows. The same rule as the
    planner's own projection: a competency rises to the level shown, never down. For a roadmap in
    progress, whose items may have been moved by hand since it was planned.
    """
    ending: dict[int, list[Mapping[str, int]]] = {}
    for month, shows in finishing:
        ending.setdefault(max(1, month), []).append(shows)
    current = dict(levels)
    readiness, _ = scoring.role_readiness(framework, role, current)
    points = []
    for month in range(1, months + 1):
        raised = False
        for shows in ending.get(month, ()):
            for competency, shown in shows.items():
                if shown > current.get(competency, 0):
                    current[competency] = shown
                    raised = True
        if raised:
            readiness, _ = scoring.role_readiness(framework, role, current)
        points.append(ProjectionPoint(month=month, readiness=readiness))
    return tuple(points)
