"""Re-planning: preview what changes (new hours, horizon or results), then apply it — unless the roadmap moved on."""

from __future__ import annotations

import pytest
from django.test.html import Element
from django.urls import reverse

from roadmaps import services
from roadmaps.models import Roadmap, RoadmapItem
from tests.roadmaps.conftest import HTMX, find, parse, text
from tests.roadmaps.factories import NEARLY_READY, finished_assessment, roadmap_for


def _replan(roadmap: Roadmap) -> str:
    return reverse("roadmaps:replan", args=[roadmap.pk])


def _items(roadmap: Roadmap) -> dict[str, tuple]:
    return {
        i.action_slug: (i.pk, i.month, i.status, i.pinned, i.done_on, i.notes)
        for i in RoadmapItem.objects.filter(roadmap=roadmap)
    }


def _inputs(element: Element) -> dict[str, str]:
    """The named inputs under element, as a form would send them."""
    found: dict[str, str] = {}
    for child in element.children:
        if isinstance(child, Element):
            attributes = dict(child.attributes)
            if child.name == "input" and "name" in attributes:
                found[attributes["name"]] = attributes.get("value") or ""
            found.update(_inputs(child))
    return found


def _apply_form(response) -> dict[str, str]:
    """What the "Apply this re-plan" button posts, read from the preview on the page."""
    return _inputs(find(parse(response.content), "preview"))


@pytest.fixture
def tracked(roadmap):
    """A roadmap in use: one item done, one moved by hand (pinned), one in progress."""
    items = list(roadmap.items.order_by("month", "position"))
    services.item_set_status(item=items[0], status=RoadmapItem.Status.DONE)
    services.item_move(item=items[-1], roadmap=roadmap, month_number=2)
    services.item_set_status(item=items[1], status=RoadmapItem.Status.DOING)
    roadmap.refresh_from_db()
    return roadmap, items[0], items[-1], items[1]


# --- Preview -------------------------------------------------------------------------------------


def test_replan_page_starts_from_the_current_hours_and_horizon_and_says_nothing_would_change(engineer_client, roadmap):
    response = engineer_client.get(_replan(roadmap))
    assert response.status_code == 200
    page = parse(response.content)
    assert dict(find(page, "id_hours_per_week").attributes)["value"] == "5"
    assert dict(find(page, "id_months").attributes)["value"] == "6"
    assert "Nothing would change" in text(find(page, "preview"))


def test_replan_page_previews_what_new_hours_would_change_and_changes_nothing(engineer_client, tracked):
    roadmap = tracked[0]
    before = _items(roadmap)
    expected = services.roadmap_replan_preview(
        roadmap=roadmap, assessment=roadmap.assessment, hours_per_week=20, months=6
    )
    assert expected.changes

    response = engineer_client.get(_replan(roadmap), {"hours_per_week": "20", "months": "6"})

    assert response.status_code == 200
    preview = text(find(parse(response.content), "preview"))
    assert f"Added ({len(expected.add)})" in preview
    assert f"Removed ({len(expected.remove)})" in preview
    assert f"Moved ({len(expected.move)})" in preview
    assert f"Kept as they are: {len(expected.keep)} items." in preview
    for planned in expected.add:
        assert planned.title in preview
    form = _apply_form(response)
    assert (form["hours_per_week"], form["months"], form["version"]) == ("20", "6", str(roadmap.version))
    assert _items(roadmap) == before


def test_an_htmx_replan_preview_is_the_preview_of_the_full_page(engineer_client, tracked):
    roadmap = tracked[0]
    query = {"hours_per_week": "12", "months": "4"}
    partial = engineer_client.get(_replan(roadmap), query, headers=HTMX)
    full = engineer_client.get(_replan(roadmap), query)
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    fragment = find(parse(partial.content), "preview")
    assert fragment is not None
    assert fragment.name == "section"
    assert fragment == find(parse(full.content), "preview")


@pytest.mark.parametrize(
    ("hours", "months", "message"),
    [
        ("0", "6", "Give at least 1 hour a week."),
        ("1000", "6", "40 hours a week is the most a plan can assume."),
        ("5", "24", "A plan covers at most 12 months"),
    ],
)
def test_bad_numbers_in_the_htmx_replan_preview_answer_422_with_the_message(
    engineer_client, roadmap, hours, months, message
):
    response = engineer_client.get(_replan(roadmap), {"hours_per_week": hours, "months": months}, headers=HTMX)
    assert response.status_code == 422
    assert "<html" not in response.content.decode()
    assert message in text(parse(response.content))
    assert "Apply this re-plan" not in response.content.decode()


# --- Applying ------------------------------------------------------------------------------------


def test_applying_the_preview_keeps_done_pinned_and_started_items_and_replans_the_rest(engineer_client, tracked):
    roadmap, done, pinned, doing = tracked
    before = _items(roadmap)
    preview = engineer_client.get(_replan(roadmap), {"hours_per_week": "20", "months": "6"})
    expected = services.roadmap_replan_preview(
        roadmap=roadmap, assessment=roadmap.assessment, hours_per_week=20, months=6
    )

    response = engineer_client.post(_replan(roadmap), _apply_form(preview), follow=True)

    assert response.redirect_chain == [(reverse("roadmaps:detail", args=[roadmap.pk]), 302)]
    assert "Your roadmap is re-planned." in response.content.decode()
    after = _items(roadmap)
    for item in (done, pinned, doing):
        assert after[item.action_slug] == before[item.action_slug]
    assert set(after) == (
        {i.action_slug for i in expected.keep}
        | {i.action_slug for i, _ in expected.move}
        | {p.action for p in expected.add}
    )
    for item, month in expected.move:
        assert after[item.action_slug][1] == month
    roadmap.refresh_from_db()
    assert (roadmap.hours_per_week, roadmap.months) == (20, 6)


