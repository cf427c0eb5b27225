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


def _answer_any(fw: content.Framework, behaviours: list[int], scenarios: list[int]) -> tuple[str, Answers]:
    """Answers for the first competency whose items offer these scores, choosing options by score.

    Scenario options are rewritten from time to time; any competency that can give the scores will do.
    """
    for competency in fw.competencies:
        slugs = {kind: _items(fw, competency.slug, kind) for kind in ("behaviour", "scenario")}
        offered = {
            slug: {option.score for option in fw.item_by_slug[slug][1].options}
            for slugs_ in slugs.values()
            for slug in slugs_
        }
        pairs = list(zip(slugs["behaviour"], behaviours, strict=False)) + list(
            zip(slugs["scenario"], scenarios, strict=False)
        )
        if len(pairs) == len(behaviours) + len(scenarios) and all(wanted in offered[slug] for slug, wanted in pairs):
            return competency.slug, _answer(fw, competency.slug, behaviours, scenarios)
    raise AssertionError(f"no competency offers behaviours {behaviours} with scenarios {scenarios}")


def _level(fw: content.Framework, behaviours: list[int], scenarios: list[int]) -> float:
    slug, answers = _answer_any(fw, behaviours, scenarios)
    return _competency(score_competencies(fw, answers), slug).level


def test_level_is_the_practice_reported_when_judgement_bears_it_out(fw):
    assert _level(fw, behaviours=[3, 3], scenarios=[4, 4]) == 3.0
    assert _level(fw, behaviours=[4, 4], scenarios=[4, 4]) == 4.0


def test_judgement_lifts_a_low_level_halfway_towards_half_its_score(fw):
    # P = 1, J = 4: max(1, (1 + 4/2) / 2) = 1.5.
    assert _level(fw, behaviours=[1, 1], scenarios=[4, 4]) == 1.5
    # P = 0.5, J = 4: (0.5 + 2) / 2 = 1.25.
    assert _level(fw, behaviours=[0, 1], scenarios=[4, 4]) == 1.25


def test_knowing_every_answer_without_practice_is_aware_not_practising(fw):
    assert _level(fw, behaviours=[0, 0], scenarios=[4, 4]) == 1.0
    # Scenarios alone, no behaviour item answered: practice counts as none.
    assert _level(fw, behaviours=[], scenarios=[4, 4]) == 1.0


def test_judgement_adds_nothing_once_practice_is_at_practising(fw):
    assert _level(fw, behaviours=[2, 2], scenarios=[4, 4]) == 2.0


def test_judgement_that_does_not_bear_out_the_self_report_caps_it_one_level_above(fw):
    # P = 4, J = 2: min(4, 2 + 1) = 3.
    assert _level(fw, behaviours=[4, 4], scenarios=[4, 0]) == 3.0
    # P = 4, J = 0: min(4, 0 + 1) = 1.
    assert _level(fw, behaviours=[4, 4], scenarios=[0, 0]) == 1.0


def test_practice_without_any_scenario_answered_is_taken_as_reported(fw):
    assert _level(fw, behaviours=[4, 3], scenarios=[]) == 3.5


def test_level_rounds_half_up(fw):
    # Scenarios only, J = 2.5: 2.5 / 4 = 0.625 exactly; Python's round() would give 0.62.
    assert _level(fw, behaviours=[], scenarios=[4, 1]) == 0.63


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


def test_overrated_when_self_rating_outruns_scenarios(fw):
    result = score(fw, _answer(fw, "systems-thinking", behaviours=[4, 4], scenarios=[2, 2]), "ai-lead")
    st = _competency(result, "systems-thinking")
    assert (st.self_rating, st.scenario) == (4.0, 2.0)
    assert (st.blind_spot, st.blind_spot_kind) == (True, "overrated")
    assert result.blind_spots == ("systems-thinking",)


def test_overrated_at_exactly_the_margin(fw):
    answers = _answer(fw, "systems-thinking", behaviours=[3, 4], scenarios=[2])
    assert _competency(score_competencies(fw, answers), "systems-thinking").blind_spot_kind == "overrated"


def test_no_blind_spot_when_self_rating_is_only_a_little_higher(fw):
    answers = _answer(fw, "systems-thinking", behaviours=[3], scenarios=[2])
    st = _competency(score_competencies(fw, answers), "systems-thinking")
    assert (st.blind_spot, st.blind_spot_kind) == (False, None)


def test_no_blind_spot_without_scenario_answers(fw):
    answers = _answer(fw, "systems-thinking", behaviours=[4, 4], scenarios=[])
    st = _competency(score_competencies(fw, answers), "systems-thinking")
    assert st.scenario is None
    assert (st.blind_spot, st.blind_spot_kind) == (False, None)


def test_no_blind_spot_without_behaviour_answers(fw):
    slug, answers = _answer_any(fw, behaviours=[], scenarios=[4, 4])
    st = _competency(score_competencies(fw, answers), slug)
    assert st.self_rating is None
    assert (st.blind_spot, st.blind_spot_kind) == (False, None)


