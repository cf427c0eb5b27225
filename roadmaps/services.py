from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from assessments import content, scoring
from assessments.models import Action, Assessment, Role
from roadmaps import planning
from roadmaps.models import EvidenceLink, Roadmap, RoadmapItem, add_months, month_start, months_between
from transition.accounts.models import User
from transition.lib.statements import BIGGEST_ID, Columns, quoted
from transition.lib.text import NUL_MESSAGE

DEFAULT_HOURS_PER_WEEK = 5
DEFAULT_MONTHS = 6


class RoadmapError(ValueError):
    """A change that cannot be made; the message says why, in the engineer's words."""


class RoadmapExists(RoadmapError):
    """The engineer has a roadmap already: there is one per engineer."""


class StaleRoadmap(RoadmapError):
    pass


def _this_month() -> datetime.date:
    return month_start(timezone.localdate())


def _result(assessment: Assessment) -> scoring.Result:
    if not assessment.is_finished or assessment.result is None:
        raise RoadmapError("Finish the assessment first: the roadmap is built from its results.")
    return scoring.Result.model_validate(assessment.result)


def _plan_for(assessment: Assessment, hours_per_week: int, months: int, roadmap: Roadmap | None) -> planning.Plan:
    """The planner's plan for these results; a re-plan keeps what is done, doing, skipped or pinned."""
    framework = content.get_framework()
    result = _result(assessment)
    done: set[str] = set()
    pinned: dict[str, int] = {}
    if roadmap is not None:
        today = _this_month()
        for item in roadmap.items.all():
            if item.action_slug not in framework.action_by_slug:
                continue  # an action that left the framework stays on the roadmap as it is
            if item.status in (RoadmapItem.Status.DONE, RoadmapItem.Status.SKIPPED):
                done.add(item.action_slug)
            elif item.pinned or item.status == RoadmapItem.Status.DOING:
                # Month numbers of a re-plan count from this month; past months fold into it.
                pinned[item.action_slug] = min(months, max(1, months_between(today, item.month) + 1))
    try:
        return planning.plan(
            framework,
            role=result.role,
            levels=result.levels,
            hours_per_week=hours_per_week,
            months=months,
            done=frozenset(done),
            pinned=pinned,
        )
    except planning.PlanningError as exc:
        raise RoadmapError(str(exc)) from exc


def roadmap_preview(*, assessment: Assessment, hours_per_week: int, months: int) -> planning.Plan:
    return _plan_for(assessment, hours_per_week, months, None)


def _item_from(planned: planning.PlannedItem, start: datetime.date, actions: dict[str, Action]) -> dict:
    action = content.get_framework().action_by_slug[planned.action]
    return {
        "action": actions.get(planned.action),
        "action_slug": planned.action,
        "title": action.title,
        "description": action.description,
        "done_when": action.done_when,
        "competencies": list(action.competencies),
        "closes": list(planned.closes),
        "reason": planned.reason,
        "sources": [c.model_dump() for c in action.sources],
        "hours": planned.total_hours,
        "phase": action.phase,
        "month": add_months(start, planned.start - 1),
        "end_month": add_months(start, planned.end - 1),
        "monthly_hours": list(planned.monthly_hours),
        "shows": dict(planned.shows),
        "anchor": planned.anchor,
    }


ROADMAP_EXISTS = "You already have a roadmap: update it from your new results instead."


@transaction.atomic
def roadmap_create(*, owner: User, assessment: Assessment, hours_per_week: int, months: int) -> Roadmap:
    if assessment.owner_id != owner.pk:
        raise RoadmapError("That assessment is not yours.")
    if Roadmap.objects.filter(owner=owner).exists():
        raise RoadmapExists(ROADMAP_EXISTS)
    plan = _plan_for(assessment, hours_per_week, months, None)
    result = _result(assessment)
    roadmap = Roadmap(
        owner=owner,
        assessment=assessment,
        role=Role.objects.get(slug=result.role),
        hours_per_week=hours_per_week,
        months=months,
        start_month=_this_month(),
    )
    roadmap.full_clean(validate_unique=False)
    try:
        # A second "Save" sent before the first one finished (a double click, two tabs) passes the check
        # above too; the database's one-roadmap-per-owner constraint is what turns it away.
        with transaction.atomic():
            roadmap.save()
    except IntegrityError:
        raise RoadmapExists(ROADMAP_EXISTS) from None
    actions = Action.objects.in_bulk(field_name="slug")
    RoadmapItem.objects.bulk_create(
        RoadmapItem(roadmap=roadmap, position=position, **_item_from(planned, roadmap.start_month, actions))
        for month in plan.months
        # An action that spans months is one item, in its first month.
        for position, planned in enumerate(month.items)
        if planned.start == month.month
    )
    return roadmap


@dataclass(frozen=True)
class Replan:
    """What a re-plan would change, shown before it is applied."""

    plan: planning.Plan
    start_month: datetime.date
    add: list[planning.PlannedItem]
    remove: list[RoadmapItem]
    move: list[tuple[RoadmapItem, datetime.date]]  # an open item and the month it will start in
    keep: list[RoadmapItem]
    planned: dict[str, planning.PlannedItem]  # each planned action, by slug: its months and split

    @property
    def changes(self) -> bool:
        return bool(self.add or self.remove or self.move)


