from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
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
    Rating,
    Requirement,
    Role,
)
from assessments.selectors import answers_of
from transition.accounts.models import User


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired or self.deleted)


def _upsert(model, report: LoadReport, label: str, lookup: dict, values: dict):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        report.created.append(label)
        return obj
    changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(obj, name, value)
        obj.save(update_fields=list(changed))
        report.updated.append(label)
    return obj


@transaction.atomic
def framework_load(*, framework: content.Framework) -> LoadReport:
    """Bring the framework tables in line with a validated framework, by slug.

    Running it twice changes nothing. Items and actions that left the framework
    are deleted, unless something points at them: then they are retired.
    """
    report = LoadReport()
    version = FrameworkVersion.objects.filter(version=framework.version).first()
    changelog = [entry.model_dump(mode="json") for entry in framework.changelog]
    if version is None:
        FrameworkVersion.objects.create(version=framework.version, changelog=changelog)
        report.created.append(f"version {framework.version}")
    elif version.changelog != changelog:
        version.changelog = changelog
        version.save()
        report.updated.append(f"version {framework.version}")

    competencies: dict[str, Competency] = {}
    for position, comp in enumerate(framework.competencies):
        competencies[comp.slug] = _upsert(
            Competency,
            report,
            f"competency {comp.slug}",
            {"slug": comp.slug},
            {
                "name": comp.name,
                "summary": comp.summary,
                "why": comp.why,
                "levels": list(comp.levels),
                "evidence_prompt": comp.evidence_prompt,
                "sources": [c.model_dump() for c in comp.sources],
                "position": position,
            },
        )
        for item_position, item in enumerate(comp.items):
            _upsert(
                Item,
                report,
                f"item {item.slug}",
                {"slug": item.slug},
                {
                    "competency": competencies[comp.slug],
                    "kind": item.kind,
                    "prompt": item.prompt,
                    "options": [o.model_dump() for o in item.options],
                    "explanation": item.explanation,
                    "position": item_position,
                    "retired": False,
                },
            )
    item_slugs = {item.slug for comp in framework.competencies for item in comp.items}
    _remove_missing(Item.objects.exclude(slug__in=item_slugs).filter(retired=False), report, "item")

    for position, role in enumerate(framework.roles):
        role_obj = _upsert(
            Role,
            report,
            f"role {role.slug}",
            {"slug": role.slug},
            {
                "name": role.name,
                "summary": role.summary,
                "sources": [c.model_dump() for c in role.sources],
                "position": position,
            },
        )
        for slug, req in role.requirements.items():
            _upsert(
                Requirement,
                report,
                f"requirement {role.slug}/{slug}",
                {"role": role_obj, "competency": competencies[slug]},
                {
                    "level": req.level,
                    "weight": req.weight,
                    "why": req.why,
                    "sources": [c.model_dump() for c in req.sources],
                },
            )

    actions: dict[str, Action] = {}
    for position, action in enumerate(framework.actions):
        actions[action.slug] = _upsert(
            Action,
            report,
            f"action {action.slug}",
            {"slug": action.slug},
            {
                "title": action.title,
                "description": action.description,
                "hours": action.hours,
                "phase": action.phase,
                "done_when": action.done_when,
                "sources": [c.model_dump() for c in action.sources],
                "position": position,
                "retired": False,
            },
        )
    for action in framework.actions:
        obj = actions[action.slug]
        _set_m2m(obj.competencies, {competencies[s] for s in action.competencies}, report, f"action {action.slug}")
        _set_m2m(obj.requires, {actions[s] for s in action.requires}, report, f"action {action.slug}")
    _remove_missing(Action.objects.exclude(slug__in=actions).filter(retired=False), report, "action")
    return report


def _set_m2m(manager, wanted: set, report: LoadReport, label: str) -> None:
    if set(manager.all()) != wanted:
        manager.set(wanted)
        if label not in report.created and label not in report.updated:
            report.updated.append(label)


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


def _upsert_one(model, lookup: dict, values: dict):
    # Two tabs answering at once may both try to insert; the loser updates instead.
    try:
        with transaction.atomic():
            obj, _ = model.objects.update_or_create(**lookup, defaults=values)
            return obj
    except IntegrityError:
        model.objects.filter(**lookup).update(**values)
        return model.objects.get(**lookup)


def _check_open(assessment: Assessment) -> None:
    if assessment.is_finished:
        raise AssessmentError(
            "This assessment is finished, so its answers can no longer change. Start a re-assessment instead."
        )


@transaction.atomic
def assessment_start(*, owner: User, role: Role | None, mode: str) -> Assessment:
    """Start an assessment; a re-assessment starts with the previous answers filled in."""
    if mode not in Assessment.Mode.values:
        raise AssessmentError("Choose the full questionnaire or the quick self-rating.")
    previous = (
        Assessment.objects.filter(owner=owner, status=Assessment.Status.FINISHED)
        .order_by("-finished_at", "-pk")
        .first()
    )
    assessment = Assessment(
        owner=owner, role=role, mode=mode, framework_version=content.get_framework().version, previous=previous
    )
    assessment.full_clean()
    assessment.save()
    if previous is not None:
        Answer.objects.bulk_create(
            Answer(assessment=assessment, item_id=item_id, choice=choice)
            for item_id, choice in previous.answers.filter(item__retired=False).values_list("item_id", "choice")
        )
        Rating.objects.bulk_create(
            Rating(assessment=assessment, competency_id=comp_id, level=level)
            for comp_id, level in previous.ratings.values_list("competency_id", "level")
        )
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
    return _upsert_one(Answer, {"assessment": assessment, "item": item}, {"choice": choice})


def rating_save(*, assessment: Assessment, competency: Competency, level: int) -> Rating:
    _check_open(assessment)
    if not 0 <= level <= content.MAX_LEVEL:
        raise AssessmentError("Choose a level from 0 to 4.")
    return _upsert_one(Rating, {"assessment": assessment, "competency": competency}, {"level": level})


EVIDENCE_MAX = 2000


def evidence_save(*, assessment: Assessment, competency: Competency, text: str) -> Evidence | None:
    _check_open(assessment)
    text = text.strip()
    if len(text) > EVIDENCE_MAX:
        raise AssessmentError(f"Keep evidence under {EVIDENCE_MAX} characters (this is {len(text)}).")
    if not text:
        Evidence.objects.filter(assessment=assessment, competency=competency).delete()
        return None
    return _upsert_one(Evidence, {"assessment": assessment, "competency": competency}, {"text": text})


def assessment_finish(*, assessment: Assessment) -> Assessment:
    """Score and freeze the assessment. Finishing twice (a double click) keeps the first result."""
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().select_related("role").get(pk=assessment.pk)
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
