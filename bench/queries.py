"""SQL queries per request for each main page and htmx action, counted through the whole middleware stack.

Requests go through Django's test client, in-process, against whatever database the
settings point at (a bench database, or the test database in tests/test_bench_queries.py).
Each request is made twice and the second one is counted: a long-running worker's steady
state. Writes leave the data as they found it (the comment posted is deleted again).
"""

from __future__ import annotations

import datetime
import statistics
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, Item
from bench.endpoints import CACHE_STATE, ENDPOINTS
from bench.seed import SECTION, email, target_item_index
from roadmaps import comments
from roadmaps.models import Comment, Roadmap, RoadmapItem, month_start
from transition.accounts.models import Notification, Share, User
from transition.lib import formatting

HTMX = {"HX-Request": "true"}
# The template engine's share is told in rounds of its own, fewer: it is a split, not a target.
DRAWING_ROUNDS = 4
# The per-process memos that hold one person's values rather than the framework's (see _empty_caches).
PERSONAL_MEMOS = (formatting._stamp, comments._body_html)
COMMENT_BODY = "Bench comment: what would make this count as done?"


@dataclass(frozen=True)
class Actors:
    """Who the benchmark acts as for one subject engineer, and what they act on."""

    engineer: User
    manager: User
    mentor: User
    in_progress: Assessment
    finished: Assessment
    roadmap: Roadmap
    item: RoadmapItem
    answer_item: Item

    @property
    def section_url(self) -> str:
        return reverse("assessments:section", args=[self.in_progress.pk, SECTION])

    @property
    def urls(self) -> dict[str, str]:
        return {
            "healthz": reverse("healthz"),
            "floor": reverse("floor"),
            "questionnaire": self.section_url,
            "autosave": self.section_url,
            "results": reverse("assessments:results", args=[self.finished.pk]),
            "roadmap": reverse("roadmaps:detail", args=[self.roadmap.pk]),
            "status": reverse("roadmaps:item_update", args=[self.roadmap.pk, self.item.pk]),
            "dashboard": reverse("team:dashboard"),
            "comment": reverse("roadmaps:comment_create", args=[self.roadmap.pk]),
        }


def actors(prefix: str = "bench", subject: int = 0) -> Actors:
    engineer = User.objects.get(email=email(prefix, "engineer", subject))
    shares = Share.objects.filter(engineer=engineer, status=Share.Status.ACTIVE).select_related("person")
    people = {s.relation: s.person for s in shares if s.person is not None}
    mine = Assessment.objects.filter(owner=engineer)
    roadmap = Roadmap.objects.get(owner=engineer)
    items = list(roadmap.items.all())
    return Actors(
        engineer=engineer,
        manager=people[Share.Relation.MANAGER],
        mentor=people[Share.Relation.MENTOR],
        in_progress=mine.get(status=Assessment.Status.IN_PROGRESS),
        finished=mine.filter(status=Assessment.Status.FINISHED).latest("finished_at"),
        roadmap=roadmap,
        item=items[target_item_index(items, month_start(timezone.localdate()))],
        answer_item=Item.objects.filter(competency__slug=SECTION, retired=False).order_by("position").first(),  # type: ignore[arg-type]
    )


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _count(client: Client, method: str, url: str, data: dict | None, headers: dict[str, str]) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        if method == "POST":
            response = client.post(url, data or {}, headers=headers)
        else:
            response = client.get(url, headers=headers)
    return len(captured), response.status_code


def _empty_caches() -> None:
    # What a request finds at the real size (bench/endpoints.py CACHE_STATE): nothing of its own kept.
    # Sessions in a shared cache (settings.REDIS_URL) stay: it holds every live session, so they are hit.
    kept = settings.SESSION_CACHE_ALIAS if settings.SESSION_ENGINE.endswith("cached_db") else None
    for alias in caches:
        if alias != kept:
            caches[alias].clear()
    # Memos of one person's values: each moment and comment is someone's, and 10,000 engineers' do not fit.
    for memo in PERSONAL_MEMOS:
        memo.cache_clear()