def roadmap_replan_preview(*, roadmap: Roadmap, assessment: Assessment, hours_per_week: int, months: int) -> Replan:
    plan = _plan_for(assessment, hours_per_week, months, roadmap)
    start = _this_month()
    planned = {item.action: item for item in plan.items()}
    wanted = {slug: add_months(start, item.start - 1) for slug, item in planned.items()}
    existing = {item.action_slug: item for item in roadmap.items.all()}
    add = [item for item in plan.items() if item.action not in existing]
    remove, move, keep = [], [], []
    for slug, item in existing.items():
        held = item.pinned or item.status == RoadmapItem.Status.DOING
        if not item.is_open or (held and wanted.get(slug, item.month) == item.month):
            keep.append(item)
        elif slug not in wanted:
            remove.append(item)
        # A held item is planned in its own month unless that month left the plan (a past month,
        # or past a shorter horizon): then it moves to the nearest month, and the preview says so.
        # Keeping it in place left a roadmap with work outside its horizon.
        elif wanted[slug] != item.month:
            move.append((item, wanted[slug]))
        else:
            keep.append(item)
    return Replan(plan=plan, start_month=start, add=add, remove=remove, move=move, keep=keep, planned=planned)


def _span_from(item: RoadmapItem, planned: planning.PlannedItem, start: datetime.date) -> list[str]:
    """Give an open item the months and split the plan has for it; the fields that changed."""
    span = {
        "month": add_months(start, planned.start - 1),
        "end_month": add_months(start, planned.end - 1),
        "monthly_hours": list(planned.monthly_hours),
        "hours": planned.total_hours,
    }
    changed = [name for name, value in span.items() if getattr(item, name) != value]
    for name in changed:
        setattr(item, name, span[name])
    return changed


@transaction.atomic
def roadmap_replan(
    *, roadmap: Roadmap, assessment: Assessment, hours_per_week: int, months: int, version: int
) -> Roadmap:
    """Apply a re-plan previewed at `version`; refuse it if the roadmap changed since."""
    locked = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
    if locked.version != version:
        raise StaleRoadmap("Your roadmap changed after this preview was made. Here is a fresh preview to check.")
    replan = roadmap_replan_preview(roadmap=locked, assessment=assessment, hours_per_week=hours_per_week, months=months)
    RoadmapItem.objects.filter(pk__in=[item.pk for item in replan.remove]).delete()
    # Moved items move with their whole span; kept open items take the plan's split for the new hours.
    for item in [item for item, _ in replan.move] + [item for item in replan.keep if item.is_open]:
        planned = replan.planned.get(item.action_slug)
        if planned is not None and (changed := _span_from(item, planned, replan.start_month)):
            item.save(update_fields=[*changed, "updated_at"])
    actions = Action.objects.in_bulk(field_name="slug")
    positions = {
        item.action: position
        for m in replan.plan.months
        for position, item in enumerate(m.items)
        if item.start == m.month
    }
    RoadmapItem.objects.bulk_create(
        RoadmapItem(roadmap=locked, position=positions[p.action], **_item_from(p, replan.start_month, actions))
        for p in replan.add
    )
    result = _result(assessment)
    locked.assessment = assessment
    locked.role = Role.objects.get(slug=result.role)
    locked.hours_per_week = hours_per_week
    locked.months = months
    # The re-plan counts its months from now; earlier months keep their done items as history, and
    # open items kept from the past (doing or pinned) come forward into this month, span and all.
    locked.start_month = replan.start_month
    for item in RoadmapItem.objects.filter(
        roadmap=locked, month__lt=replan.start_month, status__in=[RoadmapItem.Status.TODO, RoadmapItem.Status.DOING]
    ):
        span = item.span
        item.month = replan.start_month
        item.end_month = add_months(replan.start_month, span - 1)
        item.save(update_fields=["month", "end_month", "updated_at"])
    locked.version = F("version") + 1
    locked.full_clean(exclude=["version"])
    locked.save()
    locked.refresh_from_db()
    return locked


def _bump(roadmap_id: int) -> None:
    Roadmap.objects.filter(pk=roadmap_id).update(version=F("version") + 1, updated_at=timezone.now())


@functools.cache
def _change_sql() -> str:
    """The owner's roadmap, its version moved on, returned whole: only if the item is on it.

    Built from the models' table and column names; only quoted names go into the text, the values are
    parameters. RETURNING is in PostgreSQL and in SQLite from 3.35."""
    roadmap, item = Roadmap._meta, RoadmapItem._meta
    quote = connection.ops.quote_name

    col = quoted

    columns = ", ".join(col(roadmap, field.name) for field in roadmap.concrete_fields)
    return (
        f"UPDATE {quote(roadmap.db_table)} SET {col(roadmap, 'version')} = {col(roadmap, 'version')} + 1,"  # noqa: S608  # nosec B608
        f" {col(roadmap, 'updated_at')} = %s"
        f" WHERE {col(roadmap, 'id')} = %s AND {col(roadmap, 'owner')} = %s"
        f" AND EXISTS(SELECT 1 FROM {quote(item.db_table)} i"
        f" WHERE i.{col(item, 'id')} = %s AND i.{col(item, 'roadmap')} = %s)"
        f" RETURNING {columns}"
    )


