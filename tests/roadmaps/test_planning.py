from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from assessments import content, scoring
from roadmaps.planning import Plan, PlanningError, Unscheduled, plan, plan_json

SHIPPED = content.get_framework()

# Hand-made frameworks reuse the shipped competencies and roles; only the actions change.
A, B = "systems-thinking", "mentoring"
CITATION = content.Citation(source="ai-lead", quote="a short quote for a test action")


def action(
    slug: str,
    *,
    builds: tuple[str, ...] = (A,),
    hours: int = 4,
    phase: str = "start-where-you-are",
    requires: tuple[str, ...] = (),
) -> content.Action:
    return content.Action(
        slug=slug,
        title=slug.replace("-", " ").capitalize(),
        description="An action made up for a test.",
        competencies=builds,
        hours=hours,
        phase=phase,
        requires=requires,
        done_when="It is done.",
        sources=(CITATION,),
    )


def framework(*actions: content.Action) -> content.Framework:
    return content.Framework(
        version="1.0.0", competencies=SHIPPED.competencies, roles=SHIPPED.roles, actions=tuple(actions)
    )


def gap(competency: str, size: float = 1.0, weight: float = 1.0) -> SimpleNamespace:
    return SimpleNamespace(competency=competency, gap=size, priority=size * weight)


def month_of(p: Plan) -> dict[str, int]:
    return {item.action: item.month for m in p.months for item in m.items}


def planned(p: Plan) -> list[str]:
    return [item.action for m in p.months for item in m.items]


def all_gaps(level: float = 0) -> tuple[float, tuple[scoring.Gap, ...]]:
    return scoring.role_readiness(SHIPPED, "ai-lead", {c.slug: level for c in SHIPPED.competencies})


# --- Capacity and the months -----------------------------------------------------------------


def test_capacity_is_hours_per_week_spread_over_the_months_of_a_year():
    readiness, gaps = all_gaps()
    p = plan(SHIPPED, gaps=gaps, readiness=readiness, hours_per_week=4, months=6)
    assert p.capacity == pytest.approx(4 * 52 / 12)
    assert {m.capacity for m in p.months} == {p.capacity}


def test_no_month_holds_more_hours_than_its_capacity():
    readiness, gaps = all_gaps()
    for hours in (1, 3, 4, 10):
        p = plan(SHIPPED, gaps=gaps, readiness=readiness, hours_per_week=hours, months=6)
        assert max(m.hours for m in p.months) > p.capacity / 2  # the months are really under pressure
        for m in p.months:
            assert m.hours == sum(item.hours for item in m.items)
            assert m.hours <= p.capacity


def test_every_month_of_the_horizon_is_listed_even_when_empty():
    p = plan(SHIPPED, gaps=[], readiness=100, hours_per_week=2, months=9)
    assert [m.month for m in p.months] == list(range(1, 10))
    assert p.months_total == 9
    assert any(not m.items for m in p.months)


# --- Prerequisites and phases ------------------------------------------------------------------


def test_a_prerequisite_is_pulled_in_and_listed_before_its_dependant():
    fw = framework(action("read-up", builds=(A,)), action("apply-it", builds=(B,), requires=("read-up",)))
    p = plan(fw, gaps=[gap(B)], readiness=50, hours_per_week=4, months=3)
    assert planned(p) == ["read-up", "apply-it"]
    assert p.months[0].items[0].reason == "Needed before “Apply it”."
    assert p.months[0].items[1].reason == "Closes your gap in mentoring."


def test_a_prerequisite_goes_in_an_earlier_month_when_both_do_not_fit_one():
    fw = framework(action("read-up", builds=(A,)), action("apply-it", builds=(B,), requires=("read-up",)))
    p = plan(fw, gaps=[gap(B)], readiness=50, hours_per_week=1, months=3)  # 4.3 h a month
    assert month_of(p) == {"read-up": 1, "apply-it": 2}


def test_actions_go_in_their_phase_window():
    fw = framework(
        action("start", builds=(A,), phase="start-where-you-are"),
        action("proof", builds=(B,), phase="build-proof"),
        action("formal", builds=("saying-no",), phase="fill-formal-gaps"),
        action("move", builds=("user-research",), phase="make-the-move"),
    )
    gaps = [gap(A), gap(B), gap("saying-no"), gap("user-research")]
    p = plan(fw, gaps=gaps, readiness=50, hours_per_week=10, months=12)
    assert month_of(p) == {"start": 1, "proof": 2, "formal": 3, "move": 4}


def test_a_phase_that_starts_after_the_horizon_takes_its_last_month():
    fw = framework(action("move", builds=(A,), phase="make-the-move"))
    p = plan(fw, gaps=[gap(A)], readiness=50, hours_per_week=4, months=3)
    assert month_of(p) == {"move": 3}


