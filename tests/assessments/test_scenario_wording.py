"""Scenario options must not give their answer away by their wording.

Measured over the shipped framework, loaded with the project's own loader
(``content.load_directory``), by ``scripts/scenario_stats.py``, which prints the
same numbers for a person to re-measure.

- Length against score: Kendall tau-b between an option's length in
  characters and its score, over every pair of options *within* an item,
  pooled across items (pairs from different items are never compared):
  (concordant - discordant) / sqrt((pairs - pairs tied on length) *
  (pairs - pairs tied on score)). At most 0.2.
- The best-scored option is the longest (strictly or jointly) in at most 30 %
  of items, and among the two longest (at most one option strictly longer) in
  at most 65 %.
- Always picking the longest option (ties share the pick) averages no more
  than 0.35 above a random pick (the mean over items of the mean option
  score); nor may always picking the shortest, so that the fix for one cue
  does not plant the opposite one.
- Partial credit is used: at least a third of items have an option scored 3,
  and no item has two options sharing the top score.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from assessments import content

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "scenario_stats.py"


def _stats_module():
    if "scenario_stats" in sys.modules:
        return sys.modules["scenario_stats"]
    spec = importlib.util.spec_from_file_location("scenario_stats", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["scenario_stats"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def stats():
    module = _stats_module()
    return module.wording_stats(module.scenario_items(content.load_directory()))


def test_every_competency_has_scenarios_to_measure(stats):
    assert stats.items >= 2 * len(content.COMPETENCY_SLUGS), stats.report()


def test_option_length_does_not_track_score(stats):
    assert stats.tau_b <= 0.2, f"Kendall tau-b {stats.tau_b:.3f} > 0.2\n{stats.report()}"


def test_the_best_option_is_not_usually_the_longest(stats):
    assert stats.best_longest_share <= 0.30, f"best is longest in {stats.best_longest_share:.0%}\n{stats.report()}"
    assert stats.best_top_two_share <= 0.65, f"best is in the two longest in {stats.best_top_two_share:.0%}\n" + (
        stats.report()
    )


def test_picking_by_length_does_not_pay(stats):
    assert stats.longest_advantage <= 0.35, f"longest pick +{stats.longest_advantage:.2f}\n{stats.report()}"
    assert stats.shortest_advantage <= 0.35, f"shortest pick +{stats.shortest_advantage:.2f}\n{stats.report()}"


def test_partial_credit_is_used(stats):
    assert stats.with_a_three_share >= 1 / 3, f"a 3 in {stats.with_a_three_share:.0%} of items\n{stats.report()}"
    assert stats.shared_top == 0, f"{stats.shared_top} item(s) with two top-scored options\n{stats.report()}"


def test_the_measure_counts_what_it_says():
    module = _stats_module()
    best_is_longest = content.Item(
        slug="x",
        kind="scenario",
        prompt="p",
        explanation="e",
        options=(
            content.Option(label="aaaa", score=4),
            content.Option(label="aaa", score=3),
            content.Option(label="aa", score=1),
            content.Option(label="a", score=0),
        ),
    )
    measured = module.wording_stats([best_is_longest])
    assert (measured.tau_b, measured.best_longest, measured.best_top_two) == (1.0, 1, 1)
    assert (measured.longest_pick, measured.shortest_pick, measured.random_pick) == (4.0, 0.0, 2.0)
    assert (measured.with_a_three, measured.shared_top) == (1, 0)
