from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from assessments import content, scoring
from assessments.models import (
    Action,
    Answer,
    Assessment,
    Competency,
    Evidence,
    FrameworkVersion,
    Item,
    ManagerRating,
    Rating,
    Requirement,
    Role,
)
from assessments.selectors import answers_of, latest_finished_assessment, prefill_source
from transition.accounts.models import Notification, Share, User
from transition.accounts.services import notify
from transition.lib.statements import quoted
from transition.lib.text import NUL_MESSAGE


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired or self.deleted)


def _sync(model, report: LoadReport, what: str, key, wanted: dict) -> dict:
    """Bring one table in line with `wanted` (natural key -> field values) in a few bulk queries."""
    existing = {key(obj): obj for obj in model.objects.all()}
    created: list = []
    updated: list = []
    fields: set[str] = set()
    for natural, values in wanted.items():
        obj = existing.get(natural)
        if obj is None:
            obj = model(**values)
            created.append(obj)
            existing[natural] = obj
            report.created.append(f"{what} {natural}")
            continue
        changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
        if changed:
            for name, value in changed.items():
                setattr(obj, name, value)
            updated.append(obj)
            fields.update(changed)
            report.updated.append(f"{what} {natural}")
    model.objects.bulk_create(created)
    if updated:
        model.objects.bulk_update(updated, sorted(fields))
    return existing


def _sync_m2m(through, report: LoadReport, left: str, right: str, wanted: set[tuple[int, int]], labels: dict) -> None:
    existing = set(through.objects.values_list(left, right))
    through.objects.bulk_create(through(**{left: a, right: b}) for a, b in sorted(wanted - existing))
    stale = existing - wanted
    for a, b in stale:
        through.objects.filter(**{left: a, right: b}).delete()
    for a in sorted({a for a, _ in (wanted ^ existing)}):
        label = f"action {labels[a]}" if a in labels else None
        if label and label not in report.created and label not in report.updated:
            report.updated.append(label)


@transaction.atomic
def framework_load(*, framework: content.Framework) -> LoadReport:
    """Bring the framework tables in line with a validated framework, by slug.

    Running it twice changes nothing. Items and actions that left the framework
    are deleted, unless something points at them: then they are retired.
    """
    report = LoadReport()
    changelog = [entry.model_dump(mode="json") for entry in framework.changelog]
    _sync(
        FrameworkVersion,
        report,
        "version",
        lambda v: v.version,
        {framework.version: {"version": framework.version, "changelog": changelog}},
    )
    competencies = _sync(
        Competency,
        report,
        "competency",
        lambda c: c.slug,
        {
            comp.slug: {
                "slug": comp.slug,
                "name": comp.name,
                "summary": comp.summary,
                "why": comp.why,
                "levels": list(comp.levels),
                "evidence_prompt": comp.evidence_prompt,
                "sources": [c.model_dump() for c in comp.sources],
                "position": position,
            }
            for position, comp in enumerate(framework.competencies)
        },
    )
    _sync(
        Item,
        report,
        "item",
        lambda i: i.slug,
        {
            item.slug: {
                "slug": item.slug,
                "competency_id": competencies[comp.slug].pk,
                "kind": item.kind,
                "prompt": item.prompt,
                "options": [o.model_dump() for o in item.options],
                "explanation": item.explanation,
                "position": item_position,
                "retired": False,
            }
            for comp in framework.competencies
            for item_position, item in enumerate(comp.items)
        },
    )
    item_slugs = {item.slug for comp in framework.competencies for item in comp.items}
    _remove_missing(Item.objects.exclude(slug__in=item_slugs).filter(retired=False), report, "item")

    roles = _sync(
        Role,
        report,
        "role",
        lambda r: r.slug,
        {
            role.slug: {
                "slug": role.slug,
                "name": role.name,
                "summary": role.summary,
                "sources": [c.model_dump() for c in role.sources],
                "position": position,
            }
            for position, role in enumerate(framework.roles)
        },
    )
    _sync(
        Requirement,
        report,
        "requirement",
        lambda r: (r.role_id, r.competency_id),
        {
            (roles[role.slug].pk, competencies[slug].pk): {
                "role_id": roles[role.slug].pk,
                "competency_id": competencies[slug].pk,
                "level": req.level,
                "weight": req.weight,
                "why": req.why,
                "sources": [c.model_dump() for c in req.sources],
            }
            for role in framework.roles
            for slug, req in role.requirements.items()
        },
    )

    actions = _sync(
        Action,
        report,
        "action",
        lambda a: a.slug,
        {
            action.slug: {
                "slug": action.slug,
                "title": action.title,
                "description": action.description,
                "hours": action.hours,
                "builds": action.builds,
                "weeks": action.weeks,
                "anchor_for": list(action.anchor_for),
                "once_ready": action.once_ready,
                "hands_on": action.hands_on,
                "phase": action.phase,
                "done_when": action.done_when,
                "sources": [c.model_dump() for c in action.sources],
                "position": position,
                "retired": False,
            }
            for position, action in enumerate(framework.actions)
        },
    )
    labels = {obj.pk: slug for slug, obj in actions.items()}
    _sync_m2m(
        Action.competencies.through,
        report,
        "action_id",
        "competency_id",
        {(actions[a.slug].pk, competencies[c].pk) for a in framework.actions for c in a.competencies},
        labels,
    )
    _sync_m2m(
        Action.requires.through,
        report,
        "from_action_id",
        "to_action_id",
        {(actions[a.slug].pk, actions[r].pk) for a in framework.actions for r in a.requires},
        labels,
    )
    _remove_missing(
        Action.objects.exclude(slug__in=[a.slug for a in framework.actions]).filter(retired=False), report, "action"
    )
    # Every load moves loaded_at, even one that changed nothing: it is what tells each running process
    # that its copy of the questionnaire's structure (selectors.questionnaire_structure) must be read again.
    FrameworkVersion.objects.filter(version=framework.version).update(loaded_at=timezone.now())
    return report