def test_a_replan_applied_after_a_change_in_another_tab_is_refused_with_409_and_changes_nothing(
    engineer_client, tracked
):
    roadmap = tracked[0]
    preview = engineer_client.get(_replan(roadmap), {"hours_per_week": "20", "months": "6"})
    item = roadmap.items.filter(status=RoadmapItem.Status.TODO).first()
    engineer_client.post(reverse("roadmaps:item_update", args=[roadmap.pk, item.pk]), {"status": "done"}, headers=HTMX)
    before = _items(roadmap)

    response = engineer_client.post(_replan(roadmap), _apply_form(preview))

    assert response.status_code == 409
    assert "Your roadmap changed after this preview was made." in response.content.decode()
    assert _items(roadmap) == before
    roadmap.refresh_from_db()
    assert roadmap.hours_per_week == 5
    # A fresh preview to check, ready to apply at the current version.
    fresh = _apply_form(response)
    assert (fresh["version"], fresh["hours_per_week"]) == (str(roadmap.version), "20")
    assert engineer_client.post(_replan(roadmap), fresh).status_code == 302
    roadmap.refresh_from_db()
    assert roadmap.hours_per_week == 20


@pytest.mark.parametrize("version", ["", "abc", "0", "999"])
def test_a_replan_without_the_current_version_is_refused_as_stale(engineer_client, roadmap, version):
    before = _items(roadmap)
    data = {"hours_per_week": "20", "months": "6", "version": version}
    response = engineer_client.post(_replan(roadmap), data)
    assert response.status_code == 409
    assert _items(roadmap) == before


@pytest.mark.parametrize(("hours", "message"), [("0", "Give at least 1 hour a week."), ("1000", "40 hours a week")])
def test_applying_with_hours_out_of_range_saves_nothing_and_says_why(engineer_client, roadmap, hours, message):
    before = _items(roadmap)
    data = {"hours_per_week": hours, "months": "6", "version": str(roadmap.version)}
    response = engineer_client.post(_replan(roadmap), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert _items(roadmap) == before
    roadmap.refresh_from_db()
    assert (roadmap.hours_per_week, roadmap.version) == (5, 1)


def test_after_a_reassessment_the_results_lead_to_a_replan_from_the_new_results(engineer_client, tracked):
    roadmap, done, pinned, doing = tracked
    before = _items(roadmap)
    reassessment = finished_assessment(roadmap.owner, levels=NEARLY_READY)

    results = engineer_client.get(reverse("assessments:results", args=[reassessment.pk]))
    # The results link to the roadmap app's "new" page, which opens the re-plan when there is a roadmap.
    button = f"{reverse('roadmaps:new')}?assessment={reassessment.pk}"
    assert f'href="{button}"' in results.content.decode()
    link = f"{_replan(roadmap)}?assessment={reassessment.pk}"
    assert engineer_client.get(button)["Location"] == link
    preview = engineer_client.get(link)
    assert preview.status_code == 200
    shown = text(find(parse(preview.content), "preview"))
    assert "Removed (0)" not in shown, "closed gaps take their open work with them"

    response = engineer_client.post(_replan(roadmap), _apply_form(preview))

    assert response.status_code == 302
    roadmap.refresh_from_db()
    assert roadmap.assessment == reassessment
    after = _items(roadmap)
    for item in (done, pinned, doing):
        assert after[item.action_slug] == before[item.action_slug]
    open_unheld = RoadmapItem.objects.filter(roadmap=roadmap, status="todo", pinned=False)
    assert set(open_unheld.values_list("phase", flat=True)) == {"make-the-move"}


def test_a_replan_from_someone_elses_results_is_404(engineer_client, roadmap):
    theirs = finished_assessment()
    before = _items(roadmap)
    assert engineer_client.get(_replan(roadmap), {"assessment": theirs.pk}).status_code == 404
    data = {"assessment": theirs.pk, "hours_per_week": "5", "months": "6", "version": "1"}
    assert engineer_client.post(_replan(roadmap), data).status_code == 404
    assert _items(roadmap) == before


# --- Query budget ------------------------------------------------------------------------------------

# Session, user (with the header's counts), roadmap, latest results, and the items twice (once for the
# planner, once to compare with its plan).
REPLAN_QUERIES = 6


@pytest.mark.parametrize(
    "sized", [{"levels": NEARLY_READY}, {"hours_per_week": 40, "months": 12}], ids=["small", "large"]
)
def test_replan_preview_takes_the_same_queries_whatever_the_number_of_items(
    client, framework_db, sized, django_assert_num_queries
):
    roadmap = roadmap_for(**sized)
    client.force_login(roadmap.owner)
    with django_assert_num_queries(REPLAN_QUERIES):
        response = client.get(_replan(roadmap), {"hours_per_week": "10", "months": "6"})
    assert response.status_code == 200
