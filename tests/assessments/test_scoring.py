"""The scoring engine over the shipped framework. Pure: no database."""

from __future__ import annotations

import ast
import json
import math
from fractions import Fraction
from pathlib import Path

import pytest

from assessments import content, scoring
from assessments.scoring import Answers, ScoringError, role_readiness, score, score_competencies


@pytest.fixture(scope="module")
def fw() -> content.Framework:
    return content.get_framework()


def _option(fw: content.Framework, item_slug: str, wanted: int) -> int:
    """The index of an option of ``item_slug`` that scores ``wanted``."""
    _, item = fw.item_by_slug[item_slug]
    return next(i for i, option in enumerate(item.options) if option.score == wanted)


def _items(fw: content.Framework, competency: str, kind: str) -> list[str]:
    return [item.slug for item in fw.competency_by_slug[competency].items if item.kind == kind]


def _answer(fw: content.Framework, competency: str, behaviours: list[int], scenarios: list[int]) -> Answers:
    """Answers for one competency, choosing options by the score they carry."""
    chosen = {}
    for kind, scores in (("behaviour", behaviours), ("scenario", scenarios)):
        slugs = _items(fw, competency, kind)
        assert len(slugs) >= len(scores), f"{competency} has too few {kind} items for this test"
        for slug, wanted in zip(slugs, scores, strict=False):
            chosen[slug] = _option(fw, slug, wanted)
    return Answers(items=chosen)


def _competency(result_or_scores, slug: str) -> scoring.CompetencyScore:
    scores = result_or_scores.competencies if isinstance(result_or_scores, scoring.Result) else result_or_scores
    return next(c for c in scores if c.competency == slug)


def _required_levels(fw: content.Framework, role: str) -> dict[str, int]:
    return {slug: req.level for slug, req in fw.role_by_slug[role].requirements.items()}


# Levels from answers


def test_level_is_weighted_mean_with_scenarios_counting_one_and_a_half(fw):
    answers = _answer(fw, "systems-thinking", behaviours=[3], scenarios=[1])
    level = _competency(score_competencies(fw, answers), "systems-thinking").level
    # (3 x 1 + 1 x 1.5) / 2.5; a plain mean would say 2.0.
    assert level == 1.8


def test_level_is_rounded_to_two_decimals(fw):
    answers = _answer(fw, "systems-thinking", behaviours=[1, 2], scenarios=[4])
    # (1 + 2 + 4 x 1.5) / 3.5 = 2.5714...
    assert _competency(score_competencies(fw, answers), "systems-thinking").level == 2.57


def test_level_rounds_half_up(fw):
    answers = _answer(fw, "systems-thinking", behaviours=[1], scenarios=[1, 0])
    # (1 + 1.5 + 0) / 4 = 0.625 exactly; Python's round() would give 0.62.
    assert _competency(score_competencies(fw, answers), "systems-thinking").level == 0.63


def test_items_take_precedence_over_quick_rating(fw):
    answers = _answer(fw, "mentoring", behaviours=[1], scenarios=[])
    answers = Answers(items=answers.items, ratings={"mentoring": 4})
    mentoring = _competency(score_competencies(fw, answers), "mentoring")
    assert mentoring.source == "items"
    assert mentoring.level == 1.0
    assert mentoring.answered == 1


def test_quick_rating_sets_level_with_low_confidence(fw):
    mentoring = _competency(score_competencies(fw, Answers(ratings={"mentoring": 3})), "mentoring")
    assert mentoring.source == "rating"
    assert mentoring.level == 3.0
    assert mentoring.confidence == 0.35
    assert mentoring.confidence_label == "low"
    assert mentoring.answered == 0
    assert mentoring.total == len(fw.competency_by_slug["mentoring"].items)
    assert mentoring.self_rating is None
    assert mentoring.scenario is None


def test_unanswered_competency_is_level_zero_with_no_confidence(fw):
    result = score(fw, Answers(ratings={"mentoring": 3}), "ai-lead")
    saying_no = _competency(result, "saying-no")
    assert (saying_no.level, saying_no.confidence, saying_no.confidence_label) == (0.0, 0.0, "none")
    assert saying_no.source == "none"
    assert "saying-no" in result.unanswered
    assert "mentoring" not in result.unanswered


