from __future__ import annotations

import datetime
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap

from assessments import content
from assessments.models import Assessment
from assessments.selectors import latest_finished_assessment
from roadmaps import charts, exports, planning, services
from roadmaps.comments import attach_threads, roadmap_threads
from roadmaps.forms import PlanSettingsForm
from roadmaps.models import EvidenceLink, Roadmap, RoadmapItem
from roadmaps.permissions import get_item_for_owner, get_roadmap_for_owner
from roadmaps.selectors import RoadmapView, roadmap_items, roadmap_view
from transition.accounts.http import AuthenticatedHttpRequest
from transition.lib.http import INVALID, is_partial, sent_id


def _chosen_assessment(request: AuthenticatedHttpRequest) -> Assessment | None:
    pk = request.GET.get("assessment") or request.POST.get("assessment")
    if pk:
        assessment = Assessment.objects.filter(
            pk=sent_id(pk), owner=request.user, status=Assessment.Status.FINISHED
        ).first()
        if assessment is None:
            raise Http404("No such assessment.")
        return assessment
    return latest_finished_assessment(request.user)


@require_GET
def roadmap_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    roadmap = Roadmap.objects.filter(owner=request.user).first()
    if roadmap is not None:
        return redirect("roadmaps:detail", pk=roadmap.pk)
    if latest_finished_assessment(request.user) is not None:
        return redirect("roadmaps:new")
    return render(request, "roadmaps/empty.html")


def _preview_context(plan: planning.Plan | None) -> dict:
    """What a plan's preview shows beside its months: the projection chart and the role's name."""
    if plan is None:
        return {}
    role = content.get_framework().role_by_slug.get(plan.role)
    return {"plan_chart": charts.projection_chart(plan.projection), "role_name": role.name if role else ""}