class TemplateClock:
    """The CPU Django's template engine spends drawing a request's HTML, summed while the clock is in use.

    Each outermost render (render(), render_to_string(), a partial; one render started by another is part
    of it) is made as usual, then drawn once more from the same context, and only that second drawing is
    timed. By then every value the page works out when a template first reads it (a chart, a projection:
    results and roadmap pages compute them lazily) is worked out, so the time is the engine's alone, not
    the page's Python called from it. The redrawing doubles the drawing, so the clock runs in rounds of
    its own, never in the rounds that time the requests."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._depth = 0

    def __enter__(self) -> TemplateClock:
        from django.template.backends.django import Template

        self._original = original = Template.render
        clock = self

        def render(template, *args, **kwargs):  # type: ignore[no-untyped-def]
            clock._depth += 1
            try:
                html = original(template, *args, **kwargs)
                if clock._depth == 1:
                    started = time.process_time()
                    original(template, *args, **kwargs)
                    clock.seconds += time.process_time() - started
                return html
            finally:
                clock._depth -= 1

        Template.render = render  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        from django.template.backends.django import Template

        Template.render = self._original  # type: ignore[method-assign]


def measure(
    a: Actors,
    cpu_ms: dict[str, float] | None = None,
    cpu_repeat: int = 120,
    rounds: int = 12,
    template_ms: dict[str, float] | None = None,
) -> dict[str, int]:
    """Queries per request, by endpoint. Raises if a request does not answer 200.

    Given ``cpu_ms``, each request is also made ``cpu_repeat`` more times and the process CPU
    time per request goes into it: a number that other load on the machine disturbs far
    less than wall-clock time. The timed requests go in ``rounds`` rounds, every endpoint in
    each, and the median round counts: load from other work then falls on all the endpoints
    alike, rather than on whichever was being timed. Each timed request finds the cache
    state of ``CACHE_STATE``. Given ``template_ms`` too, the part of that CPU the template engine spends
    goes into it (TemplateClock), from DRAWING_ROUNDS rounds of its own.
    """
    urls = a.urls
    engineer, manager, mentor, anonymous = _client(a.engineer), _client(a.manager), _client(a.mentor), _client(None)
    field = f"item-{a.answer_item.slug}"
    current = a.in_progress.answers.get(item=a.answer_item).choice
    other = (current + 1) % len(a.answer_item.options)
    autosave_headers = {
        **HTMX,
        "HX-Trigger-Name": field,
        "HX-Current-URL": f"http://testserver{urls['autosave']}",
    }
    status_was = a.item.status
    before = timezone.now() - datetime.timedelta(seconds=1)

    def tidy() -> None:
        # Leave the data as it was, so the numbers are the same on every run and in every round.
        RoadmapItem.objects.filter(pk=a.item.pk).update(status=status_was, done_on=a.item.done_on)
        Comment.objects.filter(roadmap=a.roadmap, author=a.mentor, body=COMMENT_BODY, created_at__gte=before).delete()
        Notification.objects.filter(recipient=a.engineer, actor=a.mentor, created_at__gte=before).delete()

    # The last payload of each is the one counted; with cpu_repeat they are cycled through.
    plan: list[tuple[str, Client, str, list[dict | None], dict[str, str]]] = [
        ("healthz", anonymous, "GET", [None, None], {}),
        ("floor", engineer, "GET", [None, None], {}),
        ("questionnaire", engineer, "GET", [None, None], {}),
        ("autosave", engineer, "POST", [{field: other}, {field: current}], autosave_headers),
        ("results", engineer, "GET", [None, None], {}),
        ("roadmap", engineer, "GET", [None, None], {}),
        ("status", engineer, "POST", [{"status": "doing"}, {"status": "done"}], HTMX),
        ("dashboard", manager, "GET", [None, None], {}),
        ("comment", mentor, "POST", [{"body": COMMENT_BODY, "item": a.item.pk}] * 2, HTMX),
    ]
    counts: dict[str, int] = {}
    try:
        for name, client, method, payloads, headers in plan:
            for payload in payloads:
                count, status = _count(client, method, urls[name], payload, headers)
                if status != 200:
                    raise AssertionError(f"{name}: {method} {urls[name]} answered {status}, not 200")
            counts[name] = count
        tidy()
        if cpu_ms is not None:
            per_round = max(1, cpu_repeat // rounds)

            def requests(step: tuple[str, Client, str, list[dict | None], dict[str, str]]) -> None:
                name, client, method, payloads, headers = step
                cold = CACHE_STATE[name] == "cold"
                for n in range(per_round):
                    if cold:
                        _empty_caches()
                    payload = payloads[n % len(payloads)]
                    if method == "POST":
                        client.post(urls[name], payload or {}, headers=headers)
                    else:
                        client.get(urls[name], headers=headers)
                if method == "POST":
                    tidy()

            timed: dict[str, list[float]] = {name: [] for name, *_ in plan}
            for _ in range(rounds):
                for step in plan:
                    started = time.process_time()
                    requests(step)
                    timed[step[0]].append((time.process_time() - started) / per_round)
            for name, values in timed.items():
                cpu_ms[name] = round(1000 * statistics.median(values), 2)
            if template_ms is not None:
                # The engine's share, in rounds of its own (the clock draws every page twice).
                drawn: dict[str, list[float]] = {name: [] for name, *_ in plan}
                with TemplateClock() as drawing:
                    for _ in range(DRAWING_ROUNDS):
                        for step in plan:
                            so_far = drawing.seconds
                            requests(step)
                            drawn[step[0]].append((drawing.seconds - so_far) / per_round)
                for name, values in drawn.items():
                    template_ms[name] = round(1000 * statistics.median(values), 2)
    finally:
        tidy()
    return counts


def measure_subjects(prefix: str = "bench", subjects: int = 3, cpu: bool = False) -> dict[str, list]:
    """The counts for several subjects, whose data differ in size: a count that varies is an N+1.

    With ``cpu``, also ``cpu_ms``: the process CPU time per request for the first subject, and
    ``template_ms``: the part of it the template engine spends.
    """
    found: dict[str, list] = {name: [] for name in ENDPOINTS}
    cpu_ms: dict[str, float] = {}
    template_ms: dict[str, float] = {}
    for subject in range(subjects):
        first = cpu and subject == 0
        counts = measure(actors(prefix, subject), cpu_ms if first else None, template_ms=template_ms if first else None)
        for name, count in counts.items():
            found[name].append(count)
    if cpu:
        found["cpu_ms"] = [cpu_ms]
        found["template_ms"] = [template_ms]
    return found
