"""An action that runs over several months is one roadmap item: one status, one set of notes and links,
shown in every month it runs in, moved as a whole, kept whole by a re-plan."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roadmaps import services
from roadmaps.models import Roadmap, RoadmapItem, add_months
from tests.roadmaps.conftest import HTMX, apply_swap, difference, find, parse, text

MENTORING = "mentor-one-engineer-deliberately"  # 13 weeks: months 3 to 5 at 5 h a week from nothing


@pytest.fixture
def spanning(roadmap) -> RoadmapItem:
    return roadmap.items.get(action_slug=MENTORING)


def _detail(roadmap):
    return reverse("roadmaps:detail", args=[roadmap.pk])


def _update(roadmap, item):
    return reverse("roadmaps:item_update", args=[roadmap.pk, item.pk])


def test_a_spanning_action_is_one_item_with_its_months_and_their_hours(roadmap, spanning):
    assert roadmap.items.filter(action_slug=MENTORING).count() == 1
    assert spanning.span == 3
    assert spanning.month == roadmap.month_date(3)
    assert spanning.last_month == roadmap.month_date(5)
    assert sum(spanning.monthly_hours) == spanning.hours
    assert [spanning.hours_in(roadmap.month_date(n)) for n in range(1, 7)] == [0, 0, *spanning.monthly_hours, 0]
    assert spanning.shows == {"mentoring": 3}


def test_its_card_is_in_its_first_month_and_each_later_month_points_to_it(engineer_client, roadmap, spanning):
    page = parse(engineer_client.get(_detail(roadmap)).content)
    assert find(find(page, "month-3"), f"item-{spanning.pk}") is not None
    assert f"{spanning.hours} h over 3 months" in text(find(page, f"item-{spanning.pk}"))
    for number, index in ((4, 2), (5, 3)):
        month = text(find(page, f"month-{number}"))
        assert f"{spanning.title} · continues: month {index} of 3" in month
        assert find(find(page, f"month-{number}"), f"item-{spanning.pk}") is None
    assert spanning.title not in text(find(page, "month-6"))


def test_marking_it_done_counts_its_share_of_hours_in_each_of_its_months(engineer_client, roadmap, spanning):
    response = engineer_client.post(_update(roadmap, spanning), {"status": "done"}, headers=HTMX)
    assert response.status_code == 200
    fragment = parse(response.content)
    # The progress of all three months is redrawn, out of band.
    for number in (3, 4, 5):
        assert find(fragment, f"month-progress-{number}") is not None
    page = parse(engineer_client.get(_detail(roadmap)).content)
    for number in (3, 4, 5):
        date = roadmap.month_date(number)
        running = [i for i in roadmap.items.all() if i.runs_in(date)]
        done = sum(1 for i in running if i.pk == spanning.pk)
        hours = sum(i.hours_in(date) for i in running)
        assert text(find(page, f"month-progress-{number}")) == f"{done} of {len(running)} done · {hours} h"


def test_moving_it_moves_the_whole_span(engineer_client, roadmap, spanning):
    response = engineer_client.post(_update(roadmap, spanning), {"month": "2"})
    assert response.status_code == 302
    spanning.refresh_from_db()
    assert (spanning.month, spanning.last_month) == (roadmap.month_date(2), roadmap.month_date(4))
    assert spanning.pinned


def test_it_cannot_start_so_late_that_it_runs_past_the_horizon(engineer_client, roadmap, spanning):
    response = engineer_client.post(_update(roadmap, spanning), {"month": "5"}, headers=HTMX)
    assert "runs over 3 months, so the last month it can start in is month 4 of 6" in response.content.decode()
    spanning.refresh_from_db()
    assert spanning.month == roadmap.month_date(3)


def test_a_replan_keeps_it_whole_with_its_status_notes_and_links(roadmap, spanning):
    services.item_set_status(item=spanning, status=RoadmapItem.Status.DOING)
    services.item_set_notes(item=spanning, notes="Weekly with Ana.")
    services.item_link_add(item=spanning, url="https://example.com/mentoring-log")
    roadmap.refresh_from_db()
    services.roadmap_replan(
        roadmap=roadmap, assessment=roadmap.assessment, hours_per_week=10, months=6, version=roadmap.version
    )
    kept = RoadmapItem.objects.get(roadmap=roadmap, action_slug=MENTORING)
    assert kept.pk == spanning.pk
    assert kept.status == RoadmapItem.Status.DOING
    assert kept.notes == "Weekly with Ana."
    assert [link.url for link in kept.links.all()] == ["https://example.com/mentoring-log"]
    assert kept.span == 3, "thirteen weeks take three months whatever the hours"
    assert sum(kept.monthly_hours) == kept.hours


def test_the_roadmap_page_shows_the_readiness_the_plan_buys_month_by_month(engineer_client, roadmap):
    page = parse(engineer_client.get(_detail(roadmap)).content)
    panel = text(find(page, "roadmap-projection"))
    assert "Done as planned, readiness for AI Architect goes from 0% to 92% by month 6." in panel
    assert "It reaches 85%, the bar for making the move, in month 6." in panel
    for month in range(1, 7):
        assert f"M{month} " in panel


def test_skipping_work_lowers_the_projection_at_once(engineer_client, roadmap):
    from roadmaps.selectors import roadmap_view

    def final_without(skipped: RoadmapItem) -> float:
        view = roadmap_view(roadmap)
        for item in view.items:
            if item.pk == skipped.pk:
                item.status = RoadmapItem.Status.SKIPPED
        return view.projection[-1].readiness

    # The item whose skipping costs the most readiness by the end of the plan.
    item = min(roadmap.items.all(), key=final_without)
    expected = final_without(item)
    assert expected < roadmap_view(roadmap).projection[-1].readiness
    response = engineer_client.post(_update(roadmap, item), {"status": "skipped"}, headers=HTMX)
    redrawn = text(find(parse(response.content), "roadmap-projection"))
    assert f"to {expected:.0f}% by month 6" in redrawn


def test_the_new_roadmap_preview_says_when_the_bar_is_reached(engineer_client, engineer):
    from tests.factories import finished_assessment

    finished_assessment(engineer, 0)
    page = parse(engineer_client.get(reverse("roadmaps:new") + "?hours_per_week=5&months=6").content)
    preview = text(find(page, "preview"))
    assert "At 5 h a week you reach 85% for AI Architect in month 6" in preview
    short = text(
        find(parse(engineer_client.get(reverse("roadmaps:new") + "?hours_per_week=2&months=3").content), "preview")
    )
    assert "short of the 85% a move needs" in short


def test_the_export_gives_each_item_its_months_and_split(engineer_client, roadmap, spanning):
    data = engineer_client.get(reverse("roadmaps:export_json", args=[roadmap.pk])).json()
    exported = next(i for i in data["items"] if i["action"] == MENTORING)
    assert (exported["month"], exported["end"]) == (3, 5)
    assert exported["monthly_hours"] == list(spanning.monthly_hours)


def test_without_a_stored_split_the_hours_spread_evenly(spanning):
    spanning.monthly_hours = []
    assert [spanning.hours_in(add_months(spanning.month, n)) for n in range(3)] == [
        spanning.hours // 3 + (1 if n < spanning.hours % 3 else 0) for n in range(3)
    ]


def test_the_roadmap_draws_its_months_spans_and_projection_as_one_named_picture(engineer_client, roadmap, spanning):
    page = engineer_client.get(_detail(roadmap)).content.decode()
    chart = page.split('class="chart roadmap-timeline"')[1].split("</svg>")[0]
    assert 'role="img"' in chart
    assert '<title id="timeline-title">The plan at a glance' in chart
    desc = chart.split('<desc id="timeline-desc">')[1].split("</desc>")[0]
    assert "month 1:" in desc
    assert "month 6:" in desc
    assert f"{spanning.title} (months 3–5)" in desc
    assert chart.count('class="timeline-capacity"') == roadmap.months
    assert "Mentor one engineer" in chart
    assert 'class="timeline-readiness"' in chart
    assert "style=" not in chart


def test_moving_it_with_htmx_leaves_the_page_as_a_fresh_load_draws_it(engineer_client, roadmap, spanning):
    # Its months move from 3-5 to 2-4: month 5 loses its "continues" line, month 2 gains the card, and the
    # projection and the timeline's planned hours move with it.
    before = parse(engineer_client.get(_detail(roadmap)).content)
    response = engineer_client.post(_update(roadmap, spanning), {"month": "2"}, headers=HTMX)
    assert response.status_code == 200
    sent = parse(response.content)
    assert [find(sent, f"month-{n}") is not None for n in range(1, 7)] == [False, True, True, True, True, False]
    assert find(sent, "roadmap-projection") is not None
    apply_swap(before, sent, "no-target")  # everything is out of band
    fresh = parse(engineer_client.get(_detail(roadmap)).content)
    assert find(before, "main") == find(fresh, "main"), difference(find(before, "main"), find(fresh, "main"))


def test_the_timeline_drawn_in_python_escapes_the_span_labels(roadmap, spanning):
    # RoadmapView.timeline_body makes the chart's insides as a string: a title with markup is text in it.
    from roadmaps.selectors import roadmap_view

    RoadmapItem.objects.filter(pk=spanning.pk).update(title="<b>Mentor</b> & co")
    body = roadmap_view(Roadmap.objects.get(pk=roadmap.pk)).timeline_body
    assert "&lt;b&gt;Mentor&lt;/b&gt; &amp; co" in body
    assert "<b>" not in body
    assert body.count('class="timeline-capacity"') == roadmap.months
