"""Measure whether scenario options give their answer away by their wording.

    python scripts/scenario_stats.py [FRAMEWORK_DIR]

Prints, for the shipped framework (or the one in FRAMEWORK_DIR), the numbers
that tests/assessments/test_scenario_wording.py holds:

- Kendall tau-b between an option's length in characters and its score, over
  all pairs of options within an item, pooled across items: (concordant -
  discordant) / sqrt((pairs - pairs tied on length) * (pairs - pairs tied on
  score)). Pairs from different items are never compared.
- how often the best-scored option is the longest (strictly or jointly), and
  how often it is among the two longest (at most one option strictly longer);
- the mean score of always picking the longest option (ties share the pick)
  against the mean score of a random pick (mean over items of the mean
  option score), and the difference; the same for the shortest option, so
  that removing one cue does not plant the opposite one;
- how many items have an option scored 3, and how many have two options
  sharing the top score.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assessments.content import FRAMEWORK_DIR, Framework, Item, load_directory


@dataclass(frozen=True)
class WordingStats:
    items: int
    tau_b: float
    concordant: int
    discordant: int
    best_longest: int
    best_top_two: int
    longest_pick: float
    shortest_pick: float
    random_pick: float
    with_a_three: int
    shared_top: int

    @property
    def best_longest_share(self) -> float:
        return self.best_longest / self.items

    @property
    def best_top_two_share(self) -> float:
        return self.best_top_two / self.items

    @property
    def longest_advantage(self) -> float:
        return self.longest_pick - self.random_pick

    @property
    def shortest_advantage(self) -> float:
        return self.shortest_pick - self.random_pick

    @property
    def with_a_three_share(self) -> float:
        return self.with_a_three / self.items

    def report(self) -> str:
        return "\n".join(
            (
                f"scenario items: {self.items}",
                f"Kendall tau-b, length vs score within items: {self.tau_b:.3f}"
                f" ({self.concordant} concordant, {self.discordant} discordant pairs)",
                f"best option is the longest (strictly or jointly): {self.best_longest}/{self.items}"
                f" ({self.best_longest_share:.0%})",
                f"best option is among the two longest: {self.best_top_two}/{self.items}"
                f" ({self.best_top_two_share:.0%})",
                f"always picking the longest: {self.longest_pick:.2f}; random pick: {self.random_pick:.2f};"
                f" advantage {self.longest_advantage:+.2f}",
                f"always picking the shortest: {self.shortest_pick:.2f}; advantage {self.shortest_advantage:+.2f}",
                f"items with an option scored 3: {self.with_a_three}/{self.items} ({self.with_a_three_share:.0%})",
                f"items with two options sharing the top score: {self.shared_top}",
            )
        )


def scenario_items(framework: Framework) -> list[Item]:
    return [item for c in framework.competencies for item in c.items if item.kind == "scenario"]


def wording_stats(items: list[Item]) -> WordingStats:
    pairs = tied_length = tied_score = concordant = discordant = 0
    best_longest = best_top_two = with_a_three = shared_top = 0
    longest_pick = shortest_pick = random_pick = 0.0
    for item in items:
        lengths = [len(o.label) for o in item.options]
        scores = [o.score for o in item.options]
        for i in range(len(scores)):
            for j in range(i + 1, len(scores)):
                dx, dy = lengths[i] - lengths[j], scores[i] - scores[j]
                pairs += 1
                tied_length += dx == 0
                tied_score += dy == 0
                concordant += dx * dy > 0
                discordant += dx * dy < 0
        top = max(scores)
        shared_top += scores.count(top) > 1
        best = lengths[scores.index(top)]
        longer = sum(length > best for length in lengths)
        best_longest += longer == 0
        best_top_two += longer <= 1
        longest = [s for length, s in zip(lengths, scores, strict=True) if length == max(lengths)]
        longest_pick += sum(longest) / len(longest)
        shortest = [s for length, s in zip(lengths, scores, strict=True) if length == min(lengths)]
        shortest_pick += sum(shortest) / len(shortest)
        random_pick += sum(scores) / len(scores)
        with_a_three += 3 in scores
    denominator = math.sqrt((pairs - tied_length) * (pairs - tied_score))
    n = len(items)
    return WordingStats(
        items=n,
        tau_b=(concordant - discordant) / denominator if denominator else 0.0,
        concordant=concordant,
        discordant=discordant,
        best_longest=best_longest,
        best_top_two=best_top_two,
        longest_pick=longest_pick / n,
        shortest_pick=shortest_pick / n,
        random_pick=random_pick / n,
        with_a_three=with_a_three,
        shared_top=shared_top,
    )


def main(argv: list[str]) -> int:
    directory = Path(argv[0]) if argv else FRAMEWORK_DIR
    print(wording_stats(scenario_items(load_directory(directory))).report())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