def test_competencies_come_in_framework_order_and_levels_cover_every_one(fw):
    result = score(fw, Answers(), "ai-lead")
    assert [c.competency for c in result.competencies] == [c.slug for c in fw.competencies]
    assert list(result.levels) == [c.slug for c in fw.competencies]
    assert result.unanswered == tuple(c.slug for c in fw.competencies)


# Confidence


def test_confidence_is_coverage_times_agreement(fw):
    answers = _answer(fw, "systems-thinking", behaviours=[3, 1], scenarios=[])
    st = _competency(score_competencies(fw, answers), "systems-thinking")
    # Coverage 2/4, agreement 1 - (3 - 1)/4 = 0.5.
    assert st.confidence == 0.25
    assert st.confidence_label == "low"
    assert (st.answered, st.total) == (2, 4)


def test_every_item_answered_alike_is_high_confidence(fw):
    answers = _answer(fw, "systems-thinking", behaviours=[4, 4], scenarios=[4, 4])
    st = _competency(score_competencies(fw, answers), "systems-thinking")
    assert (st.confidence, st.confidence_label) == (1.0, "high")


def test_a_single_answer_agrees_with_itself(fw):
    answers = _answer(fw, "systems-thinking", behaviours=[], scenarios=[2])
    st = _competency(score_competencies(fw, answers), "systems-thinking")
    assert st.confidence == 0.25  # coverage 1/4, agreement 1


def test_answers_spanning_the_whole_scale_carry_no_confidence(fw):
    answers = _answer(fw, "systems-thinking", behaviours=[0], scenarios=[4])
    st = _competency(score_competencies(fw, answers), "systems-thinking")
    assert st.source == "items"
    assert (st.confidence, st.confidence_label) == (0.0, "none")


@pytest.mark.parametrize(
    ("confidence", "label"),
    [(0.0, "none"), (0.01, "low"), (0.39, "low"), (0.4, "medium"), (0.74, "medium"), (0.75, "high"), (1.0, "high")],
)
def test_confidence_label_thresholds(confidence, label):
    assert scoring.confidence_label(confidence) == label


# Blind spots


def test_blind_spot_when_self_rating_outruns_scenarios(fw):
    result = score(fw, _answer(fw, "systems-thinking", behaviours=[4, 4], scenarios=[2, 2]), "ai-lead")
    st = _competency(result, "systems-thinking")
    assert (st.self_rating, st.scenario) == (4.0, 2.0)
    assert st.blind_spot
    assert result.blind_spots == ("systems-thinking",)


def test_blind_spot_at_exactly_the_margin(fw):
    answers = _answer(fw, "systems-thinking", behaviours=[3, 4], scenarios=[2])
    assert _competency(score_competencies(fw, answers), "systems-thinking").blind_spot


def test_no_blind_spot_when_self_rating_is_only_a_little_higher(fw):
    answers = _answer(fw, "systems-thinking", behaviours=[3], scenarios=[2])
    assert not _competency(score_competencies(fw, answers), "systems-thinking").blind_spot


def test_no_blind_spot_without_scenario_answers(fw):
    answers = _answer(fw, "systems-thinking", behaviours=[4, 4], scenarios=[])
    st = _competency(score_competencies(fw, answers), "systems-thinking")
    assert st.scenario is None
    assert not st.blind_spot


def test_modesty_is_not_a_blind_spot(fw):
    answers = _answer(fw, "systems-thinking", behaviours=[0, 0], scenarios=[4, 4])
    assert not _competency(score_competencies(fw, answers), "systems-thinking").blind_spot


# Refused input


def test_unknown_item_is_refused(fw):
    with pytest.raises(ScoringError, match="unknown item 'no-such-item'"):
        score(fw, Answers(items={"no-such-item": 0}))


@pytest.mark.parametrize("index", [4, 99, -1])
def test_option_index_out_of_range_is_refused(fw, index):
    with pytest.raises(ScoringError, match=rf"'systems-thinking-launch-scenario-v2' has options 0 to 3.*{index}"):
        score_competencies(fw, Answers(items={"systems-thinking-launch-scenario-v2": index}))


