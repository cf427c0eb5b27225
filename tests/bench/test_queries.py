"""The benchmark's query counts (bench/queries.py), on tiny generated data in the test database.

``make bench-queries`` counts the same requests on the seeded small database; this test
covers it in CI without a separate database: a page or htmx action whose query count
grows with the team, the answers, the roadmap items or the comments fails here.
"""

from __future__ import annotations

from assessments.models import Answer, Assessment
from bench.queries import ENDPOINTS, actors, measure
from bench.seed import SECTION, Size, seed


def _counts(prefix: str, people: int, *, few: bool = False) -> dict[str, int]:
    # ``people`` engineers report to one manager; each has ``people`` comments, links, ratings and
    # evidence on their data, and more hours a week (so more roadmap items) the more there are.
    size = Size(engineers=people, managers=1, mentors=1, reports=people, subjects=people, extras=people)
    seed(size, prefix, progress=False)
    a = actors(prefix)
    if few:
        # Two questions answered in the re-assessment in progress (one of them the one autosaved),
        # and two items on the roadmap (one of them the one changed and commented on).
        kept = Answer.objects.filter(assessment=a.in_progress, item__competency__slug=SECTION).order_by(
            "item__position"
        )[:2]
        Answer.objects.filter(assessment=a.in_progress).exclude(pk__in=list(kept.values_list("pk", flat=True))).delete()
        other = a.roadmap.items.exclude(pk=a.item.pk).first()
        a.roadmap.items.exclude(pk__in=[a.item.pk, other.pk]).delete()
    return measure(a)


def test_query_counts_do_not_grow_with_engineers_answers_or_items(framework_db):
    few = _counts("few", 2, few=True)
    many = _counts("many", 6)

    assert set(few) == set(ENDPOINTS)
    assert few["healthz"] == 0
    assert many == few
    # The bigger set really is bigger, so the equality above means something.
    assert Answer.objects.filter(assessment=actors("many").in_progress).count() > 2
    assert actors("many").roadmap.items.count() > 2
    assert Assessment.objects.filter(owner__email__startswith="many-").count() > 6


def test_a_cold_request_finds_no_memo_of_a_persons_dates_or_comments(db):
    import datetime

    from bench.queries import _empty_caches
    from roadmaps.comments import _body_html
    from transition.lib.formatting import stamp

    stamp(datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC), "j M Y")
    _body_html("See https://example.com")
    assert _body_html.cache_info().currsize
    _empty_caches()
    # What the framework's tables keep stays; what one person wrote or did is gone.
    from transition.lib.formatting import _stamp

    assert _stamp.cache_info().currsize == 0
    assert _body_html.cache_info().currsize == 0
