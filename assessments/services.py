from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import ProtectedError

from assessments import content
from assessments.models import Action, Competency, FrameworkVersion, Item, Requirement, Role


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
