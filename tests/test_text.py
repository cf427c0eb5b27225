"""transition.lib.text: a card's one line and the rest behind a disclosure."""

from __future__ import annotations

from transition.lib.text import lead_and_rest


def test_the_lead_ends_at_a_colon_and_the_whole_text_stays_for_the_disclosure():
    text = "Decides what should be built and why: talks to users every week."
    assert lead_and_rest(text) == ("Decides what should be built and why.", text)


def test_the_lead_ends_where_a_second_clause_starts():
    lead, _ = lead_and_rest("Takes AI features to production, and translates between people. More.")
    assert lead == "Takes AI features to production."


def test_a_text_of_one_short_sentence_has_nothing_behind_the_disclosure():
    assert lead_and_rest("Answer first.") == ("Answer first.", "")
