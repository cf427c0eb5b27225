from __future__ import annotations

import json

import pytest

from assessments import content, scoring
from roadmaps.planning import READY_AT, Plan, PlanningError, Unscheduled, plan, plan_json

SHIPPED = content.get_framework()
ROLE = "ai-architect"  # asks for systems thinking 3 (weight 1) and mentoring 3 (weight 3)
A, B = "systems-thinking", "mentoring"
CITATION = content.Citation(source="ai-lead", quote="a short quote for a test action")


def action(
    slug: str,
    *,
    builds: dict[str, int] | None = None,
    hours: int = 4,
    weeks: int = 1,
    phase: str = "start-where-you-are",
    requires: tuple[str, ...] = (),
    **flags: object,
) -> content.Action:
    return content.Action(
        slug=slug,
        title=slug.replace("-", " ").capitalize(),
        description="An action made up for a test.",
        builds=builds or {A: 3},
        hours=hours,
        weeks=weeks,
        phase=phase,
        requires=requires,
        done_when="It is done.",
        sources=(CITATION,),
        **flags,
    )


def framework(*actions: content.Action) -> content.Framework:
    # Hand-made frameworks reuse the shipped competencies and roles; only the actions change.
    return content.Framework(
        version="1.0.0", competencies=SHIPPED.competencies, roles=SHIPPED.roles, actions=tuple(actions)
    )


def levels(**gaps: float) -> dict[str, float]:
    """Every competency at 4 but the ones named (underscores for dashes)."""
    return {c.slug: 4.0 for c in SHIPPED.competencies} | {k.replace("_", "-"): v for k, v in gaps.items()}


def where(p: Plan) -> dict[str, tuple[int, int]]:
    return {item.action: (item.start, item.end) for item in p.items()}


def planned(p: Plan) -> list[str]:
    return [item.action for item in p.items()]


def everyone_at(level: float) -> dict[str, float]:
    return {c.slug: level for c in SHIPPED.competencies}


# --- Capacity, spanning and duration -------------------------------------------------------------------


def test_capacity_is_hours_per_week_spread_over_the_months_of_a_year():
    p = plan(SHIPPED, role="ai-lead", levels=everyone_at(0), hours_per_week=4, months=6)
    assert p.capacity == pytest.approx(4 * 52 / 12)
    assert {m.capacity for m in p.months} == {p.capacity}
    for m in p.months:
        assert m.hours == sum(item.hours for item in m.items) <= p.capacity


def test_an_action_bigger_than_a_month_spans_months_with_its_hours_split():
    fw = framework(action("big", hours=30))
    p = plan(fw, role=ROLE, levels=levels(systems_thinking=1), hours_per_week=4, months=6)  # 17 h a month
    [item] = p.items()
    assert (item.start, item.end, item.total_hours) == (1, 2, 30)
    assert item.monthly_hours == (15, 15)
    assert [i.hours for m in p.months for i in m.items] == [15, 15]
    assert all(i.month == 1 for m in p.months for i in m.items)  # the month an item starts in
    assert p.unscheduled == ()


def test_an_action_that_takes_weeks_spans_that_many_months_however_few_its_hours():
    fw = framework(action("slow", hours=6, weeks=12))
    p = plan(fw, role=ROLE, levels=levels(systems_thinking=1), hours_per_week=10, months=6)
    assert where(p) == {"slow": (1, 3)}
    assert p.items()[0].monthly_hours == (2, 2, 2)


def test_a_dependant_starts_once_its_prerequisite_has_ended():
    fw = framework(
        action("run-it", builds={A: 2}, hours=6, weeks=12),
        action("write-it-up", builds={A: 3}, hours=2, requires=("run-it",)),
    )
    p = plan(fw, role=ROLE, levels=levels(systems_thinking=1), hours_per_week=10, months=6)
    assert where(p) == {"run-it": (1, 3), "write-it-up": (3, 3)}
    assert p.months[2].items[0].action == "run-it"  # the prerequisite is listed first


def test_what_cannot_fit_before_the_horizon_ends_is_listed_with_why():
    fw = framework(action("huge", hours=80))
    p = plan(fw, role=ROLE, levels=levels(systems_thinking=1), hours_per_week=2, months=3)  # 8 h a month
    assert planned(p) == []
    assert p.unscheduled[0] == Unscheduled(
        action="huge", title="Huge", competencies=(A,), why="Takes 80 h; months 1 to 3 have 24 h free at 2 h a week."
    )
    assert p.not_covered == (A,)


def test_a_dependant_of_work_that_did_not_fit_says_what_it_waits_for():
    fw = framework(action("huge", builds={A: 2}, hours=80), action("then", builds={A: 3}, requires=("huge",)))
    p = plan(fw, role=ROLE, levels=levels(systems_thinking=1), hours_per_week=2, months=3)
    assert {u.action: u.why for u in p.unscheduled}["then"] == "Needs “Huge” first, which did not fit."