def test_knowing_the_answers_without_having_done_it_is_untested(fw):
    result = score(fw, _answer(fw, "systems-thinking", behaviours=[0, 0], scenarios=[4, 4]), "ai-lead")
    st = _competency(result, "systems-thinking")
    assert (st.blind_spot, st.blind_spot_kind) == (True, "untested")
    assert result.blind_spots == ("systems-thinking",)


def test_untested_at_exactly_the_margin(fw):
    slug, answers = _answer_any(fw, behaviours=[2, 3], scenarios=[4, 4])
    assert _competency(score_competencies(fw, answers), slug).blind_spot_kind == "untested"


def test_no_blind_spot_when_judgement_is_only_a_little_higher(fw):
    slug, answers = _answer_any(fw, behaviours=[3, 3], scenarios=[4, 4])
    assert _competency(score_competencies(fw, answers), slug).blind_spot_kind is None


def test_each_blind_spot_explains_itself_with_both_numbers(fw):
    untested = _competency(
        score_competencies(fw, _answer(fw, "systems-thinking", behaviours=[1, 1], scenarios=[4, 4])), "systems-thinking"
    )
    text = scoring.blind_spot_explanation(untested)
    assert text is not None
    assert "(4.0 of 4" in text
    assert "(1.0 of 4)" in text
    assert "the next step is to do it" in text
    overrated = _competency(
        score_competencies(fw, _answer(fw, "systems-thinking", behaviours=[4, 4], scenarios=[2, 2])), "systems-thinking"
    )
    text = scoring.blind_spot_explanation(overrated)
    assert text is not None
    assert "more practice (4.0 of 4)" in text
    assert "(2.0 of 4)" in text
    calm = _competency(score_competencies(fw, Answers(ratings={"mentoring": 3})), "mentoring")
    assert scoring.blind_spot_explanation(calm) is None


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


def test_role_fit_ranks_all_five_roles_best_fit_first_with_readiness_beside_it(fw):
    result = score(fw, Answers(ratings=_required_levels(fw, "ai-architect")), "ai-lead")
    assert sorted(fit.role for fit in result.role_fit) == sorted(content.ROLE_SLUGS)
    assert result.role_fit[0].role == "ai-architect"
    assert result.role_fit[0].readiness == 100.0
    fits = [fit.fit for fit in result.role_fit]
    assert fits == sorted(fits, reverse=True)
    for fit in result.role_fit:
        assert fit.readiness == role_readiness(fw, fit.role, result.levels)[0]


@pytest.mark.parametrize("role", content.ROLE_SLUGS)
def test_a_profile_shaped_like_a_role_fits_that_role_clearly(fw, role):
    result = score(fw, Answers(ratings=_required_levels(fw, role)))
    assert result.best_fit == role
    assert result.tie is None
    assert result.role == role
    first, second = result.role_fit[:2]
    assert first.fit - second.fit > scoring.FIT_MARGIN


@pytest.mark.parametrize("level", [0, 1, 2, 3, 4])
def test_a_flat_profile_fits_no_role(fw, level):
    result = score(fw, Answers(ratings=dict.fromkeys(content.COMPETENCY_SLUGS, level)))
    assert result.best_fit is None
    assert {fit.fit for fit in result.role_fit} == {0.0}
    assert result.tie is not None
    assert result.tie.flat
    assert result.tie.roles == (result.role_fit[0].role, result.role_fit[1].role)
    assert result.tie.deciding


def test_a_flat_profile_falls_back_to_readiness_for_the_order(fw):
    result = score(fw, Answers(ratings=dict.fromkeys(content.COMPETENCY_SLUGS, 2)))
    keys = [(-fit.readiness, fit.role) for fit in result.role_fit]
    assert keys == sorted(keys)


def test_a_hardly_shaped_profile_is_flat_too(fw):
    levels = {**dict.fromkeys(content.COMPETENCY_SLUGS, 2.0), "user-research": 2.5, "saying-no": 2.5}
    _, best_fit, tie = scoring.role_fit(fw, levels)
    assert best_fit is None
    assert tie is not None
    assert tie.flat


def _blend(fw: content.Framework, first: str, second: str, share: float) -> dict[str, float]:
    a, b = _required_levels(fw, first), _required_levels(fw, second)
    return {slug: round(share * a[slug] + (1 - share) * b[slug], 2) for slug in content.COMPETENCY_SLUGS}


