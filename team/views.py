"""The manager's team dashboard, and the read-only pages a manager or mentor opens for one engineer."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST

from assessments import content, scoring
from assessments.models import Assessment, Competency, ManagerRating
from assessments.results import Audience, chart_order, history_charts, results_context
from assessments.selectors import finished_assessments, latest_finished_assessment
from assessments.services import RatingError, manager_rating_save
from roadmaps.comments import roadmap_threads
from roadmaps.models import Roadmap
from roadmaps.selectors import roadmap_view
from team.selectors import (
    HEATMAP_MIN_PEOPLE,
    STALLED_AFTER_DAYS,
    Heatmap,
    Report,
    parse_sort,
    sort_reports,
    team,
    team_heatmap,
    team_reports,
)
from transition.accounts.http import AuthenticatedHttpRequest
from transition.accounts.models import User
from transition.accounts.permissions import Access, get_access
from transition.lib import charts
from transition.lib.formatting import fixed, stamp
from transition.lib.http import INVALID, is_partial

# --- dashboard ----------------------------------------------------------------------------------------

COLUMNS = [
    ("name", "Name"),
    ("role", "Target role"),
    ("readiness", "Readiness"),
    ("change", "Change"),
    ("progress", "Roadmap"),
    ("overdue", "Overdue"),
    ("activity", "Last activity"),
]


# The table's header and rows are markup made here, filled in with f-strings: drawn by the template, with a
# lookup, a tag or a filter for each of the two hundred cells, addresses and classes, they were most of the
# dashboard's time (make bench); format_html escapes every argument through a lazy-text check, which cost as
# much again. Only a name is anyone's text: it goes through escape() in every cell that shows it; role names
# and labels, from the framework and from here, are escaped as well. SVG coordinates, like every number
# here, are never localised.


def _header(key: str, descending: bool) -> SafeString:
    """The header cells: each column but the role sorts the table, ascending first, then the other way."""
    cells = []
    for column, label in COLUMNS:
        numeric = "" if column in ("name", "role") else ' class="num"'
        if column == "role":
            cells.append(f'<th scope="col"{numeric}>{escape(label)}</th>')
            continue
        current = column == key
        aria_sort = ("descending" if descending else "ascending") if current else ""
        href = "?sort=" + (column if not current or descending else f"-{column}")
        mark = {"ascending": "▲", "descending": "▼"}.get(aria_sort, "")
        sorted_by = f' aria-sort="{aria_sort}"' if aria_sort else ""
        cells.append(
            f'<th scope="col"{sorted_by}{numeric}>'
            f'<a href="{href}" id="sort-{column}" class="sort-link" hx-get="{href}" hx-target="#team-table" '
            f'hx-swap="outerHTML" hx-push-url="true">{escape(label)}'
            f'<span class="sort-mark" aria-hidden="true">{mark}</span></a></th>'
        )
    # Safe: labels escaped; keys, classes and addresses made here.
    return mark_safe("".join(cells))  # noqa: S308  # nosec B308 B703


# Stands for an engineer's id in an address reversed once per page, then filled in for each row.
_PK = 987654321


def _address(name: str) -> Callable[[int], str]:
    head, tail = reverse(name, args=[_PK]).split(str(_PK))
    return lambda pk: f"{head}{pk}{tail}"


NO_RESULTS = mark_safe('<span class="muted">no results yet</span>')  # nosec B308 B703
NOTHING = mark_safe('<span class="muted">—</span>')  # nosec B308 B703
STALLED = ' <span class="badge badge-warn">stalled</span>'


def _name(report: Report, results_url: str, roadmap_url: str) -> str:
    name = escape(report.name)
    cell = f'<a href="{results_url}">{name}</a>'
    if report.has_roadmap:
        cell += (
            f' <span class="row-links"><a href="{roadmap_url}" class="small">Roadmap'
            f'<span class="visually-hidden"> of {name}</span></a></span>'
        )
    return cell


def _readiness(report: Report) -> str:
    if report.readiness is None:
        return NO_RESULTS
    trend = report.trend
    spark = ""
    if len(trend) > 1:
        line = charts.bare_sparkline(trend)
        last = line.last or charts.Dot(0, 0, 0)
        values = ", ".join(f"{fixed(v, 0)}%" for v in trend)
        title = escape(f"Readiness of {report.name} across their last {len(trend)} assessments: {values}")
        spark = (
            f'<svg class="spark" viewBox="0 0 {line.width} {line.height}" role="img" '
            f'aria-labelledby="spark-{report.pk}"><title id="spark-{report.pk}">{title}</title>'
            f'<polyline points="{line.points}" class="spark-line"/>'
            f'<circle cx="{last.x}" cy="{last.y}" r="2.6" class="spark-dot"/></svg> '
        )
    return f"{spark}<strong>{fixed(report.readiness, 0)}%</strong>"


def _span(css_class: str, text: object) -> SafeString:
    # Safe: classes and numbers made here.
    return mark_safe(f'<span class="{css_class}">{text}</span>')  # noqa: S308  # nosec B308 B703


def _change(change: float | None) -> SafeString:
    if change is None:
        return NOTHING
    if change > 0:
        return _span("change up", "+" + fixed(change, 1))
    if change < 0:
        return _span("change down", fixed(change, 1))
    return _span("muted", "0")


def _progress(report: Report) -> str:
    if report.progress is None:
        return _span("muted", "nothing planned" if report.has_roadmap else "no roadmap")
    return (
        f'<span class="progress-cell"><progress max="100" value="{report.progress}" aria-hidden="true">'
        f"</progress> {report.progress}%</span>"
    )


def _activity(report: Report) -> str:
    if report.last_activity is None:
        return NOTHING
    moment = stamp(report.last_activity, "j M Y")
    stalled = STALLED if report.stalled else ""
    return f'<time datetime="{moment.iso}">{moment.shown}</time>{stalled}'


def _rows(reports: list[Report]) -> list[SafeString]:
    """Each report's row of the table, with the links to their results and roadmap and their sparkline."""
    results_url, roadmap_url = _address("team:person_results"), _address("team:person_roadmap")
    return [
        # Safe: the name is escaped in each cell that shows it; the rest is made here.
        mark_safe(  # noqa: S308  # nosec B308 B703
            f'<tr><th scope="row">{_name(report, results_url(report.pk), roadmap_url(report.pk))}</th>'
            f"<td>{escape(report.role_name or '—')}</td>"
            f'<td class="num trend-cell">{_readiness(report)}</td>'
            f'<td class="num">{_change(report.change)}</td>'
            f'<td class="num">{_progress(report)}</td>'
            f'<td class="num">{_span("badge badge-bad" if report.overdue else "muted", report.overdue)}</td>'
            f'<td class="num">{_activity(report)}</td></tr>'
        )
        for report in reports
    ]