def test_rating_for_unknown_competency_is_refused(fw):
    with pytest.raises(ScoringError, match="unknown competency 'juggling'"):
        score(fw, Answers(ratings={"juggling": 2}))


@pytest.mark.parametrize("rating", [5, -1])
def test_rating_outside_the_scale_is_refused(fw, rating):
    with pytest.raises(ScoringError, match=rf"'mentoring' must be 0 to 4, got {rating}"):
        score(fw, Answers(ratings={"mentoring": rating}))


def test_the_same_bad_answers_report_the_same_problem_whatever_their_order(fw):
    forwards = Answers(items={"zz-unknown": 0, "aa-unknown": 0})
    backwards = Answers(items={"aa-unknown": 0, "zz-unknown": 0})
    with pytest.raises(ScoringError) as first:
        score_competencies(fw, forwards)
    with pytest.raises(ScoringError) as second:
        score_competencies(fw, backwards)
    assert str(first.value) == str(second.value) == "unknown item 'aa-unknown'"


def test_unknown_role_is_refused(fw):
    with pytest.raises(ScoringError, match="unknown role 'ai-wizard'"):
        score(fw, Answers(), "ai-wizard")
    with pytest.raises(ScoringError, match="unknown role 'ai-wizard'"):
        role_readiness(fw, "ai-wizard", {})


def test_role_readiness_refuses_unknown_competency(fw):
    with pytest.raises(ScoringError, match="unknown competency 'juggling'"):
        role_readiness(fw, "ai-lead", {"juggling": 2})


@pytest.mark.parametrize("level", [4.01, -0.5, math.nan, math.inf])
def test_role_readiness_refuses_level_outside_the_scale(fw, level):
    with pytest.raises(ScoringError, match="'mentoring' must be"):
        role_readiness(fw, "ai-lead", {"mentoring": level})


def test_scoring_error_is_a_value_error():
    # Callers that already handle bad input as ValueError need no new except clause.
    assert issubclass(ScoringError, ValueError)


# Gaps and readiness


def test_gap_and_priority_follow_the_role_requirements(fw):
    requirement = fw.role_by_slug["ai-lead"].requirements["systems-thinking"]
    assert requirement.level >= 2, "this test needs a requirement of level 2 or more"
    result = score(fw, Answers(ratings={"systems-thinking": 1}), "ai-lead")
    gap = next(g for g in result.gaps if g.competency == "systems-thinking")
    assert gap.required == requirement.level
    assert gap.current == 1.0
    assert gap.gap == requirement.level - 1
    assert gap.priority == requirement.weight * (requirement.level - 1)


def test_gaps_hold_only_shortfalls_highest_priority_first(fw):
    result = score(fw, Answers(ratings=dict.fromkeys(content.COMPETENCY_SLUGS, 2)), "ai-lead")
    short = {slug for slug, level in _required_levels(fw, "ai-lead").items() if level > 2}
    assert {g.competency for g in result.gaps} == short
    assert all(g.gap > 0 for g in result.gaps)
    priorities = [g.priority for g in result.gaps]
    assert priorities == sorted(priorities, reverse=True)


def test_tied_priorities_are_ordered_by_competency_slug(fw):
    gaps = score(fw, Answers(), "ai-lead").gaps
    keys = [(-g.priority, g.competency) for g in gaps]
    assert len({g.priority for g in gaps}) < len(gaps), "this test needs two gaps of equal priority"
    assert keys == sorted(keys)


def test_readiness_is_zero_when_nothing_is_answered(fw):
    result = score(fw, Answers(), "ai-lead")
    assert result.readiness == 0.0
    assert {fit.readiness for fit in result.role_fit} == {0.0}


def test_readiness_is_100_when_every_requirement_is_met(fw):
    result = score(fw, Answers(ratings=dict.fromkeys(content.COMPETENCY_SLUGS, 4)), "ai-architect")
    assert result.readiness == 100.0
    assert result.gaps == ()
    assert {fit.readiness for fit in result.role_fit} == {100.0}


