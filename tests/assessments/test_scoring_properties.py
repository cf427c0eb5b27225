"""The laws of the scoring engine, over answers drawn from the shipped framework."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import content, scoring
from assessments.scoring import Answers, Result, result_json, role_fit, role_readiness, score

FW = content.get_framework()
ITEM_SLUGS = sorted(FW.item_by_slug)
OPTION_COUNT = {slug: len(item.options) for slug, (_, item) in FW.item_by_slug.items()}
COMPETENCY_OF = {slug: competency.slug for slug, (competency, _) in FW.item_by_slug.items()}
ROLES = sorted(content.ROLE_SLUGS)

laws = settings(max_examples=60, deadline=None)


@st.composite
def answer_sets(draw) -> Answers:
    # Each item answered or not on its own, so competencies with several answers are
    # common: that is where a raised answer could widen the spread and bite.
    chosen = draw(
        st.fixed_dictionaries({slug: st.none() | st.integers(0, OPTION_COUNT[slug] - 1) for slug in ITEM_SLUGS})
    )
    ratings = draw(st.dictionaries(st.sampled_from(content.COMPETENCY_SLUGS), st.integers(0, content.MAX_LEVEL)))
    return Answers(items={slug: index for slug, index in chosen.items() if index is not None}, ratings=ratings)


level_maps = st.dictionaries(
    st.sampled_from(content.COMPETENCY_SLUGS), st.floats(0, content.MAX_LEVEL, allow_nan=False)
)


def _readiness_by_role(result: Result) -> dict[str, float]:
    return {fit.role: fit.readiness for fit in result.role_fit}


def _assert_not_lower(before: Result, after: Result, competency: str) -> None:
    assert after.levels[competency] >= before.levels[competency]
    for other in before.levels:
        if other != competency:
            assert after.levels[other] == before.levels[other]
    before_by_role, after_by_role = _readiness_by_role(before), _readiness_by_role(after)
    for role in ROLES:
        assert after_by_role[role] >= before_by_role[role], role


@laws
@given(answers=answer_sets(), item=st.sampled_from(ITEM_SLUGS), data=st.data())
def test_raising_an_item_answer_never_lowers_level_or_any_readiness(answers, item, data):
    _, definition = FW.item_by_slug[item]
    first = data.draw(st.integers(0, OPTION_COUNT[item] - 1))
    second = data.draw(st.integers(0, OPTION_COUNT[item] - 1))
    low, high = sorted((first, second), key=definition.score_of)
    before = score(FW, Answers(items={**answers.items, item: low}, ratings=answers.ratings), "ai-lead")
    after = score(FW, Answers(items={**answers.items, item: high}, ratings=answers.ratings), "ai-lead")
    _assert_not_lower(before, after, COMPETENCY_OF[item])
    assert after.readiness >= before.readiness


@laws
@given(
    answers=answer_sets(),
    competency=st.sampled_from(content.COMPETENCY_SLUGS),
    pair=st.tuples(st.integers(0, content.MAX_LEVEL), st.integers(0, content.MAX_LEVEL)).map(sorted),
)
def test_raising_a_quick_rating_never_lowers_level_or_any_readiness(answers, competency, pair):
    low, high = pair
    before = score(FW, Answers(items=answers.items, ratings={**answers.ratings, competency: low}), "ai-product-lead")
    after = score(FW, Answers(items=answers.items, ratings={**answers.ratings, competency: high}), "ai-product-lead")
    _assert_not_lower(before, after, competency)
    assert after.readiness >= before.readiness


@laws
@given(
    levels=level_maps,
    competency=st.sampled_from(content.COMPETENCY_SLUGS),
    pair=st.tuples(st.floats(0, content.MAX_LEVEL), st.floats(0, content.MAX_LEVEL)).map(sorted),
)
def test_raising_a_level_never_lowers_readiness_for_any_role(levels, competency, pair):
    low, high = pair
    for role in ROLES:
        before, before_gaps = role_readiness(FW, role, {**levels, competency: low})
        after, after_gaps = role_readiness(FW, role, {**levels, competency: high})
        assert after >= before
        gap_before = next((g.gap for g in before_gaps if g.competency == competency), 0.0)
        gap_after = next((g.gap for g in after_gaps if g.competency == competency), 0.0)
        assert gap_after <= gap_before


@laws
@given(answers=answer_sets(), role=st.none() | st.sampled_from(ROLES))
def test_every_value_stays_in_range(answers, role):
    result = score(FW, answers, role)
    assert 0 <= result.readiness <= 100
    assert list(result.levels) == list(content.COMPETENCY_SLUGS)
    for c in result.competencies:
        assert 0 <= c.level <= content.MAX_LEVEL
        assert round(c.level, 2) == c.level
        assert 0 <= c.confidence <= 1
        assert 0 <= c.answered <= c.total
        assert (c.confidence_label == "none") == (c.confidence == 0)
        for mean in (c.self_rating, c.scenario):
            assert mean is None or 0 <= mean <= content.MAX_LEVEL
        assert c.blind_spot <= (c.self_rating is not None and c.scenario is not None)
        assert c.blind_spot == (c.blind_spot_kind is not None)
    for gap in result.gaps:
        assert 0 < gap.gap <= gap.required <= content.MAX_LEVEL
        assert gap.priority >= 0
        assert 0 <= gap.current < gap.required
    assert sorted(fit.role for fit in result.role_fit) == ROLES
    for fit in result.role_fit:
        assert 0 <= fit.readiness <= 100
        assert -1 <= fit.fit <= 1
        assert round(fit.fit, 2) == fit.fit
        assert 2 <= len(fit.deciding) <= 3
        assert len(set(fit.deciding)) == len(fit.deciding)
    assert len(result.strengths) <= 5
    assert (result.best_fit is None) == (result.tie is not None)
    assert set(result.blind_spots) == {c.competency for c in result.competencies if c.blind_spot}


@laws
@given(answers=answer_sets())
def test_judgement_alone_never_lifts_a_level_above_practising(answers):
    for c in score(FW, Answers(items=answers.items)).competencies:
        practice = c.self_rating if c.self_rating is not None else 0.0
        if c.source == "items":
            assert c.level <= max(practice, 2.0)
            # Above what practice says, the level is judgement's lift, never beyond half the judgement.
            if c.level > practice:
                assert c.scenario is not None
                assert c.level <= c.scenario / 2


@laws
@given(answers=answer_sets())
def test_a_level_never_runs_more_than_one_above_the_judgement_shown(answers):
    for c in score(FW, Answers(items=answers.items)).competencies:
        if c.scenario is not None:
            assert c.level <= c.scenario + scoring.JUDGEMENT_CAP_SLACK


@laws
@given(answers=answer_sets(), role=st.none() | st.sampled_from(ROLES))
def test_top_answers_everywhere_are_ready_for_every_role_with_no_blind_spot(answers, role):
    # Whatever was answered before, and whatever quick ratings linger: every item at its best option.
    best = {slug: max(range(OPTION_COUNT[slug]), key=FW.item_by_slug[slug][1].score_of) for slug in ITEM_SLUGS}
    result = score(FW, Answers(items=best, ratings=answers.ratings), role)
    assert result.readiness >= 95
    assert all(fit.readiness >= 95 for fit in result.role_fit)
    assert result.blind_spots == ()


@laws
@given(answers=answer_sets(), role=st.none() | st.sampled_from(ROLES))
def test_same_answers_give_the_same_result(answers, role):
    first = score(FW, answers, role)
    again = score(FW, Answers.model_validate(answers.model_dump()), role)
    assert first == again
    assert result_json(first) == result_json(again)


@laws
@given(answers=answer_sets(), role=st.none() | st.sampled_from(ROLES))
def test_a_stored_result_reads_back_equal(answers, role):
    result = score(FW, answers, role)
    assert Result.model_validate(json.loads(json.dumps(result.model_dump(mode="json")))) == result


@laws
@given(answers=answer_sets(), data=st.data())
def test_the_order_of_the_answers_does_not_matter(answers, data):
    items = data.draw(st.permutations(list(answers.items.items())))
    ratings = data.draw(st.permutations(list(answers.ratings.items())))
    shuffled = Answers(items=dict(items), ratings=dict(ratings))
    assert score(FW, shuffled, "ai-architect") == score(FW, answers, "ai-architect")
    assert result_json(score(FW, shuffled)) == result_json(score(FW, answers))


@laws
@given(answers=answer_sets())
def test_result_levels_reproduce_readiness_and_gaps(answers):
    result = score(FW, answers, "ai-engineering-lead")
    assert role_readiness(FW, "ai-engineering-lead", result.levels) == (result.readiness, result.gaps)
    for fit in result.role_fit:
        assert role_readiness(FW, fit.role, result.levels)[0] == fit.readiness


@laws
@given(answers=answer_sets())
def test_ranking_is_best_fit_first_and_unchosen_role_is_the_first_ranked(answers):
    result = score(FW, answers)
    keys = [(-fit.fit, -fit.readiness, fit.role) for fit in result.role_fit]
    assert keys == sorted(keys)
    assert result.role == result.role_fit[0].role
    assert result.readiness == result.role_fit[0].readiness
    first, second = result.role_fit[:2]
    if result.best_fit is not None:
        assert result.best_fit == first.role
        assert round(100 * (first.fit - second.fit)) > 100 * scoring.FIT_MARGIN
    else:
        assert result.tie is not None
        assert result.tie.roles == (first.role, second.role)
        assert result.tie.flat or round(100 * (first.fit - second.fit)) <= 100 * scoring.FIT_MARGIN
    gap_keys = [(-gap.priority, gap.competency) for gap in result.gaps]
    assert gap_keys == sorted(gap_keys)


@laws
@given(levels=level_maps)
def test_role_fit_is_deterministic_and_in_range_for_any_levels(levels):
    ranked, best_fit, tie = role_fit(FW, levels)
    assert (ranked, best_fit, tie) == role_fit(FW, dict(reversed(list(levels.items()))))
    assert sorted(fit.role for fit in ranked) == ROLES
    assert all(-1 <= fit.fit <= 1 for fit in ranked)
    assert (best_fit is None) == (tie is not None)


@laws
@given(level=st.integers(0, 100 * content.MAX_LEVEL).map(lambda h: h / 100))
def test_a_flat_profile_never_has_a_best_fit(level):
    ranked, best_fit, tie = role_fit(FW, dict.fromkeys(content.COMPETENCY_SLUGS, level))
    assert best_fit is None
    assert tie is not None
    assert tie.flat
    assert {fit.fit for fit in ranked} == {0.0}


@laws
@given(answers=answer_sets())
def test_result_levels_reproduce_role_fit(answers):
    result = score(FW, answers)
    assert role_fit(FW, result.levels) == (result.role_fit, result.best_fit, result.tie)


# --- Whole numbers and fractions agree ---------------------------------------------------------

hundredth_levels = st.dictionaries(
    st.sampled_from(content.COMPETENCY_SLUGS), st.integers(0, 100 * content.MAX_LEVEL).map(lambda h: h / 100)
)


@laws
@given(levels=hundredth_levels)
def test_readiness_in_whole_hundredths_is_what_the_exact_fractions_give(levels):
    checked = scoring._checked_levels(FW, levels)
    assert checked.hundredths is not None  # the fast path is the one taken for such levels
    for role in FW.roles:
        assert scoring._requirements(role).hundredths is not None  # and for the shipped weights
        fast = scoring._readiness_and_gaps(role, checked)
        exact = scoring._in_fractions(scoring._requirements(role), checked.exact)
        assert fast == exact, role.slug


def _reference_score(competency, answers: Answers) -> tuple | None:
    """The formulas of the scoring rules, in fractions, rounded half up to hundredths."""
    from fractions import Fraction

    answered = [(i, i.score_of(answers.items[i.slug])) for i in competency.items if i.slug in answers.items]
    if not answered:
        return None
    scores = [s for _, s in answered]
    confidence = Fraction(len(answered), len(competency.items)) * (
        1 - Fraction(max(scores) - min(scores), content.MAX_LEVEL)
    )
    behaviour = [s for i, s in answered if i.kind == "behaviour"]
    scenario = [s for i, s in answered if i.kind == "scenario"]
    mean = lambda xs: Fraction(sum(xs), len(xs)) if xs else None  # noqa: E731
    practice, judgement = mean(behaviour), mean(scenario)
    if judgement is None:
        level = practice
    else:
        p = practice if practice is not None else Fraction(0)
        level = min(max(p, (p + judgement / 2) / 2), judgement + scoring.JUDGEMENT_CAP_SLACK)
    kind = None
    if practice is not None and judgement is not None:
        if practice - judgement >= scoring.BLIND_SPOT_MARGIN:
            kind = "overrated"
        elif judgement - practice >= scoring.BLIND_SPOT_MARGIN:
            kind = "untested"
    shown = lambda x: None if x is None else scoring._round(x, 2)  # noqa: E731
    return shown(level), shown(confidence), shown(practice), shown(judgement), kind is not None, kind


@laws
@given(answers=answer_sets())
def test_competency_scores_in_whole_numbers_are_what_the_exact_fractions_give(answers):
    result = score(FW, Answers(items=answers.items))
    for competency, found in zip(FW.competencies, result.competencies, strict=True):
        expected = _reference_score(competency, answers)
        if expected is not None:
            assert (
                found.level,
                found.confidence,
                found.self_rating,
                found.scenario,
                found.blind_spot,
                found.blind_spot_kind,
            ) == expected