def _heatmap_rows(heatmap: Heatmap | None) -> list[SafeString]:
    """Each competency's row of the heatmap: its cells, each with the class of its shade, and the average."""
    if heatmap is None:
        return []
    return [
        mark_safe(  # noqa: S308 (a competency's name, escaped; counts, shades and an average)  # nosec B308 B703
            f'<tr><th scope="row">{escape(row.competency.name)}</th>'
            + "".join(f'<td class="num heat heat-{cell.shade}">{cell.count}</td>' for cell in row.cells)
            + f'<td class="num heat-average">{fixed(row.average, 1)}</td></tr>'
        )
        for row in heatmap.rows
    ]


@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    key, descending = parse_sort(request.GET.get("sort"))
    people = team(request.user)
    reports = people.reports
    with_results = [r.levels for r in reports if r.levels is not None]
    readiness = [r.readiness for r in reports if r.readiness is not None]
    heatmap = team_heatmap(content.get_framework(), with_results)
    context = {
        "reports": reports,
        "rows": _rows(sort_reports(reports, key, descending)),
        "mentees": people.mentees,
        "header": _header(key, descending),
        "sort": f"-{key}" if descending else key,
        "heatmap": heatmap,
        "heatmap_rows": _heatmap_rows(heatmap),
        "heatmap_min": HEATMAP_MIN_PEOPLE,
        "with_results": len(with_results),
        "average_readiness": sum(readiness) / len(readiness) if readiness else None,
        "overdue_total": sum(r.overdue for r in reports),
        "stalled_total": sum(1 for r in reports if r.stalled),
        "stalled_days": STALLED_AFTER_DAYS,
        "level_names": content.LEVEL_NAMES,
    }
    template = "team/dashboard.html"
    if is_partial(request):
        template += "#team_table"
    return render(request, template, context)