def test_a_full_phase_window_spills_into_later_months():
    fw = framework(*(action(f"step-{n}", hours=15) for n in range(4)))
    p = plan(fw, gaps=[gap(A, 4)], readiness=20, hours_per_week=4, months=6)
    assert sorted(month_of(p).values()) == [1, 2, 3, 4]  # the window is 1-3; one more fits in 4


# --- What does not fit ---------------------------------------------------------------------------


def test_an_action_longer_than_a_month_is_unscheduled_with_a_plain_why():
    fw = framework(action("big", hours=30))
    p = plan(fw, gaps=[gap(A)], readiness=50, hours_per_week=4, months=6)
    assert planned(p) == []
    assert p.unscheduled == (
        Unscheduled(action="big", title="Big", competencies=(A,), why="Takes 30 h; a month has 17.3 h at 4 h a week."),
    )
    assert p.covered == ()
    assert p.not_covered == (A,)


def test_a_dependant_of_an_unscheduled_prerequisite_says_what_it_waits_for():
    fw = framework(action("big", hours=30), action("follow-up", builds=(B,), requires=("big",)))
    p = plan(fw, gaps=[gap(B)], readiness=50, hours_per_week=4, months=6)
    why = {u.action: u.why for u in p.unscheduled}
    assert why == {
        "big": "Takes 30 h; a month has 17.3 h at 4 h a week.",
        "follow-up": "Needs “Big” first, which did not fit.",
    }


def test_an_action_the_months_have_no_room_for_says_which_months():
    fw = framework(*(action(f"formal-{n}", hours=10, phase="fill-formal-gaps") for n in range(2)))
    p = plan(fw, gaps=[gap(A, 2)], readiness=20, hours_per_week=3, months=3)  # 13 h, only month 3
    assert len(planned(p)) == 1
    assert [u.why for u in p.unscheduled] == ["Month 3 does not have 10 h free at 3 h a week."]


def test_a_too_long_choice_is_backed_by_a_shorter_action_that_covers_the_gaps():
    fw = framework(
        action("both-at-once", builds=(A, B), hours=20),
        action("a-alone", builds=(A,), hours=12),
        action("b-alone", builds=(B,), hours=12),
    )
    p = plan(fw, gaps=[gap(A), gap(B)], readiness=50, hours_per_week=4, months=3)
    assert sorted(planned(p)) == ["a-alone", "b-alone"]
    assert [u.action for u in p.unscheduled] == ["both-at-once"]
    assert set(p.covered) == {A, B}


def test_a_gap_no_action_builds_is_reported_as_not_covered():
    fw = framework(action("a-step", builds=(A,)))
    p = plan(fw, gaps=[gap(A), gap(B)], readiness=50, hours_per_week=4, months=3)
    assert p.covered == (A,)
    assert p.not_covered == (B,)
    assert p.unscheduled == (
        Unscheduled(action=None, title="Mentoring", competencies=(B,), why="No action in the library builds it yet."),
    )


# --- Choosing ------------------------------------------------------------------------------------


def test_the_biggest_priority_gets_the_room_first():
    # Both can only go in month 3, which holds one of them.
    fw = framework(
        action("for-a", builds=(A,), hours=17, phase="fill-formal-gaps"),
        action("for-b", builds=(B,), hours=17, phase="fill-formal-gaps"),
    )
    bigger_b = plan(fw, gaps=[gap(A, 1, 2), gap(B, 1, 3)], readiness=50, hours_per_week=4, months=3)
    bigger_a = plan(fw, gaps=[gap(A, 1, 3), gap(B, 1, 2)], readiness=50, hours_per_week=4, months=3)
    assert (planned(bigger_b), planned(bigger_a)) == (["for-b"], ["for-a"])


def test_equal_priorities_are_broken_by_competency_slug():
    fw = framework(
        action("for-a", builds=(A,), hours=17, phase="fill-formal-gaps"),
        action("for-b", builds=(B,), hours=17, phase="fill-formal-gaps"),
    )
    p = plan(fw, gaps=[gap(A), gap(B)], readiness=50, hours_per_week=4, months=3)
    assert planned(p) == ["for-b"]  # "mentoring" sorts before "systems-thinking"


def test_a_bigger_gap_gets_more_actions():
    fw = framework(*(action(f"a-{n}", builds=(A,), hours=2) for n in range(4)), action("b-0", builds=(B,), hours=2))
    p = plan(fw, gaps=[gap(A, 2.5), gap(B, 0.5)], readiness=50, hours_per_week=10, months=6)
    closing = [item.closes for m in p.months for item in m.items]
    assert closing.count((A,)) == 3  # ceil(2.5)
    assert closing.count((B,)) == 1