@require_http_methods(["GET", "POST"])
def roadmap_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose hours and horizon, see the plan, then save it. Changing a number refreshes the preview."""
    existing = Roadmap.objects.filter(owner=request.user).first()
    assessment = _chosen_assessment(request)
    if existing is not None:
        query = f"?assessment={assessment.pk}" if assessment else ""
        return redirect(reverse("roadmaps:replan", args=[existing.pk]) + query)
    if assessment is None:
        messages.info(request, "Finish an assessment first: your roadmap is built from its results.")
        return redirect("assessments:start")
    data = request.POST if request.method == "POST" else (request.GET if "hours_per_week" in request.GET else None)
    form = PlanSettingsForm(data)
    plan = None
    if form.is_bound and form.is_valid():
        if request.method == "POST":
            try:
                roadmap = services.roadmap_create(owner=request.user, assessment=assessment, **form.cleaned_data)
            except services.RoadmapExists:
                # The same "Save" twice, or from two tabs: the first one made it.
                existing = Roadmap.objects.get(owner=request.user)
                messages.info(request, "Your roadmap was already saved: here it is.")
                return redirect("roadmaps:detail", pk=existing.pk)
            messages.success(request, "Your roadmap is ready. Start with this month's focus.")
            return redirect("roadmaps:detail", pk=roadmap.pk)
        plan = services.roadmap_preview(assessment=assessment, **form.cleaned_data)
    elif not form.is_bound:
        plan = services.roadmap_preview(
            assessment=assessment, hours_per_week=services.DEFAULT_HOURS_PER_WEEK, months=services.DEFAULT_MONTHS
        )
    template = "roadmaps/new.html"
    partial = is_partial(request)
    if partial:
        template += "#preview"
    # oob: the fields are outside the preview, so the preview's answer carries their messages to them.
    context = {"form": form, "plan": plan, "assessment": assessment, "oob": partial, **_preview_context(plan)}
    return render(request, template, context, status=INVALID if form.errors else 200)


@require_GET
def roadmap_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_owner(request, pk)
    # Each card shows its comment count; its threads are fetched when opened (item_comments).
    view = roadmap_view(roadmap, comment_counts=True)
    context = {
        "view": view,
        "roadmap": roadmap,
        "can_edit": True,
        "comments_enabled": True,
        "roadmap_threads": roadmap_threads(roadmap),
    }
    return render(request, "roadmaps/detail.html", context)


@require_GET
def item_edit(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """An item's editor: fetched by htmx when a card's closed editor is opened; a page of its own without it."""
    roadmap = get_roadmap_for_owner(request, pk)
    view = roadmap_view(roadmap)
    item = next((i for i in view.items if i.pk == item_pk), None)
    if item is None:
        raise Http404("No such roadmap item.")
    context = {
        "view": view,
        "roadmap": roadmap,
        "item": item,
        "can_edit": True,
        "update_url": reverse("roadmaps:item_update", args=[roadmap.pk, item.pk]),
    }
    if is_partial(request):
        return render(request, "roadmaps/includes/item_card.html#editor", context)
    return _item_page(request, roadmap, view, item, context)


def _item_page(
    request: AuthenticatedHttpRequest,
    roadmap: Roadmap,
    view: RoadmapView,
    item: RoadmapItem,
    context: dict[str, object],
    status: int = 200,
) -> HttpResponse:
    attach_threads(view.items, roadmap, only=item)  # the card is drawn with its threads open
    back_url = reverse("roadmaps:detail", args=[roadmap.pk]) + f"#item-{item.pk}"
    context.update(comments_enabled=True, editing=True, back_url=back_url)
    return render(request, "roadmaps/item.html", context, status=status)


ITEM_CARD = "roadmaps/includes/item_card.html#updated"
LINK_GONE = "That link had already been removed."
# Said the same way whether the id was tampered with or a re-plan in another tab removed the item:
# a 404 left an htmx click silently doing nothing, and this gives nothing away about other roadmaps.
ITEM_GONE = "That item is not on your roadmap any more. Reload the page to see your roadmap as it is now."


def _item_response(
    request: AuthenticatedHttpRequest,
    roadmap: Roadmap,
    item_pk: int,
    error: str = "",
    status: int = 200,
    extra: dict[str, object] | None = None,
) -> HttpResponse:
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, "Saved.")
        return redirect(reverse("roadmaps:detail", args=[roadmap.pk]) + f"#item-{item_pk}")
    view = roadmap_view(roadmap, comment_counts=True)  # the redrawn card keeps its comments (hx-preserve)
    item = next((i for i in view.items if i.pk == item_pk), None)
    context = {
        "view": view,
        "roadmap": roadmap,
        "item": item,
        # A spanning item counts in each of its months: all of their progress lines are redrawn.
        "months": view.months_of(item) if item else [],
        "item_pk": item_pk,
        "error": error,
        "can_edit": True,
        # Without it the redrawn card dropped its comments until the next reload.
        "comments_enabled": True,
        # Everything but a status button is posted from the editor, which stays open around its "Saved".
        "editing": "status" not in request.POST,
        "oob": True,
        **(extra or {}),
    }
    return render(request, ITEM_CARD, context, status=status)


def _status_changed(
    request: AuthenticatedHttpRequest, roadmap: Roadmap, item_pk: int, bumped: bool = False
) -> HttpResponse:
    """A status button, with htmx: the card and what counts it (focus, progress, its months' progress) are
    redrawn from one read of the items (their comments counted in it) and one of their links.

    The card's comments are kept as they are on the page (hx-preserve), so none are read. The projection
    and the timeline are redrawn only when the item starts or stops counting (skipped or not): done as
    planned, the plan buys the same whether an item is to do, doing or done."""
    items = roadmap_items(roadmap, comment_counts=True)
    item = next((i for i in items if i.pk == item_pk), None)
    if item is None:
        return _item_response(request, roadmap, item_pk, error=ITEM_GONE, status=INVALID)
    was_skipped = item.status == RoadmapItem.Status.SKIPPED
    error, status = "", 200
    try:
        services.item_set_status(item=item, status=request.POST["status"], bumped=bumped)
    except services.RoadmapError as exc:
        error, status = str(exc), INVALID
    plan_changed = was_skipped != (item.status == RoadmapItem.Status.SKIPPED)
    if plan_changed:
        # The projection names the role and starts from the assessment the roadmap was planned from.
        roadmap = Roadmap.objects.select_related("role", "assessment").get(pk=roadmap.pk)
    view = roadmap_view(roadmap, items=items)
    context = {
        "view": view,
        "roadmap": roadmap,
        "item": item,
        "months": view.months_of(item),
        "item_pk": item_pk,
        "error": error,
        "can_edit": True,
        "comments_enabled": True,
        "editing": False,
        "oob": True,
        "plan_changed": plan_changed,
    }
    return render(request, ITEM_CARD, context, status=status)


@require_POST
def item_update(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Change one thing about an item: its status, month, pin or notes — only what was sent."""
    if request.htmx and "status" in request.POST:
        if request.POST["status"] in RoadmapItem.Status.values:
            # The owner check and the version moved on, in one statement.
            roadmap = services.roadmap_change_for_owner(pk=pk, owner_id=request.user.pk, item_pk=item_pk)
            if roadmap is not None:
                return _status_changed(request, roadmap, item_pk, bumped=True)
        # Not theirs, the item gone or no such status: answered as it always was (404 or the message on the
        # card), and nothing was changed.
        return _status_changed(request, get_roadmap_for_owner(request, pk, with_plan=False), item_pk)
    roadmap = get_roadmap_for_owner(request, pk)
    try:
        item = get_item_for_owner(roadmap, item_pk)
    except Http404:
        return _item_response(request, roadmap, item_pk, error=ITEM_GONE, status=INVALID)
    try:
        if "status" in request.POST:
            services.item_set_status(item=item, status=request.POST["status"])
        elif "month" in request.POST:
            try:
                number = int(request.POST["month"])
            except ValueError:
                raise services.RoadmapError(f"Choose a month from 1 to {roadmap.months}.") from None
            left = (item.month, item.last_month)
            services.item_move(item=item, roadmap=roadmap, month_number=number)
            if request.htmx:
                return _item_moved(request, roadmap, left, item)
        elif "pinned" in request.POST:
            services.item_set_pinned(item=item, pinned=request.POST["pinned"] == "1")
        elif "notes" in request.POST:
            services.item_set_notes(item=item, notes=request.POST["notes"])
        else:
            raise services.RoadmapError("Nothing to change was sent.")
    except services.RoadmapError as exc:
        return _item_response(request, roadmap, item.pk, error=str(exc), status=INVALID)
    return _item_response(request, roadmap, item.pk)


def _item_moved(
    request: AuthenticatedHttpRequest,
    roadmap: Roadmap,
    left: tuple[datetime.date, datetime.date],
    item: RoadmapItem,
) -> HttpResponse:
    """The card changes place in the timeline: every month it ran in and every month it runs in now are sent
    out of band (a spanning item's later months show it as continuing), with the focus and progress that
    name it and the projection (its planned hours per month and when it finishes), rather than the whole
    page reloaded."""
    view = roadmap_view(roadmap, comment_counts=True)
    moved = [m for m in view.months if left[0] <= m.date <= left[1] or item.runs_in(m.date)]
    context = {"view": view, "roadmap": roadmap, "moved_months": moved, "can_edit": True, "comments_enabled": True}
    response = render(request, "roadmaps/includes/item_card.html#moved", context)
    return reswap(response, "none")  # everything is out of band; the form's own target moved away


@require_POST
def link_add(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_owner(request, pk)
    try:
        item = get_item_for_owner(roadmap, item_pk)
    except Http404:
        return _item_response(request, roadmap, item_pk, error=ITEM_GONE, status=INVALID)
    url = request.POST.get("url", "")
    try:
        services.item_link_add(item=item, url=url)
    except services.RoadmapError as exc:
        return _item_response(request, roadmap, item.pk, error=str(exc), status=INVALID)
    except ValidationError:
        return _link_refused(request, roadmap, item.pk, url)
    return _item_response(request, roadmap, item.pk)


LINK_REFUSED = "Not added: enter a full web address, starting with https://"


def _link_refused(request: AuthenticatedHttpRequest, roadmap: Roadmap, item_pk: int, url: str) -> HttpResponse:
    """The editor again, the address as typed and the message beside its field: on the card with htmx, on the
    item's own page without it (a redirect would lose what was typed and put the message at the top)."""
    extra: dict[str, object] = {"link_error": LINK_REFUSED, "link_value": url}
    if request.htmx:
        return _item_response(request, roadmap, item_pk, status=INVALID, extra=extra)
    view = roadmap_view(roadmap)
    item = next(i for i in view.items if i.pk == item_pk)
    context: dict[str, object] = {
        "view": view,
        "roadmap": roadmap,
        "item": item,
        "can_edit": True,
        "update_url": reverse("roadmaps:item_update", args=[roadmap.pk, item.pk]),
        **extra,
    }
    return _item_page(request, roadmap, view, item, context, status=INVALID)


@require_POST
def link_delete(request: AuthenticatedHttpRequest, pk: int, link_pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_owner(request, pk)
    link = EvidenceLink.objects.filter(pk=link_pk, item__roadmap=roadmap).select_related("item").first()
    if link is None:
        # Removed already, in another tab or by a second click: say so on the card the button was on.
        posted = sent_id(request.POST.get("item", ""))
        if roadmap.items.filter(pk=posted).exists():
            return _item_response(request, roadmap, posted, error=LINK_GONE, status=INVALID)
        raise Http404("No such link.")
    services.item_link_delete(link=link)
    return _item_response(request, roadmap, link.item_id)


@require_http_methods(["GET", "POST"])
def roadmap_replan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Preview what a re-plan changes, then apply it; a preview made before a change is refused."""
    roadmap = get_roadmap_for_owner(request, pk)
    assessment = _chosen_assessment(request) or roadmap.assessment
    if assessment is None:
        messages.info(request, "Finish an assessment first: a re-plan is built from its results.")
        return redirect("roadmaps:detail", pk=pk)
    source = request.POST if request.method == "POST" else request.GET
    form = PlanSettingsForm(
        source if "hours_per_week" in source else None,
        initial={"hours_per_week": roadmap.hours_per_week, "months": roadmap.months},
    )
    settings = form.cleaned_data if form.is_bound and form.is_valid() else None
    if not form.is_bound:
        settings = {"hours_per_week": roadmap.hours_per_week, "months": roadmap.months}
    replan = None
    if settings is not None:
        if request.method == "POST":
            try:
                version = int(request.POST.get("version", ""))
            except ValueError:
                version = -1
            try:
                services.roadmap_replan(roadmap=roadmap, assessment=assessment, version=version, **settings)
            except services.StaleRoadmap as exc:
                messages.error(request, str(exc))
                roadmap.refresh_from_db()
            else:
                messages.success(request, "Your roadmap is re-planned. Done and pinned items stayed as they were.")
                return redirect("roadmaps:detail", pk=pk)
        replan = services.roadmap_replan_preview(roadmap=roadmap, assessment=assessment, **settings)
    template = "roadmaps/replan.html"
    partial = is_partial(request)
    if partial:
        template += "#preview"
    context = {
        "roadmap": roadmap,
        "form": form,
        "replan": replan,
        "assessment": assessment,
        "oob": partial,
        **_preview_context(replan.plan if replan else None),
    }
    status = INVALID if form.errors else (409 if request.method == "POST" else 200)
    return render(request, template, context, status=status)


@require_GET
def roadmap_export_json(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_owner(request, pk)
    data = exports.roadmap_export(roadmap, include_private=True)
    response = JsonResponse(json.loads(data.model_dump_json()), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="roadmap-{timezone.localdate():%Y-%m-%d}.json"'
    return response


@require_GET
def roadmap_calendar(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_owner(request, pk)
    response = HttpResponse(
        exports.roadmap_ics(roadmap, request.get_host()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="roadmap.ics"'
    return response


@require_GET
def roadmap_print(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_owner(request, pk)
    return render(request, "roadmaps/print.html", {"view": roadmap_view(roadmap), "roadmap": roadmap})
