from __future__ import annotations

from django.db.models import Prefetch

from assessments import content
from assessments.models import Action, Competency, FrameworkVersion, Item, Requirement, Role


def framework_from_db() -> content.Framework:
    """The framework as loaded into the database, validated by the same schema as the files."""
    version = FrameworkVersion.objects.order_by("-loaded_at", "-pk").first()
    if version is None:
        raise content.FrameworkError("No framework is loaded: run `python manage.py load_framework`.")
    competencies = Competency.objects.prefetch_related(
        Prefetch("items", queryset=Item.objects.filter(retired=False).order_by("position"))
    )
    roles = Role.objects.prefetch_related(
        Prefetch("requirements", queryset=Requirement.objects.select_related("competency"))
    )
    actions = Action.objects.filter(retired=False).prefetch_related("competencies", "requires")
    return content.Framework.model_validate(
        {
            "version": version.version,
            "changelog": version.changelog,
            "competencies": [
                {
                    "slug": c.slug,
                    "name": c.name,
                    "summary": c.summary,
                    "why": c.why,
                    "levels": c.levels,
                    "evidence_prompt": c.evidence_prompt,
                    "sources": c.sources,
                    "items": [
                        {
                            "slug": i.slug,
                            "kind": i.kind,
                            "prompt": i.prompt,
                            "options": i.options,
                            "explanation": i.explanation,
                        }
                        for i in c.items.all()
                    ],
                }
                for c in competencies
            ],
            "roles": [
                {
                    "slug": r.slug,
                    "name": r.name,
                    "summary": r.summary,
                    "sources": r.sources,
                    "requirements": {
                        req.competency.slug: {
                            "level": req.level,
                            "weight": req.weight,
                            "why": req.why,
                            "sources": req.sources,
                        }
                        for req in r.requirements.all()
                    },
                }
                for r in roles
            ],
            "actions": [
                {
                    "slug": a.slug,
                    "title": a.title,
                    "description": a.description,
                    "competencies": [c.slug for c in a.competencies.all()],
                    "hours": a.hours,
                    "phase": a.phase,
                    "requires": [r.slug for r in a.requires.all()],
                    "done_when": a.done_when,
                    "sources": a.sources,
                }
                for a in actions
            ],
        }
    )
