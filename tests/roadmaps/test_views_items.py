"""Changing one roadmap item: status, notes, evidence links, month and pin — through htmx and as plain posts."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from roadmaps.models import EvidenceLink, Roadmap, RoadmapItem
from tests.roadmaps.conftest import HTMX, apply_swap, difference, find, parse, text
from tests.roadmaps.factories import NEARLY_READY, roadmap_for


def _update(roadmap: Roadmap, item_pk: int) -> str:
    return reverse("roadmaps:item_update", args=[roadmap.pk, item_pk])


def _detail(roadmap: Roadmap) -> str:
    return reverse("roadmaps:detail", args=[roadmap.pk])


def _first(roadmap: Roadmap) -> RoadmapItem:
    return roadmap.items.order_by("month", "position").first()


def _state(*roadmaps: Roadmap) -> list:
    versions = list(Roadmap.objects.filter(pk__in=[r.pk for r in roadmaps]).values_list("pk", "version"))
    items = RoadmapItem.objects.filter(roadmap__in=roadmaps).values_list(
        "pk", "month", "status", "pinned", "notes", "done_on"
    )
    return [versions, list(items), list(EvidenceLink.objects.values_list("pk", "url"))]


# "Saved" is the answer's own status line; a fresh page has no answer to report.
_SAVED = re.compile(r'(class="field-status" role="status">)Saved(</p>)')


# --- Status ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["doing", "done", "skipped", "todo"])
def test_an_htmx_status_change_redraws_the_card_and_the_progress_as_a_reload_would(engineer_client, roadmap, status):
    item = _first(roadmap)
    if status == "todo":
        RoadmapItem.objects.filter(pk=item.pk).update(status="done", done_on=timezone.localdate())
    before = parse(engineer_client.get(_detail(roadmap)).content)

    response = engineer_client.post(_update(roadmap, item.pk), {"status": status}, headers=HTMX)

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    item.refresh_from_db()
    assert item.status == status
    fragment = parse(_SAVED.sub(r"\1\2", response.content.decode()))
    apply_swap(before, fragment, f"item-{item.pk}")
    fresh = parse(engineer_client.get(_detail(roadmap)).content)
    assert find(before, "main") == find(fresh, "main"), difference(find(before, "main"), find(fresh, "main"))


def test_an_htmx_status_change_moves_the_version_on_once_and_a_refused_one_changes_nothing(client, framework_db):
    mine, theirs = roadmap_for(levels=NEARLY_READY), roadmap_for(levels=NEARLY_READY)
    item = _first(mine)
    client.force_login(mine.owner)
    version = mine.version
    assert client.post(_update(mine, item.pk), {"status": "doing"}, headers=HTMX).status_code == 200
    mine.refresh_from_db()
    assert mine.version == version + 1
    # Someone else's roadmap, an item not on this one, a status that does not exist: nothing moves.
    before = _state(mine, theirs)
    assert client.post(_update(theirs, _first(theirs).pk), {"status": "done"}, headers=HTMX).status_code == 404
    assert client.post(_update(mine, _first(theirs).pk), {"status": "done"}, headers=HTMX).status_code != 200
    assert client.post(_update(mine, item.pk), {"status": "finished"}, headers=HTMX).status_code != 200
    # Ids past what the database holds are "no such roadmap" or "no such item", never a database error.
    huge = reverse("roadmaps:item_update", args=[2**63, item.pk])
    assert client.post(huge, {"status": "done"}, headers=HTMX).status_code == 404
    assert client.post(_update(mine, 10**30), {"status": "done"}, headers=HTMX).status_code != 200
    assert _state(mine, theirs) == before
    # What the status change wrote is what a read gives back: the status, the day and the time.
    assert client.post(_update(mine, item.pk), {"status": "done"}, headers=HTMX).status_code == 200
    item.refresh_from_db()
    assert item.status == "done"
    assert item.done_on == timezone.localdate()
    assert item.updated_at > timezone.now() - datetime.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("was", "now", "redrawn"),
    [("todo", "done", False), ("done", "doing", False), ("todo", "skipped", True), ("skipped", "todo", True)],
)
def test_a_status_change_redraws_the_projection_only_when_the_item_starts_or_stops_counting(
    engineer_client, roadmap, was, now, redrawn
):
    item = _first(roadmap)
    RoadmapItem.objects.filter(pk=item.pk).update(status=was)
    response = engineer_client.post(_update(roadmap, item.pk), {"status": now}, headers=HTMX)
    assert response.status_code == 200
    assert (find(parse(response.content), "roadmap-projection") is not None) is redrawn


def test_a_card_offers_every_status_once_with_the_current_one_pressed(engineer_client, roadmap):
    item = _first(roadmap)
    RoadmapItem.objects.filter(pk=item.pk).update(status=RoadmapItem.Status.DOING)
    card = str(find(parse(engineer_client.get(_detail(roadmap)).content), f"item-{item.pk}"))
    button = r'<button aria-pressed="(\w+)" name="status" type="submit" value="(\w+)">([^<]+)</button>'
    buttons = re.findall(button, card)
    assert [(value, label.strip()) for _, value, label in buttons] == list(RoadmapItem.Status.choices)
    assert [value for pressed, value, _ in buttons if pressed == "true"] == ["doing"]


def test_ticking_an_item_done_sends_the_new_progress_numbers_out_of_band(engineer_client, roadmap):
    item = _first(roadmap)
    total = roadmap.items.count()
    in_month = roadmap.items.filter(month=item.month)
    hours = sum(i.hours for i in in_month)

    response = engineer_client.post(_update(roadmap, item.pk), {"status": "done"}, headers=HTMX)

    fragment = parse(response.content)
    progress = find(fragment, "roadmap-progress")
    assert ("hx-swap-oob", "true") in progress.attributes
    assert f"done — 1 of {total} actions, {item.hours} of" in text(progress)
    month = find(fragment, "month-progress-1")
    assert ("hx-swap-oob", "true") in month.attributes
    assert text(month) == f"1 of {in_month.count()} done · {hours} h"
    assert "Saved" in text(find(fragment, f"item-{item.pk}"))
    assert f"done {timezone.localdate():%-d %b %Y}" in text(find(fragment, f"item-{item.pk}"))


def test_a_plain_status_post_saves_and_returns_to_the_item_with_a_message(engineer_client, roadmap):
    item = _first(roadmap)
    response = engineer_client.post(_update(roadmap, item.pk), {"status": "doing"})
    assert response.status_code == 302
    assert response["Location"] == _detail(roadmap) + f"#item-{item.pk}"
    item.refresh_from_db()
    assert item.status == "doing"
    assert "Saved." in engineer_client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("status", ["finished", "", "<script>", "DONE"])
def test_an_unknown_status_is_refused_in_place_and_nothing_is_saved(engineer_client, roadmap, status):
    item = _first(roadmap)
    before = _state(roadmap)

    response = engineer_client.post(_update(roadmap, item.pk), {"status": status}, headers=HTMX)

    assert response.status_code == 422
    card = find(parse(response.content), f"item-{item.pk}")
    assert "Choose to do, doing, done or skipped." in text(card)
    assert _state(roadmap) == before


def test_an_unknown_status_in_a_plain_post_is_shown_after_the_redirect(engineer_client, roadmap):
    item = _first(roadmap)
    before = _state(roadmap)
    response = engineer_client.post(_update(roadmap, item.pk), {"status": "finished"}, follow=True)
    assert response.redirect_chain == [(_detail(roadmap) + f"#item-{item.pk}", 302)]
    assert "Choose to do, doing, done or skipped." in response.content.decode()
    assert "Saved." not in response.content.decode()
    assert _state(roadmap) == before


# --- Month and pin ---------------------------------------------------------------------------


def test_moving_an_item_with_htmx_redraws_the_two_months_in_place_without_a_reload(engineer_client, roadmap):
    item = _first(roadmap)
    response = engineer_client.post(_update(roadmap, item.pk), {"month": "3"}, headers=HTMX)

    assert response.status_code == 200
    assert "HX-Redirect" not in response
    assert "HX-Refresh" not in response
    assert response["HX-Reswap"] == "none"  # all out of band
    sent = parse(response.content)
    left, joined = find(sent, "month-1"), find(sent, "month-3")
    assert left is not None
    assert joined is not None
    assert ("hx-swap-oob", "true") in joined.attributes
    assert find(joined, f"item-{item.pk}") is not None
    assert find(left, f"item-{item.pk}") is None
    assert find(sent, "month-2") is None  # untouched months are not sent
    item.refresh_from_db()
    assert (item.month, item.pinned) == (roadmap.month_date(3), True)
    page = parse(engineer_client.get(_detail(roadmap)).content)
    card = find(find(page, "month-3"), f"item-{item.pk}")
    assert card is not None
    assert "pinned" in text(card)
    assert find(find(page, "month-1"), f"item-{item.pk}") is None


def test_a_plain_move_pins_the_item_and_returns_to_it(engineer_client, roadmap):
    item = _first(roadmap)
    response = engineer_client.post(_update(roadmap, item.pk), {"month": "2"})
    assert response["Location"] == _detail(roadmap) + f"#item-{item.pk}"
    item.refresh_from_db()
    assert (item.month, item.pinned) == (roadmap.month_date(2), True)


@pytest.mark.parametrize("month", ["0", "7", "-1", "abc", "", "1.5"])
def test_a_month_outside_the_horizon_is_refused_in_place_and_nothing_is_saved(engineer_client, roadmap, month):
    item = _first(roadmap)
    before = _state(roadmap)

    response = engineer_client.post(_update(roadmap, item.pk), {"month": month}, headers=HTMX)

    assert response.status_code == 422
    assert "Choose a month from 1 to 6." in text(find(parse(response.content), f"item-{item.pk}"))
    assert _state(roadmap) == before


def test_a_month_outside_the_horizon_in_a_plain_post_is_shown_after_the_redirect(engineer_client, roadmap):
    item = _first(roadmap)
    before = _state(roadmap)
    response = engineer_client.post(_update(roadmap, item.pk), {"month": "7"}, follow=True)
    assert response.redirect_chain[-1][1] == 302
    assert "Choose a month from 1 to 6." in response.content.decode()
    assert _state(roadmap) == before


def test_unpinning_lets_re_plans_move_the_item_again(engineer_client, roadmap):
    item = _first(roadmap)
    engineer_client.post(_update(roadmap, item.pk), {"month": "2"})
    response = engineer_client.post(_update(roadmap, item.pk), {"pinned": "0"}, headers=HTMX)
    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.month, item.pinned) == (roadmap.month_date(2), False)
    assert "pinned" not in text(find(parse(response.content), f"item-{item.pk}")).split("Why it is here")[0]


def test_a_post_with_nothing_to_change_is_refused(engineer_client, roadmap):
    item = _first(roadmap)
    before = _state(roadmap)
    response = engineer_client.post(_update(roadmap, item.pk), {}, headers=HTMX)
    assert response.status_code == 422
    assert "Nothing to change was sent." in text(parse(response.content))
    assert _state(roadmap) == before


def test_an_item_can_only_be_changed_with_a_post(engineer_client, roadmap):
    assert engineer_client.get(_update(roadmap, _first(roadmap).pk)).status_code == 405


# --- A tampered or vanished item id --------------------------------------------------------------


@pytest.fixture
def other_item(framework_db):
    item = _first(roadmap_for(levels={"mentoring": 1}))
    RoadmapItem.objects.filter(pk=item.pk).update(notes="Their private notes.")
    return item


@pytest.mark.parametrize(
    "data", [{"status": "done"}, {"notes": "mine now"}, {"month": "2"}, {"pinned": "1"}, {"url": "https://x.org/"}]
)
def test_an_item_of_another_roadmap_is_refused_in_place_and_nothing_is_saved(
    engineer_client, roadmap, other_item, data
):
    before = _state(roadmap, other_item.roadmap)
    name = "link_add" if "url" in data else "item_update"
    url = reverse(f"roadmaps:{name}", args=[roadmap.pk, other_item.pk])

    response = engineer_client.post(url, data, headers=HTMX)

    assert response.status_code == 422
    answer = find(parse(response.content), f"item-{other_item.pk}")
    assert "That item is not on your roadmap" in text(answer)
    assert "Their private notes." not in response.content.decode(), "nothing of someone else's roadmap is shown"
    assert _state(roadmap, other_item.roadmap) == before


def test_an_item_of_another_roadmap_in_a_plain_post_is_shown_after_the_redirect(engineer_client, roadmap, other_item):
    before = _state(roadmap, other_item.roadmap)
    response = engineer_client.post(_update(roadmap, other_item.pk), {"status": "done"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(_detail(roadmap))
    assert "That item is not on your roadmap" in response.content.decode()
    assert _state(roadmap, other_item.roadmap) == before


def test_an_item_a_replan_removed_in_another_tab_is_refused_in_place(engineer_client, roadmap):
    item = _first(roadmap)
    gone = item.pk
    item.delete()
    response = engineer_client.post(_update(roadmap, gone), {"status": "done"}, headers=HTMX)
    assert response.status_code == 422
    assert "That item is not on your roadmap" in text(find(parse(response.content), f"item-{gone}"))


# --- Notes and evidence links ------------------------------------------------------------------


def test_notes_are_saved_in_place(engineer_client, roadmap):
    item = _first(roadmap)
    response = engineer_client.post(_update(roadmap, item.pk), {"notes": "Using the search feature."}, headers=HTMX)
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.notes == "Using the search feature."
    assert "Using the search feature." in response.content.decode()


def test_too_long_notes_are_refused_in_place_and_the_old_notes_kept(engineer_client, roadmap):
    item = _first(roadmap)
    engineer_client.post(_update(roadmap, item.pk), {"notes": "First draft."})
    before = _state(roadmap)
    response = engineer_client.post(_update(roadmap, item.pk), {"notes": "x" * 5001}, headers=HTMX)
    assert response.status_code == 422
    assert "Keep notes under 5000 characters (these are 5001)." in text(parse(response.content))
    assert _state(roadmap) == before


def test_evidence_links_are_added_and_removed_in_place(engineer_client, roadmap):
    item = _first(roadmap)
    add = reverse("roadmaps:link_add", args=[roadmap.pk, item.pk])
    response = engineer_client.post(add, {"url": "https://example.com/eval-report"}, headers=HTMX)
    assert response.status_code == 200
    link = EvidenceLink.objects.get(item=item)
    assert 'href="https://example.com/eval-report"' in response.content.decode()

    remove = reverse("roadmaps:link_delete", args=[roadmap.pk, link.pk])
    response = engineer_client.post(remove, headers=HTMX)
    assert response.status_code == 200
    assert not EvidenceLink.objects.exists()
    assert "eval-report" not in response.content.decode()


@pytest.mark.parametrize("url", ["not a link", "javascript:alert(1)", ""])
def test_a_bad_evidence_link_is_refused_in_place(engineer_client, roadmap, url):
    item = _first(roadmap)
    before = _state(roadmap)
    response = engineer_client.post(
        reverse("roadmaps:link_add", args=[roadmap.pk, item.pk]), {"url": url}, headers=HTMX
    )
    assert response.status_code == 422
    slot = find(parse(response.content), f"link-{item.pk}-error")
    assert "Not added: enter a full web address" in text(slot)
    field = find(parse(response.content), f"link-{item.pk}")
    assert field is not None
    assert ("aria-describedby", f"link-{item.pk}-error") in field.attributes
    assert ("value", url) in field.attributes or not url  # what was typed stays, to be corrected
    assert _state(roadmap) == before


def test_a_bad_evidence_link_without_javascript_shows_the_editor_with_the_message_beside_the_field(
    engineer_client, roadmap
):
    item = _first(roadmap)
    response = engineer_client.post(
        reverse("roadmaps:link_add", args=[roadmap.pk, item.pk]), {"url": "javascript:alert(1)"}
    )
    assert response.status_code == 422
    page = parse(response.content)
    assert find(page, "main") is not None
    assert "Not added: enter a full web address" in text(find(page, f"link-{item.pk}-error"))
    assert not EvidenceLink.objects.exists()


def test_removing_a_link_that_is_already_gone_says_so_on_its_card(engineer_client, roadmap):
    item = _first(roadmap)
    link = EvidenceLink.objects.create(item=item, url="https://example.com/eval-report")
    remove = reverse("roadmaps:link_delete", args=[roadmap.pk, link.pk])
    assert engineer_client.post(remove, {"item": item.pk}, headers=HTMX).status_code == 200

    again = engineer_client.post(remove, {"item": item.pk}, headers=HTMX)  # a second tab, or a second click
    assert again.status_code == 422
    card = find(parse(again.content), f"item-{item.pk}")
    assert "That link had already been removed." in text(card)
    assert "eval-report" not in again.content.decode()
    plain = engineer_client.post(remove, {"item": item.pk}, follow=True)
    assert "That link had already been removed." in plain.content.decode()
    assert engineer_client.post(remove, {"item": "²"}, headers=HTMX).status_code == 404  # not a 500


def test_a_link_of_another_roadmap_cannot_be_removed(engineer_client, roadmap, other_item):
    link = EvidenceLink.objects.create(item=other_item, url="https://example.com/theirs")
    response = engineer_client.post(reverse("roadmaps:link_delete", args=[roadmap.pk, link.pk]), headers=HTMX)
    assert response.status_code == 404
    assert EvidenceLink.objects.filter(pk=link.pk).exists()


# --- Two tabs ----------------------------------------------------------------------------------


def test_two_tabs_one_setting_notes_the_other_the_status_keep_both(engineer_client, roadmap):
    item = _first(roadmap)
    tab_a = engineer_client.post(_update(roadmap, item.pk), {"notes": "Picked the search feature."}, headers=HTMX)
    tab_b = engineer_client.post(_update(roadmap, item.pk), {"status": "doing"}, headers=HTMX)

    assert (tab_a.status_code, tab_b.status_code) == (200, 200)
    item.refresh_from_db()
    assert (item.notes, item.status) == ("Picked the search feature.", "doing")
    # Tab B's redrawn card shows tab A's notes: nothing is lost on screen either.
    assert "Picked the search feature." in tab_b.content.decode()


def test_two_tabs_setting_the_status_keep_the_later_one(engineer_client, roadmap):
    item = _first(roadmap)
    engineer_client.post(_update(roadmap, item.pk), {"status": "done"}, headers=HTMX)
    response = engineer_client.post(_update(roadmap, item.pk), {"status": "skipped"}, headers=HTMX)
    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.status, item.done_on) == ("skipped", None)


# --- Query budget --------------------------------------------------------------------------------

# Session, user, the roadmap checked as the owner's with its version bumped (one statement), its items
# (their comments counted), the status update; then the card's links. Its comments are not read: the page
# keeps them (hx-preserve).
ITEM_QUERIES = 6


@pytest.mark.parametrize("levels", [NEARLY_READY, None], ids=["small", "large"])
def test_an_htmx_status_change_takes_the_same_queries_whatever_the_number_of_items(
    client, framework_db, levels, django_assert_num_queries
):
    roadmap = roadmap_for(levels=levels, hours_per_week=40, months=12)
    assert roadmap.items.count() < 5 if levels else roadmap.items.count() > 25
    url = _update(roadmap, _first(roadmap).pk)
    client.force_login(roadmap.owner)
    with django_assert_num_queries(ITEM_QUERIES):
        response = client.post(url, {"status": "done"}, headers=HTMX)
    assert response.status_code == 200


# --- The editor, fetched when opened -----------------------------------------------------------


def test_a_closed_editor_is_not_drawn_with_the_page_but_fetched_when_opened(engineer_client, roadmap):
    plain, noted = roadmap.items.order_by("month", "position")[:2]
    RoadmapItem.objects.filter(pk=noted.pk).update(notes="Halfway through the course.")
    edit_url = reverse("roadmaps:item_edit", args=[roadmap.pk, plain.pk])
    html = engineer_client.get(_detail(roadmap)).content.decode()
    # No template syntax leaks into the page.
    assert "{#" not in html
    assert "{%" not in html
    page = parse(html)

    closed = find(page, f"item-{plain.pk}")
    assert f'hx-get="{edit_url}"' in str(closed)
    assert 'hx-trigger="toggle once"' in str(closed)
    assert f"notes-{plain.pk}" not in str(closed)  # no editor drawn
    assert f'<a href="{edit_url}">' in str(closed)  # the way in without JavaScript
    # A card with notes shows them as text, and its editor waits to be opened like the others.
    noted_card = find(page, f"item-{noted.pk}")
    assert "Notes: Halfway through the course." in text(noted_card)
    assert find(noted_card, f"notes-{noted.pk}") is None
    assert f'hx-get="{reverse("roadmaps:item_edit", args=[roadmap.pk, noted.pk])}"' in str(noted_card)


def test_a_card_saved_from_its_editor_comes_back_with_the_editor_open(engineer_client, roadmap):
    item = _first(roadmap)
    url = _update(roadmap, item.pk)
    saved = parse(engineer_client.post(url, {"notes": "Booked the course."}, headers=HTMX).content.decode())
    card = find(saved, f"item-{item.pk}")
    assert text(find(card, f"notes-{item.pk}")) == "Booked the course."
    assert "Notes: Booked the course." not in text(card)  # not twice: the editor holds them
    assert text(card).endswith("Saved")
    # A status button is not on the editor, so the card it redraws keeps the editor closed.
    done = parse(engineer_client.post(url, {"status": "done"}, headers=HTMX).content.decode())
    card = find(done, f"item-{item.pk}")
    assert find(card, f"notes-{item.pk}") is None
    assert "Notes: Booked the course." in text(card)


def test_the_fetched_editor_has_the_notes_links_and_month_of_that_item(engineer_client, roadmap):
    item = _first(roadmap)
    EvidenceLink.objects.create(item=item, url="https://example.com/talk")
    response = engineer_client.get(reverse("roadmaps:item_edit", args=[roadmap.pk, item.pk]), headers=HTMX)

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    fragment = parse(body)
    assert find(fragment, f"notes-{item.pk}") is not None
    assert "https://example.com/talk" in body
    assert f'action="{reverse("roadmaps:link_add", args=[roadmap.pk, item.pk])}"' in body
    months = find(fragment, f"move-{item.pk}")
    assert len([c for c in months.children if getattr(c, "name", "") == "option"]) == roadmap.months
    assert 'name="csrfmiddlewaretoken"' in body


def test_without_javascript_the_editor_is_a_page_of_its_own(engineer_client, roadmap):
    item = _first(roadmap)
    response = engineer_client.get(reverse("roadmaps:item_edit", args=[roadmap.pk, item.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body
    assert "{#" not in body
    assert "{%" not in body
    page = parse(body)
    assert find(page, f"notes-{item.pk}") is not None
    assert f'href="{_detail(roadmap)}#item-{item.pk}"' in body  # back to the card
    # Its forms post as on the roadmap, and a plain post returns to the roadmap.
    response = engineer_client.post(_update(roadmap, item.pk), {"notes": "From the item page."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.notes == "From the item page."


def test_the_editor_of_an_item_that_is_gone_is_not_found(engineer_client, roadmap):
    item = _first(roadmap)
    url = reverse("roadmaps:item_edit", args=[roadmap.pk, item.pk])
    item.delete()
    assert engineer_client.get(url, headers=HTMX).status_code == 404
