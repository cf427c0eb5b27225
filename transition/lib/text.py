"""Plain-text helpers for pages that show a short line first and the rest on demand."""

from __future__ import annotations

import re

# Where a summary's first idea ends: a colon, ", and" starting a second clause, or the sentence's end.
_BREAK = re.compile(r":\s|,\s+and\s|\.\s|\.$")


def lead_and_rest(text: str) -> tuple[str, str]:
    """The first clause of ``text`` (what fits a card) and the whole text, for behind a disclosure.

    The rest is the whole text rather than what follows the clause: cut mid-sentence, the remainder
    does not read on its own.
    """
    text = " ".join(text.split())
    match = _BREAK.search(text)
    if match is None:
        return text, ""
    lead = text[: match.start()].rstrip(" ,;")
    if lead == text.rstrip("."):
        return text, ""
    return lead + ".", text