def test_one_action_that_builds_two_gaps_is_preferred_to_two_that_build_one_each():
    fw = framework(
        action("a-alone", builds=(A,), hours=3),
        action("b-alone", builds=(B,), hours=3),
        action("both", builds=(A, B), hours=4),
    )
    p = plan(fw, gaps=[gap(A), gap(B)], readiness=50, hours_per_week=4, months=3)
    assert planned(p) == ["both"]
    assert p.months[0].items[0].closes == (A, B)


def test_done_actions_are_skipped_and_count_as_met_prerequisites():
    fw = framework(action("read-up", builds=(A,)), action("apply-it", builds=(B,), requires=("read-up",)))
    p = plan(fw, gaps=[gap(A), gap(B)], readiness=50, hours_per_week=4, months=3, done=frozenset({"read-up"}))
    assert planned(p) == ["apply-it"]
    assert p.not_covered == (A,)
    assert [u.why for u in p.unscheduled] == ["Every action that builds it is done; re-assess to see the change."]


def test_a_gap_of_zero_is_not_planned():
    fw = framework(action("a-step", builds=(A,)), action("b-step", builds=(B,)))
    p = plan(fw, gaps=[gap(A, 0), gap(B)], readiness=50, hours_per_week=4, months=3)
    assert planned(p) == ["b-step"]
    assert (p.covered, p.not_covered) == ((B,), ())


def test_reasons_name_the_gap_in_a_sentence():
    levels = {c.slug: 4 for c in SHIPPED.competencies} | {"ai-operations": 2}
    _, gaps = scoring.role_readiness(SHIPPED, "ai-lead", levels)
    p = plan(SHIPPED, gaps=gaps, readiness=50, hours_per_week=4, months=6)
    reasons = {item.reason for m in p.months for item in m.items}
    assert "Closes your gap in AI operations." in reasons


def test_scoring_gaps_plan_directly():
    readiness, gaps = all_gaps(1)
    p = plan(SHIPPED, gaps=gaps, readiness=readiness, hours_per_week=6, months=6)
    assert set(p.covered) | set(p.not_covered) == {g.competency for g in gaps}
    assert p.covered  # a real plan, not an empty one


# --- Pins ------------------------------------------------------------------------------------------


def test_a_pinned_action_keeps_its_month_first_even_over_capacity():
    readiness, gaps = all_gaps()
    pinned = {"build-an-ai-side-project-with-product-decisions": 2}  # 40 h, at 17.3 h a month
    p = plan(SHIPPED, gaps=gaps, readiness=readiness, hours_per_week=4, months=6, pinned=pinned)
    first = p.months[1].items[0]
    assert (first.action, first.pinned) == ("build-an-ai-side-project-with-product-decisions", True)
    assert p.months[1].hours == 40  # nothing else joins an over-full month
    assert all(m.hours <= p.capacity for m in p.months if m.month != 2)
    assert all(not item.pinned for m in p.months for item in m.items if item.action not in pinned)


def test_the_prerequisites_of_a_pinned_action_come_no_later_than_its_month():
    p = plan(SHIPPED, gaps=[], readiness=100, hours_per_week=10, months=6, pinned={"run-evals-automatically": 2})
    where = month_of(p)
    assert where["run-evals-automatically"] == 2
    assert where["define-a-success-signal"] <= where["write-eval-set-for-struggling-feature"] <= 2
    order = planned(p)
    assert order.index("write-eval-set-for-struggling-feature") < order.index("run-evals-automatically")


def test_a_pin_on_a_done_action_is_ignored():
    fw = framework(action("a-step", builds=(A,)))
    p = plan(fw, gaps=[], readiness=100, hours_per_week=4, months=3, done=frozenset({"a-step"}), pinned={"a-step": 2})
    assert planned(p) == []


# --- Ready engineers and the move -------------------------------------------------------------------


def test_a_ready_engineer_gets_the_move_before_the_remaining_gap_work():
    # Month 3 is the only month for both, and holds one of them.
    fw = framework(
        action("study", builds=(A,), hours=17, phase="fill-formal-gaps"),
        action("step-up", builds=(B,), hours=17, phase="make-the-move"),
    )
    ready = plan(fw, gaps=[gap(A)], readiness=90, hours_per_week=4, months=3)
    not_ready = plan(fw, gaps=[gap(A)], readiness=60, hours_per_week=4, months=3)
    assert planned(ready) == ["step-up"]
    assert ready.months[2].items[0].reason == "A step towards making the move."
    assert [(u.action, u.why) for u in ready.unscheduled] == [
        ("study", "Month 3 does not have 17 h free at 4 h a week.")
    ]
    assert planned(not_ready) == ["study"]
    assert not_ready.unscheduled == ()  # the move is an extra when there is no room