def _remove_missing(queryset, report: LoadReport, what: str) -> None:
    for obj in queryset:
        try:
            with transaction.atomic():
                obj.delete()
            report.deleted.append(f"{what} {obj.slug}")
        except ProtectedError:
            obj.retired = True
            obj.save(update_fields=["retired"])
            report.retired.append(f"{what} {obj.slug}")


# --- assessments -------------------------------------------------------------------------------------


class AssessmentError(ValueError):
    """Something a person asked for cannot be done; the message says why, in their words."""


def _stamp(model: type[models.Model]) -> Any:
    """The model's ``auto_now`` field: the time of the last write."""
    return next(f for f in model._meta.concrete_fields if getattr(f, "auto_now", False))


@functools.cache
def _upsert_sql(model: type[models.Model], key: tuple[str, str], values: tuple[str, ...], vendor: str) -> str:
    """The statement ``_upsert_while_open`` runs for ``model``: written once per process from the model's names."""
    meta: Any = model._meta
    assessments: Any = Assessment._meta
    q = connection.ops.quote_name
    key_cols = [quoted(meta, name) for name in key]
    set_cols = [quoted(meta, name) for name in (*values, _stamp(model).name)]
    # PostgreSQL waits here for a Finish holding the row (it locks it FOR UPDATE while it scores), then
    # reads the row as Finish left it. SQLite has one writer at a time, so the statement alone is enough.
    lock = " FOR UPDATE" if vendor == "postgresql" else ""
    return (
        f"INSERT INTO {q(meta.db_table)} ({', '.join(key_cols + set_cols)}) "  # noqa: S608  # nosec B608
        f"SELECT a.{q(assessments.pk.column)}, {', '.join(['%s'] * (len(key_cols) - 1 + len(set_cols)))} "
        f"FROM {q(assessments.db_table)} a WHERE a.{q(assessments.pk.column)} = %s "
        f"AND a.{q(assessments.get_field('status').column)} = %s{lock} "
        f"ON CONFLICT ({', '.join(key_cols)}) DO UPDATE SET "
        + ", ".join(f"{c} = EXCLUDED.{c}" for c in set_cols)
        + f" RETURNING {q(meta.pk.column)}"
    )


