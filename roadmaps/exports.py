"""The roadmap as data: a JSON export with a schema, and an iCalendar file with one entry per month."""

from __future__ import annotations

import datetime

from assessments.content import Frozen
from roadmaps.models import Roadmap, RoadmapItem, add_months
from roadmaps.selectors import roadmap_view


class ExportedItem(Frozen):
    action: str
    title: str
    description: str
    done_when: str
    competencies: tuple[str, ...]
    hours: int
    phase: str
    month: int  # the month it starts in
    month_start: datetime.date
    end: int  # the last month it runs in: equal to month for a one-month action
    monthly_hours: tuple[int, ...]  # its hours in each month from month to end
    status: str
    pinned: bool
    done_on: datetime.date | None
    reason: str
    notes: str | None = None
    evidence_links: tuple[str, ...] | None = None


class RoadmapExport(Frozen):
    role: str
    hours_per_week: int
    months: int
    start_month: datetime.date
    created_at: datetime.datetime
    progress_percent: int
    items: tuple[ExportedItem, ...]


def roadmap_export(roadmap: Roadmap, *, include_private: bool) -> RoadmapExport:
    """Notes and evidence links are private: only included for the owner or when they shared them."""
    view = roadmap_view(roadmap)
    return RoadmapExport(
        role=roadmap.role.slug,
        hours_per_week=roadmap.hours_per_week,
        months=roadmap.months,
        start_month=roadmap.start_month,
        created_at=roadmap.created_at,
        progress_percent=view.percent,
        items=tuple(
            ExportedItem(
                action=item.action_slug,
                title=item.title,
                description=item.description,
                done_when=item.done_when,
                competencies=tuple(item.competencies),
                hours=item.hours,
                phase=item.phase,
                month=roadmap.month_number(item.month),
                month_start=item.month,
                end=roadmap.month_number(item.last_month),
                monthly_hours=tuple(item.hours_in(add_months(item.month, n)) for n in range(item.span)),
                status=item.status,
                pinned=item.pinned,
                done_on=item.done_on,
                reason=item.reason,
                notes=item.notes if include_private else None,
                evidence_links=tuple(link.url for link in item.link_list)  # type: ignore[attr-defined]
                if include_private
                else None,
            )
            for item in view.items
        ),
    )


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    # RFC 5545: lines longer than 75 octets continue on the next line after a space.
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def roadmap_ics(roadmap: Roadmap, host: str) -> str:
    view = roadmap_view(roadmap)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Transition//Roadmap//EN", "CALSCALE:GREGORIAN"]
    for month in view.months:
        if not month.items:
            continue
        todo = [r for r in month.rows if r.item.status != RoadmapItem.Status.SKIPPED]
        summary = f"Roadmap month {month.number}: {len(todo)} action{'s' if len(todo) != 1 else ''}, {month.hours} h"
        description = "\n".join(
            f"[{'x' if r.item.status == 'done' else ' '}] {r.item.title} ({r.hours} h)" for r in todo
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:roadmap-{roadmap.pk}-month-{month.number}@{host.split(':')[0]}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{month.date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{add_months(month.date, 1):%Y%m%d}",
            f"SUMMARY:{_escape(summary)}",
            f"DESCRIPTION:{_escape(description)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
