"""The roadmap as data: JSON with a schema, and an iCalendar file with one entry per month of work."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from roadmaps import exports, services
from roadmaps.models import Roadmap, RoadmapItem, add_months
from tests.roadmaps.factories import NEARLY_READY, roadmap_for


def _json(client, roadmap: Roadmap):
    return client.get(reverse("roadmaps:export_json", args=[roadmap.pk]))


def _ics(client, roadmap: Roadmap):
    return client.get(reverse("roadmaps:calendar", args=[roadmap.pk]))


def _events(calendar: str) -> list[dict[str, str]]:
    """The VEVENTs of an iCalendar text, with folded lines joined again (RFC 5545, 3.1)."""
    lines = calendar.replace("\r\n ", "").split("\r\n")
    events, event = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            event = {}
        elif line == "END:VEVENT":
            events.append(event)
            event = None
        elif event is not None:
            name, _, value = line.partition(":")
            event[name] = value
    return events


# --- JSON ----------------------------------------------------------------------------------------


def test_json_export_follows_the_schema_and_holds_every_item(engineer_client, roadmap):
    done = roadmap.items.order_by("month", "position").first()
    services.item_set_status(item=done, status=RoadmapItem.Status.DONE)
    services.item_move(item=roadmap.items.exclude(pk=done.pk).first(), roadmap=roadmap, month_number=4)

    response = _json(engineer_client, roadmap)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="roadmap-')
    data = exports.RoadmapExport.model_validate(response.json())
    assert (data.role, data.hours_per_week, data.months, data.start_month) == (
        "ai-architect",
        5,
        6,
        roadmap.start_month,
    )
    items = {i.action_slug: i for i in roadmap.items.all()}
    assert [i.action for i in data.items] == [i.action_slug for i in roadmap.items.all()]
    for exported in data.items:
        item = items[exported.action]
        assert exported.month == roadmap.month_number(item.month)
        assert exported.month_start == item.month
        assert (exported.title, exported.done_when, exported.hours) == (item.title, item.done_when, item.hours)
        assert (exported.status, exported.pinned, exported.done_on) == (item.status, item.pinned, item.done_on)
        assert exported.reason == item.reason
    total = sum(1 for i in items.values() if i.status != "skipped")
    assert data.progress_percent == round(100 / total)


def test_json_export_holds_the_owners_notes_and_evidence_links(engineer_client, roadmap):
    item = roadmap.items.first()
    services.item_set_notes(item=item, notes="Eval set for search.")
    services.item_link_add(item=item, url="https://example.com/a")
    services.item_link_add(item=item, url="https://example.com/b")

    data = exports.RoadmapExport.model_validate(_json(engineer_client, roadmap).json())

    exported = next(i for i in data.items if i.action == item.action_slug)
    assert exported.notes == "Eval set for search."
    assert exported.evidence_links == ("https://example.com/a", "https://example.com/b")


def test_an_export_for_someone_else_leaves_notes_and_evidence_out(roadmap):
    item = roadmap.items.first()
    services.item_set_notes(item=item, notes="Private.")
    services.item_link_add(item=item, url="https://example.com/private")
    data = exports.roadmap_export(roadmap, include_private=False)
    assert all(i.notes is None and i.evidence_links is None for i in data.items)
    assert "Private" not in data.model_dump_json()


# --- iCalendar -----------------------------------------------------------------------------------


def test_calendar_has_one_entry_per_month_of_work(engineer_client, roadmap):
    done = roadmap.items.order_by("month", "position").first()
    services.item_set_status(item=done, status=RoadmapItem.Status.DONE)

    response = _ics(engineer_client, roadmap)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="roadmap.ics"'
    calendar = response.content.decode()
    assert calendar.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert calendar.endswith("END:VCALENDAR\r\n")
    events = _events(calendar)
    months = sorted({i.month for i in roadmap.items.all()})
    assert [e["DTSTART;VALUE=DATE"] for e in events] == [f"{m:%Y%m%d}" for m in months]
    assert [e["DTEND;VALUE=DATE"] for e in events] == [f"{add_months(m, 1):%Y%m%d}" for m in months]
    assert len({e["UID"] for e in events}) == len(events)
    first = events[0]
    in_month = list(roadmap.items.filter(month=months[0]))
    hours = sum(i.hours for i in in_month)
    assert first["SUMMARY"] == f"Roadmap month 1: {len(in_month)} actions\\, {hours} h"
    assert f"[x] {done.title}" in first["DESCRIPTION"].replace("\\,", ",")
    for item in in_month[1:]:
        assert f"[ ] {item.title}" in first["DESCRIPTION"].replace("\\,", ",")


def test_a_month_without_work_has_no_calendar_entry(engineer_client, framework_db):
    roadmap = roadmap_for(levels=NEARLY_READY)  # only make-the-move steps, from month 4
    engineer_client.force_login(roadmap.owner)
    events = _events(_ics(engineer_client, roadmap).content.decode())
    # An item that runs over several months is work in each of them.
    worked = {
        n
        for i in roadmap.items.all()
        for n in range(roadmap.month_number(i.month), roadmap.month_number(i.last_month) + 1)
    }
    assert 0 < len(worked) < roadmap.months
    assert [e["SUMMARY"].split(":")[0] for e in events] == [f"Roadmap month {n}" for n in sorted(worked)]


def test_calendar_text_is_escaped_and_lines_are_folded_at_75_octets(engineer_client, roadmap):
    item = roadmap.items.order_by("month", "position").first()
    RoadmapItem.objects.filter(pk=item.pk).update(title="Évaluer, puis décider; sans \\ ni retour " + "é" * 60)

    calendar = _ics(engineer_client, roadmap).content

    lines = calendar.split(b"\r\n")
    assert b"\n" not in b"".join(lines), "every line ends with CRLF"
    assert max(len(line) for line in lines) <= 75
    calendar.decode()  # folding never splits a character
    description = _events(calendar.decode())[0]["DESCRIPTION"]
    assert "Évaluer\\, puis décider\\; sans \\\\ ni retour " + "é" * 60 in description
    assert "\\n" in description, "one action a line"


def test_calendar_dates_are_whole_days_in_the_plan_months(engineer_client, roadmap):
    for event in _events(_ics(engineer_client, roadmap).content.decode()):
        start = datetime.datetime.strptime(event["DTSTART;VALUE=DATE"], "%Y%m%d").date()
        assert start.day == 1
        assert 1 <= roadmap.month_number(start) <= roadmap.months
        assert event["DTSTAMP"].endswith("Z")


# --- Query budget ------------------------------------------------------------------------------------

# Session, user, roadmap, items, links: however many items there are.
EXPORT_QUERIES = 5


@pytest.mark.parametrize(
    "sized", [{"levels": NEARLY_READY}, {"hours_per_week": 40, "months": 12}], ids=["small", "large"]
)
@pytest.mark.parametrize("name", ["export_json", "calendar"])
def test_exports_take_the_same_queries_whatever_the_number_of_items(
    client, framework_db, sized, name, django_assert_num_queries
):
    roadmap = roadmap_for(**sized)
    for item in roadmap.items.all():
        services.item_link_add(item=item, url=f"https://example.com/{item.pk}")
    client.force_login(roadmap.owner)
    with django_assert_num_queries(EXPORT_QUERIES):
        response = client.get(reverse(f"roadmaps:{name}", args=[roadmap.pk]))
    assert response.status_code == 200