def test_a_ready_engineer_gets_one_action_per_remaining_gap():
    fw = framework(*(action(f"a-{n}", builds=(A,), hours=2) for n in range(3)))
    ready = plan(fw, gaps=[gap(A, 3)], readiness=88, hours_per_week=10, months=6)
    not_ready = plan(fw, gaps=[gap(A, 3)], readiness=60, hours_per_week=10, months=6)
    assert (len(planned(ready)), len(planned(not_ready))) == (1, 3)


def test_an_engineer_without_gaps_gets_three_make_the_move_steps_and_nothing_remedial():
    p = plan(SHIPPED, gaps=[], readiness=40, hours_per_week=6, months=6)
    items = [item for m in p.months for item in m.items]
    moves = [item for item in items if item.phase == "make-the-move"]
    assert len(moves) == 3
    assert all(item.reason == "A step towards making the move." for item in moves)
    assert all(item.reason.startswith("Needed before") for item in items if item.phase != "make-the-move")
    assert p.unscheduled == ()
    assert (p.covered, p.not_covered) == ((), ())


def test_gap_work_is_followed_by_up_to_three_move_steps_when_there_is_room():
    readiness, gaps = all_gaps(2)
    p = plan(SHIPPED, gaps=gaps, readiness=readiness, hours_per_week=10, months=8)
    assert readiness < 85
    assert sum(1 for m in p.months for item in m.items if item.phase == "make-the-move") == 3


def test_more_hours_never_unschedule_gap_work_that_fewer_hours_placed():
    # With more room the ready engineer's move fits month 3 first and would push the
    # gap work out; the plan keeps the gap work instead, and the move joins once both fit.
    fw = framework(
        action("study", builds=(A,), hours=15, phase="fill-formal-gaps"),
        action("step-up", builds=(B,), hours=18, phase="make-the-move"),
    )
    few = plan(fw, gaps=[gap(A)], readiness=90, hours_per_week=4, months=3)
    more = plan(fw, gaps=[gap(A)], readiness=90, hours_per_week=5, months=3)
    plenty = plan(fw, gaps=[gap(A)], readiness=90, hours_per_week=8, months=3)
    assert planned(few) == planned(more) == ["study"]
    assert more.unscheduled == ()
    assert sorted(planned(plenty)) == ["step-up", "study"]


# --- Determinism and output --------------------------------------------------------------------------


def test_the_same_input_gives_the_same_plan():
    readiness, gaps = all_gaps(1)
    first = plan(SHIPPED, gaps=gaps, readiness=readiness, hours_per_week=5, months=4)
    again = plan(SHIPPED, gaps=list(reversed(gaps)), readiness=readiness, hours_per_week=5, months=4)
    assert first == again


def test_plan_json_has_the_shape_preview_plan_prints():
    readiness, gaps = all_gaps()
    data = json.loads(json.dumps(plan_json(plan(SHIPPED, gaps=gaps, readiness=readiness, hours_per_week=3, months=3))))
    assert [m["month"] for m in data["months"]] == [1, 2, 3]
    item = data["months"][0]["items"][0]
    assert {"action", "title", "competencies", "hours"} <= item.keys()
    assert isinstance(item["competencies"], list)
    assert data["months"][0]["hours"] == sum(i["hours"] for i in data["months"][0]["items"])
    assert data["unscheduled"]
    assert {"action", "title", "competencies", "why"} <= data["unscheduled"][0].keys()


# --- Bad input -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"hours_per_week": 0}, "hours_per_week must be a whole number from 1 to 40, got 0"),
        ({"hours_per_week": 41}, "hours_per_week must be a whole number from 1 to 40, got 41"),
        ({"hours_per_week": True}, "hours_per_week must be a whole number from 1 to 40, got True"),
        ({"months": 2}, "months must be a whole number from 3 to 12, got 2"),
        ({"months": 13}, "months must be a whole number from 3 to 12, got 13"),
        ({"done": frozenset({"no-such-action"})}, "unknown action in done: 'no-such-action'"),
        ({"pinned": {"no-such-action": 1}}, "unknown pinned action: 'no-such-action'"),
        ({"pinned": {"interview-three-users": 0}}, "'interview-three-users' is pinned to month 0, outside 1 to 6"),
        ({"pinned": {"interview-three-users": 7}}, "'interview-three-users' is pinned to month 7, outside 1 to 6"),
    ],
)
def test_out_of_range_input_is_refused_with_a_message_that_says_which(arguments, message):
    kwargs = {"gaps": [], "readiness": 50.0, "hours_per_week": 4, "months": 6} | arguments
    with pytest.raises(PlanningError) as caught:
        plan(SHIPPED, **kwargs)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)