CSV_HEADER = [
    "Name",
    "Target role",
    "Readiness (%)",
    "Change since previous assessment (points)",
    "Roadmap progress (%)",
    "Overdue items",
    "Last activity",
]
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula, made inert with a leading quote.

    Numbers are left as numbers: the ones written here are computed, never typed by
    anyone, and a quote would turn a negative change into text a spreadsheet cannot sum.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_row(report: Report) -> list[object]:
    row: list[object] = [
        report.name,
        report.role_name or "",
        round(report.readiness) if report.readiness is not None else "",
        report.change if report.change is not None else "",
        report.progress if report.progress is not None else "",
        report.overdue,
        timezone.localtime(report.last_activity).strftime("%Y-%m-%d %H:%M") if report.last_activity else "",
    ]
    return [csv_safe(cell) for cell in row]


@require_GET
def export_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    key, descending = parse_sort(request.GET.get("sort"))
    reports = sort_reports(team_reports(request.user, trends=False), key, descending)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="team-{timezone.localdate():%Y-%m-%d}.csv"'
    # The byte-order mark makes Excel read the file as UTF-8, so accented names survive.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    writer.writerows(_csv_row(report) for report in reports)
    return response


# --- one engineer, read-only --------------------------------------------------------------------------


def _get_access_for_follower(request: AuthenticatedHttpRequest, engineer_pk: int) -> Access:
    """A manager's or mentor's access to this engineer; 404 for anyone else.

    The engineer has their own pages, so they get a 404 here too, like everyone without a share.
    """
    access = get_access(request, engineer_pk)
    if access.is_owner or not (access.is_manager or access.is_mentor):
        raise Http404("Nothing here.")
    return access


def _nothing_yet(request: AuthenticatedHttpRequest, access: Access, page: str) -> HttpResponse:
    has_roadmap = page != "roadmap" and Roadmap.objects.filter(owner=access.engineer).exists()
    context = {"access": access, "engineer": access.engineer, "page": page, "has_roadmap": has_roadmap}
    return render(request, "team/nothing_yet.html", context)


@dataclass(frozen=True)
class RatingRow:
    """One competency in the manager's rating form."""

    competency: content.Competency
    current: float
    level: int | None
    comment: str
    error: str = ""
    saved: bool = False

    @property
    def current_name(self) -> str:
        return content.LEVEL_NAMES[min(content.MAX_LEVEL, int(self.current))]

    @property
    def differs(self) -> bool:
        return self.level is not None and abs(self.current - self.level) > 1


def _rating_rows(access: Access, manager: User, result: scoring.Result, order: list[str]) -> list[RatingRow]:
    framework = content.get_framework()
    mine = {
        slug: (level, comment)
        for slug, level, comment in ManagerRating.objects.filter(engineer=access.engineer, manager=manager).values_list(
            "competency__slug", "level", "comment"
        )
    }
    return [
        RatingRow(
            competency=framework.competency_by_slug[slug],
            current=result.levels.get(slug, 0.0),
            level=mine[slug][0] if slug in mine else None,
            comment=mine[slug][1] if slug in mine else "",
        )
        for slug in order
    ]


def _results_page(
    request: AuthenticatedHttpRequest, access: Access, assessment: Assessment, row: RatingRow | None = None
) -> dict:
    """The engineer's results as their manager or mentor sees them; ``row`` replaces one rating row."""
    audience = Audience.FOLLOWER_PRIVATE if access.include_private else Audience.FOLLOWER
    context = results_context(assessment, audience=audience)
    rows = []
    if access.can_rate:
        rows = _rating_rows(access, request.user, context["result"], chart_order(context["role"]))
        if row is not None:
            rows = [row if r.competency.slug == row.competency.slug else r for r in rows]
    context.update(
        access=access,
        engineer=access.engineer,
        page="results",
        has_roadmap=Roadmap.objects.filter(owner=access.engineer).exists(),
        rating_rows=rows,
        history=history_charts(finished_assessments([access.engineer.pk], levels=True).get(access.engineer.pk, [])),
    )
    return context


