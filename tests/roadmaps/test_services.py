from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments import content
from assessments import services as assessment_services
from assessments.models import Role
from roadmaps import services
from roadmaps.models import EvidenceLink, Roadmap, RoadmapItem, add_months, month_start
from tests.factories import AssessmentFactory, UserFactory
from tests.roadmaps.factories import NEARLY_READY, finished_assessment, roadmap_for

pytestmark = pytest.mark.usefixtures("framework_db")


def _this_month() -> datetime.date:
    return month_start(timezone.localdate())


def _items(roadmap: Roadmap) -> dict[str, tuple]:
    """What an engineer sees of each item, by action: month, status, pin, done date, frozen text."""
    return {
        i.action_slug: (i.month, i.status, i.pinned, i.done_on, i.title, i.done_when, i.notes)
        for i in RoadmapItem.objects.filter(roadmap=roadmap)
    }


def _planned(plan, start: datetime.date) -> dict[str, datetime.date]:
    return {item.action: add_months(start, item.month - 1) for month in plan.months for item in month.items}


def _replan(roadmap: Roadmap, **changes) -> Roadmap:
    roadmap.refresh_from_db()
    settings = {
        "assessment": roadmap.assessment,
        "hours_per_week": roadmap.hours_per_week,
        "months": roadmap.months,
        "version": roadmap.version,
        **changes,
    }
    return services.roadmap_replan(roadmap=roadmap, **settings)


# --- Creating ----------------------------------------------------------------------------------


def test_roadmap_is_the_previewed_plan_at_the_hours_and_horizon_chosen():
    assessment = finished_assessment(levels={"mentoring": 1})
    preview = services.roadmap_preview(assessment=assessment, hours_per_week=8, months=4)

    roadmap = services.roadmap_create(owner=assessment.owner, assessment=assessment, hours_per_week=8, months=4)

    assert (roadmap.hours_per_week, roadmap.months, roadmap.start_month) == (8, 4, _this_month())
    assert roadmap.role.slug == "ai-architect"
    assert roadmap.assessment == assessment
    saved = {i.action_slug: i.month for i in roadmap.items.all()}
    assert saved == _planned(preview, _this_month())
    assert saved, "a plan from results with gaps has items"
    assert all(i.status == RoadmapItem.Status.TODO and not i.pinned for i in roadmap.items.all())


def test_a_preview_saves_nothing():
    assessment = finished_assessment()
    services.roadmap_preview(assessment=assessment, hours_per_week=5, months=6)
    assert not Roadmap.objects.exists()
    assert not RoadmapItem.objects.exists()


def test_each_item_says_why_it_is_there_with_its_done_when_and_a_citation():
    roadmap = roadmap_for()
    framework = content.get_framework()
    for item in roadmap.items.all():
        action = framework.action_by_slug[item.action_slug]
        assert item.reason
        assert item.done_when == action.done_when
        assert item.sources == [c.model_dump() for c in action.sources]
        assert item.sources[0]["quote"]


def test_items_keep_their_text_when_the_framework_changes_later(monkeypatch):
    roadmap = roadmap_for()
    item = roadmap.items.order_by("month", "position").first()
    before = _items(roadmap)
    framework = content.get_framework()
    # A new framework version rewrites the action an item came from.
    rewritten = content.Framework.model_validate(
        {
            **framework.model_dump(),
            "actions": [
                {**a.model_dump(), "title": "Rewritten title", "done_when": "Rewritten done when"}
                if a.slug == item.action_slug
                else a.model_dump()
                for a in framework.actions
            ],
        }
    )
    assert rewritten.action_by_slug[item.action_slug].title == "Rewritten title"
    monkeypatch.setattr(content, "get_framework", lambda: rewritten)

    services.item_set_status(item=item, status=RoadmapItem.Status.DOING)
    _replan(roadmap, hours_per_week=12)

    item.refresh_from_db()
    assert (item.title, item.done_when) == before[item.action_slug][4:6]
    assert item.title != "Rewritten title"


def test_a_roadmap_needs_a_finished_assessment():
    assessment = AssessmentFactory(quick=True)
    with pytest.raises(services.RoadmapError, match="Finish the assessment"):
        services.roadmap_create(owner=assessment.owner, assessment=assessment, hours_per_week=5, months=6)
    assert not Roadmap.objects.exists()