def test_readiness_is_one_minus_weighted_gap_over_weighted_requirement(fw):
    role = fw.role_by_slug["ai-lead"]
    levels = _required_levels(fw, "ai-lead")
    levels["systems-thinking"] -= 1
    needed = sum(Fraction(str(req.weight)) * req.level for req in role.requirements.values())
    expected = 100 * (1 - Fraction(str(role.requirements["systems-thinking"].weight)) / needed)
    readiness, gaps = role_readiness(fw, "ai-lead", levels)
    assert readiness == round(float(expected), 1)
    assert [g.competency for g in gaps] == ["systems-thinking"]


def test_a_gap_in_a_heavier_competency_costs_more_readiness(fw):
    requirements = fw.role_by_slug["ai-lead"].requirements
    heavy, light = "evaluation-literacy", "software-architecture"
    assert requirements[heavy].level == requirements[light].level, "this test compares equal requirements"
    assert requirements[heavy].weight > requirements[light].weight
    short_on_heavy = {**_required_levels(fw, "ai-lead"), heavy: requirements[heavy].level - 1}
    short_on_light = {**_required_levels(fw, "ai-lead"), light: requirements[light].level - 1}
    assert role_readiness(fw, "ai-lead", short_on_heavy)[0] < role_readiness(fw, "ai-lead", short_on_light)[0]


def test_role_that_requires_nothing_is_fully_ready(fw):
    undemanding = fw.role_by_slug["ai-lead"].model_copy(
        update={"requirements": {slug: content.Requirement(level=0, weight=1) for slug in content.COMPETENCY_SLUGS}}
    )
    other_roles = tuple(r for r in fw.roles if r.slug != "ai-lead")
    relaxed = content.Framework(
        version=fw.version, competencies=fw.competencies, roles=(undemanding, *other_roles), actions=fw.actions
    )
    assert role_readiness(relaxed, "ai-lead", {}) == (100.0, ())
    assert score(relaxed, Answers(), "ai-lead").readiness == 100.0


def test_role_readiness_counts_a_missing_competency_as_zero(fw):
    assert role_readiness(fw, "ai-lead", {}) == role_readiness(
        fw, "ai-lead", dict.fromkeys(content.COMPETENCY_SLUGS, 0)
    )


def test_role_readiness_reproduces_the_result_it_came_from(fw):
    answers = Answers(
        items={
            **_answer(fw, "systems-thinking", behaviours=[1, 2], scenarios=[4]).items,
            **_answer(fw, "evaluation-literacy", behaviours=[3], scenarios=[1, 2]).items,
        },
        ratings={"mentoring": 2, "user-research": 3},
    )
    result = score(fw, answers, "ai-lead")
    assert role_readiness(fw, "ai-lead", result.levels) == (result.readiness, result.gaps)


# Role fit and strengths


def test_role_fit_ranks_all_five_roles_best_first(fw):
    result = score(fw, Answers(ratings=_required_levels(fw, "ai-architect")), "ai-lead")
    assert sorted(fit.role for fit in result.role_fit) == sorted(content.ROLE_SLUGS)
    assert result.role_fit[0].role == "ai-architect"
    assert result.role_fit[0].readiness == 100.0
    readiness = [fit.readiness for fit in result.role_fit]
    assert readiness == sorted(readiness, reverse=True)
    for fit in result.role_fit:
        assert fit.readiness == role_readiness(fw, fit.role, result.levels)[0]


def test_role_fit_deciding_names_the_three_biggest_gaps(fw):
    result = score(fw, Answers(), "ai-lead")
    for fit in result.role_fit:
        _, gaps = role_readiness(fw, fit.role, result.levels)
        assert fit.deciding == tuple(g.competency for g in gaps[:3])


def test_deciding_falls_back_to_heaviest_met_requirements_when_nothing_is_missing(fw):
    requirements = fw.role_by_slug["ai-lead"].requirements
    result = score(fw, Answers(ratings=_required_levels(fw, "ai-lead")), "ai-lead")
    fit = next(f for f in result.role_fit if f.role == "ai-lead")
    heaviest = max(req.weight for req in requirements.values())
    assert len(fit.deciding) == 2
    assert all(requirements[slug].weight == heaviest for slug in fit.deciding)