@require_GET
def person_results(request: AuthenticatedHttpRequest, engineer_pk: int) -> HttpResponse:
    access = _get_access_for_follower(request, engineer_pk)
    assessment = latest_finished_assessment(access.engineer)
    if assessment is None:
        return _nothing_yet(request, access, "results")
    return render(request, "team/person_results.html", _results_page(request, access, assessment))


@require_GET
def person_roadmap(request: AuthenticatedHttpRequest, engineer_pk: int) -> HttpResponse:
    access = _get_access_for_follower(request, engineer_pk)
    roadmap = Roadmap.objects.select_related("owner", "role", "assessment").filter(owner=access.engineer).first()
    if roadmap is None:
        return _nothing_yet(request, access, "roadmap")
    view = roadmap_view(roadmap, comment_counts=access.can_comment)
    context = {
        "view": view,
        "roadmap": roadmap,
        "can_edit": False,
        "show_private": access.include_private,
        # Comments are a conversation with mentors; a manager who is not also a mentor does not see them.
        "comments_enabled": access.can_comment,
        "access": access,
        "engineer": access.engineer,
        "page": "roadmap",
        "has_roadmap": True,
    }
    if access.can_comment:
        context["roadmap_threads"] = roadmap_threads(roadmap)  # an item's are fetched when opened
    return render(request, "team/person_roadmap.html", context)


RATING_ROW = "team/person_results.html#rating_row"


@require_POST
def rate(request: AuthenticatedHttpRequest, engineer_pk: int) -> HttpResponse:
    """A manager rates one competency of a report, 0 to 4, with an optional comment."""
    access = _get_access_for_follower(request, engineer_pk)
    if not access.can_rate:
        raise Http404("Nothing here.")
    assessment = latest_finished_assessment(access.engineer)
    competency = Competency.objects.filter(slug=request.POST.get("competency", "")).first()
    framework = content.get_framework()
    # The form sits beside the engineer's results: without them there is nothing to rate against.
    if assessment is None or competency is None or competency.slug not in framework.competency_by_slug:
        raise Http404("Nothing to rate.")
    comment = request.POST.get("comment", "")
    try:
        level = int(request.POST.get("level", ""))
    except ValueError:
        level = -1  # refused by the service, with the message the manager sees
    error = ""
    try:
        manager_rating_save(
            engineer=access.engineer,
            manager=request.user,
            competency=competency,
            level=level,
            comment=comment,
        )
    except RatingError as exc:
        error = str(exc)

    page = reverse("team:person_results", args=[access.engineer.pk])
    if not request.htmx and not error:
        messages.success(request, f"Your rating of {competency.name} is saved.")
        return redirect(f"{page}#rate-{competency.slug}")
    result = scoring.Result.model_validate(assessment.result)
    saved = ManagerRating.objects.filter(engineer=access.engineer, manager=request.user, competency=competency).first()
    shown_level = saved.level if saved else None
    shown_comment = saved.comment if saved else ""
    if error:
        # The form keeps what was typed, so nothing has to be entered again.
        shown_comment = comment
        if 0 <= level <= content.MAX_LEVEL:
            shown_level = level
    row = RatingRow(
        competency=framework.competency_by_slug[competency.slug],
        current=result.levels.get(competency.slug, 0.0),
        level=shown_level,
        comment=shown_comment,
        error=error,
        saved=not error,
    )
    status = INVALID if error else 200
    if request.htmx:
        context = {"row": row, "engineer": access.engineer, "level_names": content.LEVEL_NAMES}
        return render(request, RATING_ROW, context, status=status)
    # Without JavaScript the whole page comes back, with the message beside the form that caused it.
    return render(request, "team/person_results.html", _results_page(request, access, assessment, row), status=status)
