"""Free text: as the database will take it, and as a card shows it first.

PostgreSQL refuses a NUL character (\\x00) in text, and a write that carries one fails with a 500; SQLite
takes it, which is why only production met it. Every service that stores text a person typed refuses it
first, with NUL_MESSAGE, where the text was entered.

``escape`` is for the parts of pages drawn in Python rather than by a template (charts, table rows, cards).
"""

from __future__ import annotations

import html
import re

NUL_MESSAGE = "It contains a null character (\\0), which cannot be saved: remove it and try again."


def escape(text: object) -> str:
    """``text`` as the template engine escapes a value (conditional_escape): markup already made safe is kept,
    the rest escaped by the standard library, without Django's lazy-text check on every call."""
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


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