def test_two_roles_too_close_to_call_are_a_tie_naming_what_would_decide_it(fw):
    first, second = "ai-product-manager", "ai-product-lead"
    ties = []
    for step in range(101):
        ranked, best_fit, tie = scoring.role_fit(fw, _blend(fw, first, second, step / 100))
        if tie is not None and not tie.flat:
            ties.append((ranked, best_fit, tie))
    assert ties, "a blend of two roles passes through a tie between them"
    for ranked, best_fit, tie in ties:
        assert best_fit is None
        assert tie.roles == (ranked[0].role, ranked[1].role)
        assert ranked[0].fit - ranked[1].fit <= tie.margin + 1e-9
        assert tie.margin == float(scoring.FIT_MARGIN)
        assert 1 <= len(tie.deciding) <= scoring.MAX_TIE_DECIDING
    # Between these two, the competencies they weigh most differently decide it.
    assert {"user-research", "evaluation-literacy"} & set(ties[0][2].deciding)


def test_a_clear_lead_is_a_best_fit_and_no_tie(fw):
    ranked, best_fit, tie = scoring.role_fit(fw, _required_levels(fw, "ai-engineering-lead"))
    assert (best_fit, tie) == ("ai-engineering-lead", None)
    assert ranked[0].fit - ranked[1].fit > scoring.FIT_MARGIN


def test_fit_ignores_how_high_the_profile_is_and_reads_only_its_shape(fw):
    shaped = _required_levels(fw, "ai-architect")
    lower = {slug: max(0, level - 1) for slug, level in shaped.items()}
    assert 0 not in shaped.values(), "this test lowers every level by one without clipping"
    ranked, _, _ = scoring.role_fit(fw, shaped)
    ranked_lower, _, _ = scoring.role_fit(fw, lower)
    assert [(f.role, f.fit) for f in ranked] == [(f.role, f.fit) for f in ranked_lower]
    assert all(a.readiness > b.readiness for a, b in zip(ranked, ranked_lower, strict=True))


def test_role_fit_reproduces_the_result_it_came_from(fw):
    answers = Answers(ratings={**_required_levels(fw, "ai-lead"), "mentoring": 0})
    result = score(fw, answers)
    assert scoring.role_fit(fw, result.levels) == (result.role_fit, result.best_fit, result.tie)


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
    assert result.role == result.best_fit == "ai-product-manager"
    assert not result.role_chosen
    assert result.readiness == result.role_fit[0].readiness


def test_on_a_tie_the_first_ranked_role_is_used_when_none_chosen(fw):
    result = score(fw, Answers(ratings=dict.fromkeys(content.COMPETENCY_SLUGS, 2)))
    assert result.best_fit is None
    assert result.role == result.role_fit[0].role


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
    assert set(payload) == {
        "role",
        "readiness",
        "levels",
        "gaps",
        "role_fit",
        "best_fit",
        "tie",
        "blind_spots",
        "unanswered",
    }
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
    assert set(payload["role_fit"][0]) == {"role", "readiness", "deciding", "fit"}
    assert payload["best_fit"] == result.best_fit
    assert payload["blind_spots"] == [
        {"competency": "systems-thinking", "kind": "overrated", "practice": 4.0, "judgement": 2.0}
    ]
    assert json.loads(json.dumps(payload)) == payload


def test_result_json_names_the_tie_with_its_margin_and_deciding_competencies(fw):
    payload = scoring.result_json(score(fw, Answers(ratings=dict.fromkeys(content.COMPETENCY_SLUGS, 2))))
    assert payload["best_fit"] is None
    tie = payload["tie"]
    assert set(tie) == {"roles", "margin", "flat", "deciding"}
    assert tie["roles"] == [payload["role_fit"][0]["role"], payload["role_fit"][1]["role"]]
    assert (tie["margin"], tie["flat"]) == (0.05, True)
    assert tie["deciding"]


def test_result_json_has_no_tie_when_one_role_fits_clearly(fw):
    payload = scoring.result_json(score(fw, Answers(ratings=_required_levels(fw, "ai-lead"))))
    assert (payload["best_fit"], payload["tie"]) == ("ai-lead", None)


def test_a_result_stored_before_blind_spot_kinds_and_fit_still_reads_back(fw):
    stored = score(fw, _answer(fw, "systems-thinking", behaviours=[4, 4], scenarios=[2, 2])).model_dump(mode="json")
    del stored["best_fit"], stored["tie"]
    for competency in stored["competencies"]:
        del competency["blind_spot_kind"]
    for fit in stored["role_fit"]:
        del fit["fit"]
    old = scoring.Result.model_validate(stored)
    assert old.blind_spots == ("systems-thinking",)
    assert (old.best_fit, old.tie) == (None, None)


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


def test_the_engine_keeps_its_tables_on_the_framework_and_a_copy_builds_its_own(fw):
    from roadmaps import planning

    result = score(fw, Answers(), "ai-lead")
    planning.plan(fw, role=result.role, levels=result.levels, hours_per_week=4, months=6)
    assert {"scoring.signature", "planning.index"} <= fw.derived.keys()
    assert "scoring.requirements" in fw.role_by_slug["ai-lead"].derived
    copy = fw.model_copy(update={"version": fw.version})
    assert copy.derived == {}
    assert copy == fw  # the tables are no part of what the framework is
    assert "derived" not in fw.model_dump()
    assert "_derived" not in fw.model_dump()
