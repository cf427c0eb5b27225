"""Honest scoring, held on the shipped framework: four respondents the issue names, and flat profiles.

Behaviour options are chosen by what they say; scenario options by their score alone, because
scenario wording is rewritten from time to time and must not matter here.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assessments import content
from assessments.scoring import Answers, Result, result_json, score

KNOWS_NOT_DONE = "I know what it involves, but have not done it"
NEVER = "Never"


@pytest.fixture(scope="module")
def fw() -> content.Framework:
    return content.get_framework()


def _by_label(label: str) -> Callable[[content.Item], int]:
    def pick(item: content.Item) -> int:
        return next(i for i, option in enumerate(item.options) if option.label == label)

    return pick


def _top(item: content.Item) -> int:
    return max(range(len(item.options)), key=item.score_of)


def _bottom(item: content.Item) -> int:
    return min(range(len(item.options)), key=item.score_of)


def _respondent(
    fw: content.Framework, behaviour: Callable[[content.Item], int], scenario: Callable[[content.Item], int]
) -> Answers:
    chosen = {}
    for competency in fw.competencies:
        for item in competency.items:
            chosen[item.slug] = behaviour(item) if item.kind == "behaviour" else scenario(item)
    return Answers(items=chosen)


def _kinds(result: Result, kind: str) -> list[str]:
    return [c.competency for c in result.competencies if c.blind_spot_kind == kind]


def test_the_behaviour_options_this_file_picks_mean_what_it_says(fw):
    behaviour = next(item for c in fw.competencies for item in c.items if item.kind == "behaviour")
    labels = [option.label for option in behaviour.options]
    assert KNOWS_NOT_DONE in labels
    assert behaviour.score_of(_by_label(NEVER)(behaviour)) == min(o.score for o in behaviour.options)
    assert behaviour.score_of(_by_label(KNOWS_NOT_DONE)(behaviour)) < 2  # below Practising


@pytest.mark.parametrize("role", content.ROLE_SLUGS)
def test_knowing_every_answer_without_having_done_it_is_at_most_70_percent_ready(fw, role):
    result = score(fw, _respondent(fw, _by_label(KNOWS_NOT_DONE), _top), role)
    assert result.readiness <= 70
    assert all(fit.readiness <= 70 for fit in result.role_fit)
    assert len(_kinds(result, "untested")) >= 15


def test_the_untested_competencies_are_in_the_json_with_both_numbers(fw):
    payload = result_json(score(fw, _respondent(fw, _by_label(KNOWS_NOT_DONE), _top), "ai-lead"))
    untested = [spot for spot in payload["blind_spots"] if spot["kind"] == "untested"]
    assert len(untested) >= 15
    for spot in untested:
        assert set(spot) >= {"competency", "kind", "practice", "judgement"}
        assert spot["judgement"] > spot["practice"]


@pytest.mark.parametrize("role", content.ROLE_SLUGS)
def test_never_having_done_it_with_the_best_picks_is_at_most_65_percent_ready(fw, role):
    result = score(fw, _respondent(fw, _by_label(NEVER), _top), role)
    assert result.readiness <= 65
    assert all(fit.readiness <= 65 for fit in result.role_fit)


def test_top_practice_claimed_with_the_worst_picks_is_overrated_on_15_or_more(fw):
    top_practice = content.BEHAVIOUR_SCALE[-1][0]
    result = score(fw, _respondent(fw, _by_label(top_practice), _bottom), "ai-lead")
    assert len(_kinds(result, "overrated")) >= 15
    payload = result_json(result)
    assert sum(spot["kind"] == "overrated" for spot in payload["blind_spots"]) >= 15


@pytest.mark.parametrize("role", content.ROLE_SLUGS)
def test_top_answers_everywhere_are_at_least_95_percent_ready_with_no_blind_spot(fw, role):
    result = score(fw, _respondent(fw, _top, _top), role)
    assert result.readiness >= 95
    assert all(fit.readiness >= 95 for fit in result.role_fit)
    assert result.blind_spots == ()
    assert result_json(result)["blind_spots"] == []


@pytest.mark.parametrize("level", [1, 2, 3])
def test_a_flat_profile_has_no_best_fit_in_the_json(fw, level):
    payload = result_json(score(fw, Answers(ratings=dict.fromkeys(content.COMPETENCY_SLUGS, level))))
    assert payload["best_fit"] is None
    assert payload["tie"]["flat"]


@pytest.mark.parametrize("role", content.ROLE_SLUGS)
def test_a_profile_equal_to_a_roles_requirements_names_that_role_in_the_json(fw, role):
    levels = {slug: req.level for slug, req in fw.role_by_slug[role].requirements.items()}
    payload = result_json(score(fw, Answers(ratings=levels)))
    assert payload["best_fit"] == role
    assert payload["role_fit"][0]["role"] == role
    assert payload["tie"] is None