def test_a_roadmap_cannot_be_made_from_someone_elses_assessment():
    assessment = finished_assessment()
    with pytest.raises(services.RoadmapError, match="not yours"):
        services.roadmap_create(owner=UserFactory(), assessment=assessment, hours_per_week=5, months=6)
    assert not Roadmap.objects.exists()


def test_a_second_save_that_got_past_the_check_is_turned_away_by_the_database(monkeypatch):
    roadmap = roadmap_for()
    again = finished_assessment(roadmap.owner)
    # As when two requests both looked before either had saved.
    monkeypatch.setattr(Roadmap.objects, "filter", lambda **lookups: Roadmap.objects.none())
    with pytest.raises(services.RoadmapExists, match="already have a roadmap"):
        services.roadmap_create(owner=roadmap.owner, assessment=again, hours_per_week=5, months=6)
    assert list(Roadmap.objects.all()) == [roadmap]
    assert RoadmapItem.objects.exclude(roadmap=roadmap).count() == 0


def test_an_engineer_has_one_roadmap():
    roadmap = roadmap_for()
    again = finished_assessment(roadmap.owner)
    with pytest.raises(services.RoadmapError, match="already have a roadmap"):
        services.roadmap_create(owner=roadmap.owner, assessment=again, hours_per_week=5, months=6)
    assert Roadmap.objects.count() == 1


# --- Tracking ----------------------------------------------------------------------------------


def test_done_records_the_done_date_and_reopening_clears_it():
    item = roadmap_for().items.first()
    services.item_set_status(item=item, status=RoadmapItem.Status.DONE)
    item.refresh_from_db()
    assert (item.status, item.done_on) == ("done", timezone.localdate())

    services.item_set_status(item=item, status=RoadmapItem.Status.DOING)
    item.refresh_from_db()
    assert (item.status, item.done_on) == ("doing", None)


@pytest.mark.parametrize("status", ["finished", "", "DONE", "todo "])
def test_an_unknown_status_is_refused_and_nothing_is_saved(status):
    roadmap = roadmap_for()
    item = roadmap.items.first()
    with pytest.raises(services.RoadmapError, match="Choose to do, doing, done or skipped"):
        services.item_set_status(item=item, status=status)
    item.refresh_from_db()
    assert item.status == RoadmapItem.Status.TODO
    roadmap.refresh_from_db()
    assert roadmap.version == 1


def test_moving_an_item_by_hand_pins_it_to_that_month():
    roadmap = roadmap_for()
    item = roadmap.items.filter(month=roadmap.start_month).first()
    services.item_move(item=item, roadmap=roadmap, month_number=3)
    item.refresh_from_db()
    assert item.month == add_months(roadmap.start_month, 2)
    assert item.pinned


@pytest.mark.parametrize("month", [0, -1, 7, 13])
def test_a_month_outside_the_horizon_is_refused_and_nothing_is_saved(month):
    roadmap = roadmap_for(months=6)
    item = roadmap.items.first()
    before = _items(roadmap)
    with pytest.raises(services.RoadmapError, match="Choose a month from 1 to 6"):
        services.item_move(item=item, roadmap=roadmap, month_number=month)
    assert _items(roadmap) == before


def test_notes_are_trimmed_and_too_long_notes_are_refused():
    item = roadmap_for().items.first()
    services.item_set_notes(item=item, notes="  Started with the checkout flow.\n")
    item.refresh_from_db()
    assert item.notes == "Started with the checkout flow."

    with pytest.raises(services.RoadmapError, match="under 5000 characters"):
        services.item_set_notes(item=item, notes="x" * 5001)
    item.refresh_from_db()
    assert item.notes == "Started with the checkout flow."


def test_evidence_links_are_added_and_removed_and_a_bad_address_is_refused():
    item = roadmap_for().items.first()
    link = services.item_link_add(item=item, url=" https://example.com/eval-report ")
    assert link.url == "https://example.com/eval-report"

    for bad in ["not a link", "javascript:alert(1)", ""]:
        with pytest.raises(ValidationError):
            services.item_link_add(item=item, url=bad)
    assert list(item.links.values_list("url", flat=True)) == ["https://example.com/eval-report"]

    services.item_link_delete(link=link)
    assert not EvidenceLink.objects.exists()