def roadmap_change_for_owner(*, pk: int, owner_id: int, item_pk: int) -> Roadmap | None:
    """The roadmap, if it is the owner's and the item is on it, with its version moved on for the change to
    the item that follows (see item_set_status's ``bumped``); None otherwise, and nothing changed.

    One statement for what was two (the owner's roadmap read, and its version bumped after the change):
    on a status button, each query built by the ORM cost more than drawing a card."""
    if not (0 < pk <= BIGGEST_ID and 0 < item_pk <= BIGGEST_ID):  # out of the database's range: no such roadmap
        return None
    now = Roadmap._meta.get_field("updated_at").get_db_prep_value(timezone.now(), connection)
    with connection.cursor() as cursor:
        cursor.execute(_change_sql(), [now, pk, owner_id, item_pk, pk])
        row = cursor.fetchone()
    return _roadmap_columns().instance(row) if row else None


@functools.cache
def _roadmap_columns() -> Columns:
    return Columns(Roadmap, "r")


@functools.cache
def _status_sql() -> str:
    """An item's status, the day it was done and the time of the change; nothing else of it is written, so
    another tab's notes are never overwritten. Written once: built by the ORM, it cost more than the card."""
    item: Any = RoadmapItem._meta
    return (
        f"UPDATE {connection.ops.quote_name(item.db_table)} SET {quoted(item, 'status')} = %s,"  # noqa: S608  # nosec B608
        f" {quoted(item, 'done_on')} = %s, {quoted(item, 'updated_at')} = %s WHERE {quoted(item, 'id')} = %s"
    )


def item_set_status(*, item: RoadmapItem, status: str, bumped: bool = False) -> RoadmapItem:
    """``bumped``: the roadmap's version was moved on already for this change (roadmap_change_for_owner)."""
    if status not in RoadmapItem.Status.values:
        raise RoadmapError("Choose to do, doing, done or skipped.")
    item.status = status
    item.done_on = timezone.localdate() if status == RoadmapItem.Status.DONE else None
    item.updated_at = timezone.now()
    meta: Any = RoadmapItem._meta
    values = [
        meta.get_field(name).get_db_prep_save(getattr(item, name), connection)
        for name in ("status", "done_on", "updated_at")
    ]
    with connection.cursor() as cursor:
        cursor.execute(_status_sql(), [*values, item.pk])
    if not bumped:
        _bump(item.roadmap_id)
    return item


def item_move(*, item: RoadmapItem, roadmap: Roadmap, month_number: int) -> RoadmapItem:
    """Start the item in another month; an item that spans months moves with its whole span."""
    if not 1 <= month_number <= roadmap.months:
        raise RoadmapError(f"Choose a month from 1 to {roadmap.months}.")
    span = item.span
    if month_number + span - 1 > roadmap.months:
        raise RoadmapError(
            f"This action runs over {span} months, so the last month it can start in is month "
            f"{roadmap.months - span + 1} of {roadmap.months}."
        )
    item.month = roadmap.month_date(month_number)
    item.end_month = roadmap.month_date(month_number + span - 1)
    # A month chosen by hand is respected by later re-plans.
    item.pinned = True
    item.save(update_fields=["month", "end_month", "pinned", "updated_at"])
    _bump(item.roadmap_id)
    return item


def item_set_pinned(*, item: RoadmapItem, pinned: bool) -> RoadmapItem:
    item.pinned = pinned
    item.save(update_fields=["pinned", "updated_at"])
    _bump(item.roadmap_id)
    return item


NOTES_MAX = 5000


def item_set_notes(*, item: RoadmapItem, notes: str) -> RoadmapItem:
    notes = notes.strip()
    if "\x00" in notes:
        raise RoadmapError(f"Notes not saved. {NUL_MESSAGE}")
    if len(notes) > NOTES_MAX:
        raise RoadmapError(f"Keep notes under {NOTES_MAX} characters (these are {len(notes)}).")
    item.notes = notes
    item.save(update_fields=["notes", "updated_at"])
    _bump(item.roadmap_id)
    return item


def item_link_add(*, item: RoadmapItem, url: str) -> EvidenceLink:
    if "\x00" in url:
        raise RoadmapError(f"Evidence link not added. {NUL_MESSAGE}")
    link = EvidenceLink(item=item, url=url.strip())
    link.full_clean(exclude=["item"])
    link.save()
    _bump(item.roadmap_id)
    return link


def item_link_delete(*, link: EvidenceLink) -> None:
    roadmap_id = link.item.roadmap_id
    link.delete()
    _bump(roadmap_id)