# --- Choosing: levels, value, anchors ---------------------------------------------------------------------


def test_work_is_chosen_until_it_shows_the_level_the_role_asks_for():
    fw = framework(
        action("practise", builds={B: 2}, hours=2),
        action("proficient", builds={B: 3}, hours=10, requires=("practise",)),
        action("more-practice", builds={B: 2}, hours=2),
    )
    p = plan(fw, role=ROLE, levels=levels(mentoring=1), hours_per_week=10, months=6)
    assert planned(p) == ["practise", "proficient"]  # a second level-2 action shows nothing more
    assert p.covered == (B,)


def test_a_gap_is_not_covered_until_the_planned_work_shows_its_level():
    fw = framework(action("practise", builds={B: 2}, hours=2))
    p = plan(fw, role=ROLE, levels=levels(mentoring=1), hours_per_week=10, months=6)
    assert planned(p) == ["practise"]
    assert p.not_covered == (B,)
    assert [u.why for u in p.unscheduled] == ["No action in the library shows level 3 yet."]


def test_the_anchor_from_the_roles_own_article_is_in_the_plan_when_its_gap_matters():
    fw = framework(
        action("cheap-memo", builds={B: 3}, hours=2),
        action("the-articles-advice", builds={B: 3}, hours=20, anchor_for=(ROLE,)),
    )
    p = plan(fw, role=ROLE, levels=levels(mentoring=1), hours_per_week=10, months=6)  # priority 3 x 2 = 6
    assert planned(p) == ["the-articles-advice"]
    assert p.items()[0].anchor
    assert "The AI Architect article names it as the way in." in p.items()[0].reason
    small = plan(fw, role=ROLE, levels=levels(mentoring=2.5), hours_per_week=10, months=6)  # priority 1.5
    assert planned(small) == ["cheap-memo"]


def test_product_roles_get_no_hands_on_prompt_work_their_requirements_do_not_ask_for():
    pm = plan(SHIPPED, role="ai-product-manager", levels=everyone_at(0), hours_per_week=20, months=12)
    hands_on = {a.slug for a in SHIPPED.actions if a.hands_on}
    assert not set(planned(pm)) & hands_on
    lead = plan(SHIPPED, role="ai-engineering-lead", levels=everyone_at(0), hours_per_week=20, months=12)
    assert {"run-an-ai-coding-tool-on-a-real-project", "add-a-governance-gate-to-the-pr-pipeline"} <= set(planned(lead))


def test_an_ai_product_manager_whose_biggest_gap_is_user_research_interviews_users():
    p = plan(SHIPPED, role="ai-product-manager", levels=everyone_at(1), hours_per_week=5, months=6)
    assert {"interview-three-users", "talk-to-users-every-week"} <= set(planned(p))


def test_the_ai_lead_plan_holds_the_llm_mvp_split_over_months():
    p = plan(SHIPPED, role="ai-lead", levels=everyone_at(1), hours_per_week=5, months=6)
    [mvp] = [i for i in p.items() if i.action == "automate-a-manual-workflow-with-an-llm"]
    assert mvp.end > mvp.start
    assert not any(u.action == "automate-a-manual-workflow-with-an-llm" for u in p.unscheduled)


def test_done_actions_are_skipped_and_count_as_met_prerequisites():
    fw = framework(action("read-up", builds={A: 3}), action("apply-it", builds={B: 3}, requires=("read-up",)))
    p = plan(
        fw,
        role=ROLE,
        levels=levels(systems_thinking=1, mentoring=1),
        hours_per_week=4,
        months=3,
        done=frozenset({"read-up"}),
    )
    assert planned(p) == ["apply-it"]
    assert p.not_covered == (A,)
    assert [u.why for u in p.unscheduled] == [
        "Every action that shows the level asked for is done; re-assess to see the change."
    ]


# --- Projection, the move and reach ------------------------------------------------------------------------


def test_the_projection_is_the_scoring_engines_readiness_once_the_work_is_done():
    fw = framework(action("practise", builds={B: 3}, hours=30))
    profile = levels(mentoring=1)
    p = plan(fw, role=ROLE, levels=profile, hours_per_week=4, months=4)
    expected_after = scoring.role_readiness(SHIPPED, ROLE, profile | {B: 3})[0]
    assert p.readiness == scoring.role_readiness(SHIPPED, ROLE, profile)[0]
    assert [x.readiness for x in p.projection] == [p.readiness, expected_after, expected_after, expected_after]