def test_every_change_to_an_item_moves_the_roadmap_version_on():
    roadmap = roadmap_for()
    item = roadmap.items.first()
    changes = [
        lambda: services.item_set_status(item=item, status="doing"),
        lambda: services.item_set_notes(item=item, notes="n"),
        lambda: services.item_move(item=item, roadmap=roadmap, month_number=2),
        lambda: services.item_set_pinned(item=item, pinned=False),
        lambda: services.item_link_add(item=item, url="https://example.com/"),
        lambda: services.item_link_delete(link=item.links.get()),
    ]
    for n, change in enumerate(changes, start=2):
        change()
        roadmap.refresh_from_db()
        assert roadmap.version == n


def test_two_tabs_changing_notes_and_status_of_one_item_keep_both():
    roadmap = roadmap_for()
    tab_a = RoadmapItem.objects.get(pk=roadmap.items.first().pk)
    tab_b = RoadmapItem.objects.get(pk=tab_a.pk)  # loaded before tab A saves: stale notes

    services.item_set_notes(item=tab_a, notes="Picked the search feature.")
    services.item_set_status(item=tab_b, status=RoadmapItem.Status.DOING)
    services.item_move(item=RoadmapItem.objects.get(pk=tab_a.pk), roadmap=roadmap, month_number=2)
    services.item_set_notes(item=tab_a, notes="Picked the search feature; eval set half done.")

    item = RoadmapItem.objects.get(pk=tab_a.pk)
    assert item.notes == "Picked the search feature; eval set half done."
    assert item.status == RoadmapItem.Status.DOING
    assert item.month == add_months(roadmap.start_month, 1)
    assert item.pinned


def test_two_tabs_setting_the_status_of_one_item_keep_the_later_one():
    roadmap = roadmap_for()
    tab_a = RoadmapItem.objects.get(pk=roadmap.items.first().pk)
    tab_b = RoadmapItem.objects.get(pk=tab_a.pk)
    services.item_set_status(item=tab_a, status=RoadmapItem.Status.DONE)
    services.item_set_status(item=tab_b, status=RoadmapItem.Status.SKIPPED)
    tab_a.refresh_from_db()
    assert (tab_a.status, tab_a.done_on) == ("skipped", None)


# --- Re-planning -------------------------------------------------------------------------------


def test_replanning_with_the_same_results_and_hours_changes_nothing():
    roadmap = roadmap_for(levels={"mentoring": 1})
    before = _items(roadmap)
    replan = services.roadmap_replan_preview(roadmap=roadmap, assessment=roadmap.assessment, hours_per_week=5, months=6)
    assert not replan.changes
    assert len(replan.keep) == len(before)
    _replan(roadmap)
    assert _items(roadmap) == before


def test_a_replan_preview_shows_the_change_and_applying_it_makes_exactly_that_change():
    roadmap = roadmap_for()
    items = list(roadmap.items.order_by("month", "position"))
    done, pinned, doing = items[0], items[-1], items[1]
    services.item_set_status(item=done, status=RoadmapItem.Status.DONE)
    services.item_move(item=pinned, roadmap=roadmap, month_number=2)
    services.item_set_status(item=doing, status=RoadmapItem.Status.DOING)
    roadmap.refresh_from_db()
    before = _items(roadmap)

    preview = services.roadmap_replan_preview(
        roadmap=roadmap, assessment=roadmap.assessment, hours_per_week=20, months=6
    )
    assert _items(roadmap) == before, "a preview changes nothing"
    assert preview.changes
    assert {done.action_slug, pinned.action_slug, doing.action_slug} <= {i.action_slug for i in preview.keep}

    roadmap = _replan(roadmap, hours_per_week=20)

    after = _items(roadmap)
    for slug in (done.action_slug, pinned.action_slug, doing.action_slug):
        assert after[slug] == before[slug]
    for item in preview.keep:
        assert after[item.action_slug] == before[item.action_slug]
    for item in preview.remove:
        assert item.action_slug not in after
    for item, month in preview.move:
        assert after[item.action_slug][0] == month
        assert after[item.action_slug][1:] == before[item.action_slug][1:]
    for planned in preview.add:
        assert after[planned.action][0] == add_months(preview.start_month, planned.month - 1)
        assert after[planned.action][1] == RoadmapItem.Status.TODO
    assert set(after) == {i.action_slug for i in preview.keep} | {i.action_slug for i, _ in preview.move} | {
        p.action for p in preview.add
    }
    assert (roadmap.hours_per_week, roadmap.months, roadmap.version) == (20, 6, 5)


