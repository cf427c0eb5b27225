"""The requests the benchmark measures: one table, read by the in-process counts and the load runs alike.

It imports nothing, so ``bench.run`` (which runs outside Django) can read it too.
"""

from __future__ import annotations

ENDPOINTS: tuple[str, ...] = (
    "healthz",
    "floor",
    "questionnaire",
    "autosave",
    "results",
    "roadmap",
    "status",
    "dashboard",
    "comment",
)
LABELS = {
    "healthz": "/healthz (no session)",
    "floor": "signed-in floor (base page)",
    "questionnaire": "questionnaire section",
    "autosave": "answer autosave (htmx)",
    "results": "results page",
    "roadmap": "roadmap page",
    "status": "item status change (htmx)",
    "dashboard": "manager dashboard, 20 reports",
    "comment": "comment post (htmx)",
}
PAGES = frozenset({"questionnaire", "results", "roadmap", "dashboard"})
ACTIONS = frozenset({"autosave", "status", "comment"})
# The cache state each request is measured with, in process and under load. At the large set (10,000
# engineers, 500 managers, two workers recycled every 5,000-5,500 requests) a per-process cache of a
# person's page is almost never warm for the next person, so every request is measured with the caches
# (CACHES) empty: cold. So are the per-process memos of one person's data, the formatted moments and the
# comment bodies drawn as HTML (bench.queries._empty_caches): at that size they are rarely read twice.
# What is kept per process and framework load (the questionnaire's structure, the framework and its
# tables, formatted numbers) is warm, as it is after a worker's first few requests.
CACHE_STATE = dict.fromkeys(ENDPOINTS, "cold")