def test_applications_wait_until_the_projected_readiness_reaches_the_bar():
    p = plan(SHIPPED, role="ai-product-lead", levels=everyone_at(1), hours_per_week=5, months=6)
    before = [p.readiness] + [x.readiness for x in p.projection]
    moves = [i for i in p.items() if SHIPPED.action_by_slug[i.action].once_ready]
    assert moves
    assert all(before[i.start - 1] >= READY_AT for i in moves)
    assert all(i.reason.startswith("A step towards making the move") for i in moves)


def test_a_plan_that_does_not_reach_the_bar_says_so_and_what_would():
    p = plan(SHIPPED, role="ai-engineering-lead", levels=everyone_at(0), hours_per_week=3, months=6)
    assert not p.reach.reached
    assert p.reach.hours_per_week is not None
    assert p.reach.hours_per_week > 3
    assert p.reach.work_hours
    assert all(not SHIPPED.action_by_slug[i.action].once_ready for i in p.items())
    why = {u.action: u.why for u in p.unscheduled}
    assert why["target-external-companies"].startswith("Comes once your projected readiness reaches 85 %")


# --- Pins ---------------------------------------------------------------------------------------------------


def test_a_pinned_action_keeps_its_month_even_over_capacity():
    pinned = {"build-an-ai-side-project-with-product-decisions": 6}  # 40 h, eight weeks, in the last month
    p = plan(SHIPPED, role="ai-lead", levels=everyone_at(0), hours_per_week=4, months=6, pinned=pinned)
    [item] = [i for i in p.items() if i.action in pinned]
    assert (item.start, item.pinned, item.total_hours) == (6, True, 40)
    assert all(m.hours <= p.capacity for m in p.months if m.month != 6)


def test_the_prerequisites_of_a_pinned_action_end_no_later_than_its_month():
    p = plan(
        SHIPPED,
        role="ai-lead",
        levels=everyone_at(4),
        hours_per_week=10,
        months=6,
        pinned={"run-evals-automatically": 3},
    )
    at = where(p)
    assert at["run-evals-automatically"][0] == 3
    assert at["define-a-success-signal"][1] <= at["write-eval-set-for-struggling-feature"][0]
    assert at["write-eval-set-for-struggling-feature"][1] <= 3


# --- Determinism and output ------------------------------------------------------------------------------------


def test_the_same_input_gives_the_same_plan():
    first = plan(SHIPPED, role="ai-lead", levels=everyone_at(1), hours_per_week=5, months=4)
    again = plan(SHIPPED, role="ai-lead", levels=dict(reversed(everyone_at(1).items())), hours_per_week=5, months=4)
    assert first == again


def test_plan_json_has_the_shape_preview_plan_prints():
    p = plan(SHIPPED, role="ai-lead", levels=everyone_at(0), hours_per_week=3, months=3)
    data = json.loads(json.dumps(plan_json(p)))
    assert [m["month"] for m in data["months"]] == [1, 2, 3]
    item = data["months"][0]["items"][0]
    assert {"action", "title", "competencies", "hours", "start", "end", "total_hours"} <= item.keys()
    assert data["months"][0]["hours"] == sum(i["hours"] for i in data["months"][0]["items"])
    assert [x["month"] for x in data["projection"]] == [1, 2, 3]
    assert data["unscheduled"]
    assert {"action", "title", "competencies", "why"} <= data["unscheduled"][0].keys()
    assert {"target", "reached", "hours_per_week", "months"} <= data["reach"].keys()


# --- Bad input ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"hours_per_week": 0}, "hours_per_week must be a whole number from 1 to 40, got 0"),
        ({"hours_per_week": 41}, "hours_per_week must be a whole number from 1 to 40, got 41"),
        ({"hours_per_week": True}, "hours_per_week must be a whole number from 1 to 40, got True"),
        ({"months": 2}, "months must be a whole number from 3 to 12, got 2"),
        ({"months": 13}, "months must be a whole number from 3 to 12, got 13"),
        ({"role": "ai-wizard"}, "unknown role: 'ai-wizard'"),
        ({"levels": {"juggling": 2}}, "unknown competency 'juggling'"),
        ({"done": frozenset({"no-such-action"})}, "unknown action in done: 'no-such-action'"),
        ({"pinned": {"no-such-action": 1}}, "unknown pinned action: 'no-such-action'"),
        ({"pinned": {"interview-three-users": 0}}, "'interview-three-users' is pinned to month 0, outside 1 to 6"),
        ({"pinned": {"interview-three-users": 7}}, "'interview-three-users' is pinned to month 7, outside 1 to 6"),
    ],
)
def test_out_of_range_input_is_refused_with_a_message_that_says_which(arguments, message):
    kwargs = {"role": "ai-lead", "levels": {}, "hours_per_week": 4, "months": 6} | arguments
    with pytest.raises(PlanningError) as caught:
        plan(SHIPPED, **kwargs)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)