def test_a_replan_after_a_reassessment_drops_closed_gaps_and_keeps_done_work():
    roadmap = roadmap_for()
    done = roadmap.items.order_by("month", "position").first()
    services.item_set_status(item=done, status=RoadmapItem.Status.DONE)
    open_before = set(roadmap.items.exclude(pk=done.pk).values_list("action_slug", flat=True))

    reassessment = finished_assessment(roadmap.owner, levels=NEARLY_READY)
    roadmap = _replan(roadmap, assessment=reassessment)

    assert roadmap.assessment == reassessment
    done.refresh_from_db()
    assert (done.status, done.done_on) == ("done", timezone.localdate())
    open_after = set(roadmap.items.exclude(pk=done.pk).values_list("action_slug", flat=True))
    # Every gap is closed, so the gap work goes and what is left is making the move.
    assert open_after != open_before
    phases = set(roadmap.items.exclude(pk=done.pk).values_list("phase", flat=True))
    assert phases == {"make-the-move"}


def test_a_replan_can_change_the_role_with_the_new_results():
    roadmap = roadmap_for(role="ai-architect")
    reassessment = finished_assessment(roadmap.owner, role="ai-product-manager")
    roadmap = _replan(roadmap, assessment=reassessment)
    assert roadmap.role == Role.objects.get(slug="ai-product-manager")


def test_a_stale_replan_is_refused_and_changes_nothing():
    roadmap = roadmap_for()
    previewed_at = roadmap.version
    item = roadmap.items.first()
    services.item_set_status(item=item, status=RoadmapItem.Status.DONE)  # another tab, after the preview
    before = _items(roadmap)

    with pytest.raises(services.StaleRoadmap, match="changed after this preview"):
        _replan(roadmap, hours_per_week=20, version=previewed_at)

    roadmap.refresh_from_db()
    assert (roadmap.hours_per_week, roadmap.version) == (5, previewed_at + 1)
    assert _items(roadmap) == before


def test_a_replan_counts_from_this_month_and_brings_open_work_forward():
    roadmap = roadmap_for()
    # Two months have passed since the roadmap was made.
    for item in roadmap.items.all():
        item.month = add_months(item.month, -2)
        item.save(update_fields=["month"])
    Roadmap.objects.filter(pk=roadmap.pk).update(start_month=add_months(roadmap.start_month, -2))
    items = list(roadmap.items.order_by("month", "position"))
    done, pinned = items[0], items[1]
    services.item_set_status(item=done, status=RoadmapItem.Status.DONE)
    RoadmapItem.objects.filter(pk=pinned.pk).update(pinned=True)
    roadmap.refresh_from_db()

    preview = services.roadmap_replan_preview(
        roadmap=roadmap, assessment=roadmap.assessment, hours_per_week=5, months=6
    )
    moved = {i.action_slug: month for i, month in preview.move}
    # The pinned item from a past month comes into this month, and the preview says so.
    assert moved[pinned.action_slug] == _this_month()

    roadmap = _replan(roadmap)
    assert roadmap.start_month == _this_month()
    assert not roadmap.items.filter(month__lt=_this_month()).exclude(status="done").exists()
    done.refresh_from_db()
    assert done.month == add_months(_this_month(), -2), "done work stays where it was done"
    pinned.refresh_from_db()
    assert (pinned.month, pinned.pinned) == (_this_month(), True)


def test_a_shorter_horizon_brings_a_pinned_item_into_its_last_month():
    roadmap = roadmap_for(months=6)
    item = roadmap.items.first()
    services.item_move(item=item, roadmap=roadmap, month_number=6)
    roadmap.refresh_from_db()

    preview = services.roadmap_replan_preview(
        roadmap=roadmap, assessment=roadmap.assessment, hours_per_week=5, months=3
    )
    assert {i.action_slug: m for i, m in preview.move}[item.action_slug] == roadmap.month_date(3)

    roadmap = _replan(roadmap, months=3)
    item.refresh_from_db()
    assert (item.month, item.pinned) == (roadmap.month_date(3), True)
    assert all(roadmap.month_number(i.month) <= 3 for i in roadmap.items.all())


def test_a_replan_needs_a_finished_assessment():
    roadmap = roadmap_for()
    unfinished = assessment_services.assessment_start(owner=roadmap.owner, role=None, mode="quick")
    with pytest.raises(services.RoadmapError, match="Finish the assessment"):
        _replan(roadmap, assessment=unfinished)
