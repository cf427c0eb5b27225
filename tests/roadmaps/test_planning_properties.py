"""The planner's laws, over the shipped framework and generated gaps."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import content
from assessments.content import PHASES
from roadmaps.planning import Plan, plan

FRAMEWORK = content.get_framework()
ACTIONS = FRAMEWORK.action_by_slug
COMPETENCIES = [c.slug for c in FRAMEWORK.competencies]
# Done work comes from earlier plans, so it is a set of actions with all their prerequisites.
CLOSED_UNDER_PREREQUISITES = sorted(a.slug for a in FRAMEWORK.actions if not a.requires)

LAWS = settings(max_examples=60, deadline=None)


@st.composite
def gap_lists(draw: st.DrawFn) -> list[SimpleNamespace]:
    chosen = draw(st.lists(st.sampled_from(COMPETENCIES), unique=True, max_size=len(COMPETENCIES)))
    gaps = []
    for slug in chosen:
        size = draw(st.floats(0.5, 4, allow_nan=False))
        weight = draw(st.floats(0.5, 3, allow_nan=False))
        gaps.append(SimpleNamespace(competency=slug, gap=size, priority=size * weight))
    return gaps


@st.composite
def situations(draw: st.DrawFn) -> dict:
    return {
        "gaps": draw(gap_lists()),
        "readiness": draw(st.one_of(st.floats(85, 100), st.floats(0, 100))),
        "months": draw(st.integers(3, 12)),
        "done": frozenset(draw(st.lists(st.sampled_from(CLOSED_UNDER_PREREQUISITES), max_size=6))),
    }


hours = st.integers(1, 40)


def items(p: Plan) -> list:
    return [item for m in p.months for item in m.items]


def unscheduled_hours(p: Plan) -> int:
    return sum(ACTIONS[u.action].hours for u in p.unscheduled if u.action is not None)


@LAWS
@given(situations(), hours)
def test_no_month_is_over_capacity_without_pins(situation, hours_per_week):
    p = plan(FRAMEWORK, hours_per_week=hours_per_week, **situation)
    assert p.capacity == hours_per_week * 52 / 12
    assert [m.month for m in p.months] == list(range(1, situation["months"] + 1))
    for m in p.months:
        assert m.hours == sum(item.hours for item in m.items)
        assert m.hours <= p.capacity


@LAWS
@given(situations(), hours)
def test_prerequisites_come_first_and_phases_are_kept(situation, hours_per_week):
    p = plan(FRAMEWORK, hours_per_week=hours_per_week, **situation)
    position = {item.action: (item.month, n) for n, item in enumerate(items(p))}
    for item in items(p):
        for prerequisite in ACTIONS[item.action].requires:
            if prerequisite not in situation["done"]:
                assert position[prerequisite] < position[item.action]
        first = min(PHASES[item.phase][1], situation["months"])
        assert first <= item.month <= situation["months"]


@LAWS
@given(situations(), hours)
def test_no_action_is_planned_twice_or_both_planned_and_unscheduled_or_done(situation, hours_per_week):
    p = plan(FRAMEWORK, hours_per_week=hours_per_week, **situation)
    planned = [item.action for item in items(p)]
    unscheduled = [u.action for u in p.unscheduled if u.action is not None]
    assert len(set(planned)) == len(planned)
    assert len(set(unscheduled)) == len(unscheduled)
    assert not set(planned) & set(unscheduled)
    assert not (set(planned) | set(unscheduled)) & situation["done"]


@LAWS
@given(situations(), hours)
def test_every_gap_is_covered_or_reported(situation, hours_per_week):
    p = plan(FRAMEWORK, hours_per_week=hours_per_week, **situation)
    gap_slugs = {g.competency for g in situation["gaps"]}
    assert set(p.covered) | set(p.not_covered) == gap_slugs
    assert not set(p.covered) & set(p.not_covered)
    built = {c for item in items(p) for c in item.competencies}
    assert set(p.covered) <= built
    assert not set(p.not_covered) & built
    for slug in p.not_covered:
        assert any(slug in u.competencies for u in p.unscheduled)
    for item in items(p):
        assert set(item.closes) == set(item.competencies) & gap_slugs


@LAWS
@given(situations(), hours, st.dictionaries(st.sampled_from(sorted(ACTIONS)), st.integers(1, 3), max_size=3))
def test_the_same_input_gives_the_same_plan_and_pins_are_kept(situation, hours_per_week, pinned):
    first = plan(FRAMEWORK, hours_per_week=hours_per_week, pinned=pinned, **situation)
    again = plan(FRAMEWORK, hours_per_week=hours_per_week, pinned=dict(reversed(pinned.items())), **situation)
    assert first == again
    months = {item.action: item.month for item in items(first)}
    for slug, month in pinned.items():
        if slug not in situation["done"]:
            assert months[slug] == month


@LAWS
@given(situations(), hours, hours)
def test_more_hours_never_leave_more_unscheduled_work(situation, some, other):
    fewer, more = sorted((some, other))
    at_fewer = plan(FRAMEWORK, hours_per_week=fewer, **situation)
    at_more = plan(FRAMEWORK, hours_per_week=more, **situation)
    assert unscheduled_hours(at_more) <= unscheduled_hours(at_fewer)
    assert len(at_more.not_covered) <= len(at_fewer.not_covered)


@settings(max_examples=30, deadline=None)
@given(
    gap_lists(),
    # Where greedy packing misbehaves most: short horizons, and ready engineers whose move
    # steps start to fit and compete with the gap work.
    st.one_of(st.floats(85, 100), st.floats(0, 100)),
    st.integers(3, 5),
)
def test_unscheduled_work_shrinks_step_by_step_over_every_hour(gaps, readiness, months):
    previous = None
    for hours_per_week in range(1, 41):
        p = plan(FRAMEWORK, gaps=gaps, readiness=readiness, hours_per_week=hours_per_week, months=months)
        now = (unscheduled_hours(p), len(p.not_covered))
        if previous is not None:
            assert now[0] <= previous[0]
            assert now[1] <= previous[1]
        previous = now
