"""The requests the benchmark measures: one table, read by the in-process counts and the load runs alike.

It imports nothing, so ``bench.run`` (which runs outside Django) can read it too.
"""

from __future__ import annotations

ENDPOINTS: tuple[str, ...] = (
    "healthz",
    "questionnaire",
    "autosave",
    "results",
    "roadmap",
    "status",
    "dashboard",
    "comment",
)
LABELS = {
    "healthz": "/healthz (floor)",
    "questionnaire": "questionnaire section",
    "autosave": "answer autosave (htmx)",
    "results": "results page",
    "roadmap": "roadmap page",
    "status": "item status change (htmx)",
    "dashboard": "manager dashboard, 20 reports",
    "comment": "comment post (htmx)",
}