def _upsert_while_open[M: models.Model](
    model: type[M], assessment: Assessment, other: str, obj: models.Model, values: dict
) -> M:
    """Insert or update the assessment's one row of ``model`` for ``obj``, only while the assessment is
    in progress: one statement (INSERT … SELECT … ON CONFLICT DO UPDATE), outside any transaction.

    Two tabs answering at once cannot collide: the database settles it, the later write wins. A Finish
    under way is waited for, so an answer is either saved before the score is taken (and is in the
    result) or refused; never "Saved" and left out. Refused raises AssessmentError(FINISHED).
    """
    now = timezone.now()
    sql = _upsert_sql(model, ("assessment", other), tuple(values), connection.vendor)
    meta: Any = model._meta
    stamp = _stamp(model)
    params = [obj.pk]
    params += [meta.get_field(name).get_db_prep_save(value, connection) for name, value in values.items()]
    params += [stamp.get_db_prep_save(now, connection), assessment.pk, Assessment.Status.IN_PROGRESS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise AssessmentError(FINISHED)
    return model(pk=row[0], assessment=assessment, **{other: obj}, **values, **{stamp.name: now})


FINISHED = "This assessment is finished, so its answers can no longer change. Start a re-assessment instead."


def _check_open(assessment: Assessment) -> None:
    if assessment.is_finished:
        raise AssessmentError(FINISHED)


def _lock_open(assessment: Assessment) -> None:
    """Inside the save's transaction: wait for a Finish under way, then refuse if it froze the result.

    assessment_finish holds this row's lock while it scores, so an answer is either saved before the
    score is taken (and is in the result) or refused here; never "Saved" and left out.
    """
    # One row by its key: no ORDER BY (first() would add the model's) under the lock.
    locked = Assessment.objects.select_for_update().filter(pk=assessment.pk).order_by().values_list("status", flat=True)
    status = next(iter(locked), None)
    if status != Assessment.Status.IN_PROGRESS:
        raise AssessmentError(FINISHED)


@transaction.atomic
def assessment_start(*, owner: User, role: Role | None, mode: str) -> Assessment:
    """Start an assessment; a re-assessment starts with the previous answers filled in."""
    if mode not in Assessment.Mode.values:
        raise AssessmentError("Choose the full questionnaire or the quick self-rating.")
    previous = latest_finished_assessment(owner)
    assessment = Assessment(
        owner=owner, role=role, mode=mode, framework_version=content.get_framework().version, previous=previous
    )
    assessment.full_clean()
    assessment.save()
    source = prefill_source(owner, mode, previous)
    if source is not None and mode == Assessment.Mode.FULL:
        Answer.objects.bulk_create(
            Answer(assessment=assessment, item_id=item_id, choice=choice)
            for item_id, choice in source.answers.filter(item__retired=False).values_list("item_id", "choice")
        )
    if source is not None and mode == Assessment.Mode.QUICK:
        Rating.objects.bulk_create(
            Rating(assessment=assessment, competency_id=comp_id, level=level)
            for comp_id, level in source.ratings.values_list("competency_id", "level")
        )
    if previous is not None:
        Evidence.objects.bulk_create(
            Evidence(assessment=assessment, competency_id=comp_id, text=text)
            for comp_id, text in previous.evidence.values_list("competency_id", "text")
        )
    return assessment


def answer_save(*, assessment: Assessment, item: Item, choice: int) -> Answer:
    _check_open(assessment)
    if item.retired:
        raise AssessmentError("This question is no longer part of the questionnaire.")
    if not 0 <= choice < len(item.options):
        raise AssessmentError("Choose one of the options given.")
    return _upsert_while_open(Answer, assessment, "item", item, {"choice": choice})


def rating_save(*, assessment: Assessment, competency: Competency, level: int) -> Rating:
    _check_open(assessment)
    if not 0 <= level <= content.MAX_LEVEL:
        raise AssessmentError("Choose a level from 0 to 4.")
    return _upsert_while_open(Rating, assessment, "competency", competency, {"level": level})


EVIDENCE_MAX = 2000


def evidence_save(*, assessment: Assessment, competency: Competency, text: str) -> Evidence | None:
    _check_open(assessment)
    text = text.strip()
    if "\x00" in text:
        raise AssessmentError(f"Evidence not saved. {NUL_MESSAGE}")
    if len(text) > EVIDENCE_MAX:
        raise AssessmentError(f"Keep evidence under {EVIDENCE_MAX} characters (this is {len(text)}).")
    if text:
        return _upsert_while_open(Evidence, assessment, "competency", competency, {"text": text})
    with transaction.atomic():
        _lock_open(assessment)
        Evidence.objects.filter(assessment=assessment, competency=competency).delete()
        return None


def assessment_finish(*, assessment: Assessment) -> Assessment:
    """Score and freeze the assessment. Finishing twice (a double click) keeps the first result."""
    with transaction.atomic():
        # of=self: the role is an outer join (it may be empty), and PostgreSQL cannot lock that side.
        locked = Assessment.objects.select_for_update(of=("self",)).select_related("role").get(pk=assessment.pk)
        if locked.is_finished:
            return locked
        result = scoring.score(content.get_framework(), answers_of(locked), locked.role.slug if locked.role else None)
        # Filtering on the status keeps the first result if a concurrent request got there first.
        Assessment.objects.filter(pk=locked.pk, status=Assessment.Status.IN_PROGRESS).update(
            status=Assessment.Status.FINISHED,
            finished_at=timezone.now(),
            result=result.model_dump(mode="json"),
            readiness=result.readiness,
        )
        locked.refresh_from_db()
        return locked


# --- a manager's ratings of a report ------------------------------------------------------------------

RATING_COMMENT_MAX = 1000


class RatingError(ValueError):
    """A rating that cannot be saved; the message says why, for the manager."""


def manager_rating_save(
    *, engineer: User, manager: User, competency: Competency, level: int, comment: str = ""
) -> ManagerRating:
    """Save the manager's level (0 to 4) and optional comment for one competency of a report."""
    if not 0 <= level <= content.MAX_LEVEL:
        raise RatingError("Choose a level from 0 to 4.")
    comment = comment.strip()
    if "\x00" in comment:
        raise RatingError(f"Comment not saved. {NUL_MESSAGE}")
    if len(comment) > RATING_COMMENT_MAX:
        raise RatingError(f"Keep the comment under {RATING_COMMENT_MAX} characters (this one has {len(comment)}).")
    # The view checked this too; a service that writes about a person checks it again.
    if not Share.objects.filter(
        engineer=engineer, person=manager, relation=Share.Relation.MANAGER, status=Share.Status.ACTIVE
    ).exists():
        raise RatingError("Only a manager the engineer shares with can rate them.")

    existing = ManagerRating.objects.filter(engineer=engineer, manager=manager, competency=competency).first()
    if existing is not None and existing.level == level and existing.comment == comment:
        return existing
    rating = existing or ManagerRating(engineer=engineer, manager=manager, competency=competency)
    rating.level = level
    rating.comment = comment
    rating.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:
        # Two tabs saving the first rating at once: the second one updates the first.
        ManagerRating.objects.filter(engineer=engineer, manager=manager, competency=competency).update(
            level=level, comment=comment
        )
        rating = ManagerRating.objects.get(engineer=engineer, manager=manager, competency=competency)
    _notify_engineer(engineer=engineer, manager=manager)
    return rating


def _notify_engineer(*, engineer: User, manager: User) -> None:
    # A manager rates many competencies in one sitting: one unread notice covers them all,
    # rather than one email per competency.
    if Notification.objects.filter(
        recipient=engineer, actor=manager, kind=Notification.Kind.RATING, read_at__isnull=True
    ).exists():
        return
    latest = latest_finished_assessment(engineer)
    url = reverse("assessments:results", args=[latest.pk]) + "#manager-view" if latest else ""
    notify(
        recipient=engineer,
        actor=manager,
        kind=Notification.Kind.RATING,
        text=f"{manager.name} rated your competencies. See their view beside your own on your results.",
        url=url,
    )
