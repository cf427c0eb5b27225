"""The planner's laws, over the shipped framework and generated profiles."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import content
from roadmaps.planning import READY_AT, Plan, monthly_capacity, plan

FRAMEWORK = content.get_framework()
ACTIONS = FRAMEWORK.action_by_slug
COMPETENCIES = [c.slug for c in FRAMEWORK.competencies]
ROLES = [r.slug for r in FRAMEWORK.roles]
# Done work comes from earlier plans, so it is a set of actions with all their prerequisites.
CLOSED_UNDER_PREREQUISITES = sorted(a.slug for a in FRAMEWORK.actions if not a.requires)

LAWS = settings(max_examples=60, deadline=None)

levels = st.fixed_dictionaries({slug: st.sampled_from([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4]) for slug in COMPETENCIES})


@st.composite
def situations(draw: st.DrawFn) -> dict:
    return {
        "role": draw(st.sampled_from(ROLES)),
        "levels": draw(levels),
        "months": draw(st.integers(3, 12)),
        "done": frozenset(draw(st.lists(st.sampled_from(CLOSED_UNDER_PREREQUISITES), max_size=6))),
    }


hours = st.integers(1, 40)


def unscheduled_hours(p: Plan) -> int:
    return sum(ACTIONS[u.action].hours for u in p.unscheduled if u.action is not None)


@LAWS
@given(situations(), hours)
def test_no_month_is_over_capacity_without_pins(situation, hours_per_week):
    p = plan(FRAMEWORK, hours_per_week=hours_per_week, **situation)
    assert p.capacity == monthly_capacity(hours_per_week)
    assert [m.month for m in p.months] == list(range(1, situation["months"] + 1))
    for m in p.months:
        assert m.hours == sum(item.hours for item in m.items)
        assert m.hours <= p.capacity


@LAWS
@given(situations(), hours)
def test_spanning_work_runs_in_consecutive_months_and_adds_up(situation, hours_per_week):
    p = plan(FRAMEWORK, hours_per_week=hours_per_week, **situation)
    for item in p.items():
        months = [m.month for m in p.months for i in m.items if i.action == item.action]
        assert months == list(range(item.start, item.end + 1))
        assert sum(item.monthly_hours) == item.total_hours == ACTIONS[item.action].hours
        assert min(item.monthly_hours) >= 1
        assert item.month == item.start


@LAWS
@given(situations(), hours)
def test_prerequisites_end_before_dependants_start_and_phases_are_kept(situation, hours_per_week):
    p = plan(FRAMEWORK, hours_per_week=hours_per_week, **situation)
    where = {item.action: item for item in p.items()}
    for item in where.values():
        for prerequisite in ACTIONS[item.action].requires:
            if prerequisite not in situation["done"]:
                assert where[prerequisite].end <= item.start
        first = min(content.PHASES[item.phase][1], situation["months"])
        assert first <= item.start <= item.end <= situation["months"]


@LAWS
@given(situations(), hours)
def test_no_action_is_planned_twice_or_both_planned_and_unscheduled_or_done(situation, hours_per_week):
    p = plan(FRAMEWORK, hours_per_week=hours_per_week, **situation)
    planned = [item.action for item in p.items()]
    unscheduled = [u.action for u in p.unscheduled if u.action is not None]
    assert len(set(planned)) == len(planned)
    assert len(set(unscheduled)) == len(unscheduled)
    assert not set(planned) & set(unscheduled)
    assert not (set(planned) | set(unscheduled)) & situation["done"]


@LAWS
@given(situations(), hours)
def test_every_gap_is_covered_or_reported(situation, hours_per_week):
    p = plan(FRAMEWORK, hours_per_week=hours_per_week, **situation)
    requirements = FRAMEWORK.role_by_slug[situation["role"]].requirements
    gap_slugs = {c for c, r in requirements.items() if situation["levels"][c] < r.level}
    assert set(p.covered) | set(p.not_covered) == gap_slugs
    assert not set(p.covered) & set(p.not_covered)
    for slug in p.covered:
        shown = max((item.shows.get(slug, 0) for item in p.items()), default=0)
        assert max(shown, situation["levels"][slug]) >= requirements[slug].level
    for slug in p.not_covered:
        assert any(slug in u.competencies for u in p.unscheduled)


@LAWS
@given(situations(), hours)
def test_projection_is_one_point_a_month_never_falls_and_gates_the_move(situation, hours_per_week):
    p = plan(FRAMEWORK, hours_per_week=hours_per_week, **situation)
    values = [p.readiness] + [point.readiness for point in p.projection]
    assert [point.month for point in p.projection] == list(range(1, situation["months"] + 1))
    assert all(b >= a for a, b in itertools.pairwise(values))
    for item in p.items():
        if ACTIONS[item.action].once_ready:
            assert values[item.start - 1] >= READY_AT


@LAWS
@given(situations(), hours, st.dictionaries(st.sampled_from(sorted(ACTIONS)), st.integers(1, 3), max_size=3))
def test_the_same_input_gives_the_same_plan_and_pins_are_kept(situation, hours_per_week, pinned):
    first = plan(FRAMEWORK, hours_per_week=hours_per_week, pinned=pinned, **situation)
    again = plan(FRAMEWORK, hours_per_week=hours_per_week, pinned=dict(reversed(pinned.items())), **situation)
    assert first == again
    starts = {item.action: item.start for item in first.items()}
    for slug, month in pinned.items():
        if slug not in situation["done"]:
            assert starts[slug] == month


@LAWS
@given(situations(), hours, hours)
def test_more_hours_never_buy_less(situation, some, other):
    fewer, more = sorted((some, other))
    at_fewer = plan(FRAMEWORK, hours_per_week=fewer, **situation)
    at_more = plan(FRAMEWORK, hours_per_week=more, **situation)
    assert unscheduled_hours(at_more) <= unscheduled_hours(at_fewer)
    assert at_more.projection[-1].readiness >= at_fewer.projection[-1].readiness


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(ROLES), levels, st.integers(3, 6))
def test_more_hours_never_buy_less_step_by_step_over_every_hour(role, profile, months):
    previous = None
    for hours_per_week in range(1, 41):
        p = plan(FRAMEWORK, role=role, levels=profile, hours_per_week=hours_per_week, months=months)
        now = (unscheduled_hours(p), p.projection[-1].readiness)
        if previous is not None:
            assert now[0] <= previous[0]
            assert now[1] >= previous[1]
        previous = now