def test_deciding_keeps_the_only_gap_and_adds_the_heaviest_met_requirement(fw):
    levels = {**_required_levels(fw, "ai-lead"), "mentoring": 0}
    fit = next(f for f in score(fw, Answers(ratings=levels), "ai-lead").role_fit if f.role == "ai-lead")
    assert fit.deciding[0] == "mentoring"
    assert len(fit.deciding) == 2
    requirements = fw.role_by_slug["ai-lead"].requirements
    assert requirements[fit.deciding[1]].weight == max(req.weight for req in requirements.values())


def test_best_fit_role_is_used_when_none_chosen(fw):
    result = score(fw, Answers(ratings=_required_levels(fw, "ai-product-manager")))
    assert result.role == "ai-product-manager"
    assert not result.role_chosen
    assert result.readiness == result.role_fit[0].readiness


def test_chosen_role_is_kept_even_when_another_fits_better(fw):
    result = score(fw, Answers(ratings=_required_levels(fw, "ai-product-manager")), "ai-engineering-lead")
    assert result.role == "ai-engineering-lead"
    assert result.role_chosen
    assert result.role_fit[0].role != "ai-engineering-lead"
    assert result.readiness < 100


def test_strengths_are_met_requirements_of_level_two_or_more_heaviest_first(fw):
    requirements = fw.role_by_slug["ai-lead"].requirements
    result = score(fw, Answers(ratings=dict.fromkeys(content.COMPETENCY_SLUGS, 4)), "ai-lead")
    assert len(result.strengths) == 5
    assert all(requirements[slug].level >= 2 for slug in result.strengths)
    weights = [requirements[slug].weight for slug in result.strengths]
    assert weights == sorted(weights, reverse=True)
    left_out = [slug for slug, req in requirements.items() if req.level >= 2 and slug not in result.strengths]
    assert all(requirements[slug].weight <= min(weights) for slug in left_out)


def test_an_unmet_or_trivial_requirement_is_no_strength(fw):
    requirements = fw.role_by_slug["ai-lead"].requirements
    trivial = next(slug for slug, req in requirements.items() if req.level < 2)
    levels = {
        **dict.fromkeys(content.COMPETENCY_SLUGS, 4),
        "systems-thinking": requirements["systems-thinking"].level - 1,
    }
    result = score(fw, Answers(ratings=levels), "ai-lead")
    assert "systems-thinking" not in result.strengths
    assert trivial not in result.strengths


# Output and purity


def test_result_json_has_the_preview_plan_shape(fw):
    result = score(fw, _answer(fw, "systems-thinking", behaviours=[4, 4], scenarios=[2, 2]), "ai-lead")
    payload = scoring.result_json(result)
    assert set(payload) == {"role", "readiness", "levels", "gaps", "role_fit", "blind_spots", "unanswered"}
    assert payload["role"] == "ai-lead"
    assert payload["readiness"] == result.readiness
    assert payload["levels"] == result.levels
    assert payload["gaps"][0] == {
        "competency": result.gaps[0].competency,
        "required": result.gaps[0].required,
        "current": result.gaps[0].current,
        "gap": result.gaps[0].gap,
        "priority": result.gaps[0].priority,
    }
    assert set(payload["role_fit"][0]) == {"role", "readiness", "deciding"}
    assert payload["blind_spots"] == ["systems-thinking"]
    assert json.loads(json.dumps(payload)) == payload


def test_same_answers_give_equal_results(fw):
    answers = _answer(fw, "saying-no", behaviours=[2, 3], scenarios=[4])
    assert score(fw, answers, "ai-lead") == score(fw, Answers.model_validate(answers.model_dump()), "ai-lead")


def test_result_survives_the_json_round_trip_used_to_store_it(fw):
    answers = _answer(fw, "systems-thinking", behaviours=[4, 4], scenarios=[2, 2])
    result = score(fw, Answers(items=answers.items, ratings={"mentoring": 3}))
    stored = json.loads(json.dumps(result.model_dump(mode="json")))
    assert scoring.Result.model_validate(stored) == result


def test_answers_are_frozen():
    with pytest.raises(ValueError, match="frozen"):
        Answers().items = {"x": 1}  # type: ignore[misc]


def test_engine_imports_neither_django_nor_the_database():
    tree = ast.parse(Path(scoring.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] == "django"}
    assert {name for name in imported if name.startswith("assessments")} == {"assessments.content"}
