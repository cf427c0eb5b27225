from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from django.db.models import Prefetch
from django.db.models.fields.json import KT

from assessments import content, scoring
from assessments.models import Action, Assessment, Competency, FrameworkVersion, Item, Requirement, Role


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
                    "builds": a.builds,
                    "competencies": [c.slug for c in a.competencies.all()],
                    "hours": a.hours,
                    "weeks": a.weeks,
                    "anchor_for": a.anchor_for,
                    "once_ready": a.once_ready,
                    "hands_on": a.hands_on,
                    "phase": a.phase,
                    "requires": [r.slug for r in a.requires.all()],
                    "done_when": a.done_when,
                    "sources": a.sources,
                }
                for a in actions
            ],
        }
    )


def answers_of(assessment: Assessment) -> scoring.Answers:
    """The assessment's answers in the engine's terms: two queries, whatever their number."""
    framework_items = content.get_framework().item_by_slug
    items = {
        slug: choice
        for slug, choice in assessment.answers.values_list("item__slug", "choice")
        if slug in framework_items and choice < len(framework_items[slug][1].options)
    }
    ratings = dict(assessment.ratings.values_list("competency__slug", "level"))
    return scoring.Answers(items=items, ratings=ratings)


@dataclass(frozen=True)
class Section:
    competency: Competency
    items: tuple[Item, ...]
    answered: int
    rating: int | None
    evidence: str
    # The items' ids, made once per framework load: counting answers by ``item.pk`` cost a model
    # attribute look-up per item, 85 of them twice on every answer saved.
    item_ids: frozenset[int] = frozenset()

    @property
    def complete(self) -> bool:
        return self.answered == len(self.items)


@dataclass(frozen=True)
class Questionnaire:
    """Everything a questionnaire page shows, read in a fixed number of queries."""

    assessment: Assessment
    sections: list[Section]
    choices: dict[int, int]  # item id -> chosen option index

    @property
    def total(self) -> int:
        if self.assessment.mode == Assessment.Mode.QUICK:
            return len(self.sections)
        return sum(len(s.items) for s in self.sections)

    @property
    def answered(self) -> int:
        if self.assessment.mode == Assessment.Mode.QUICK:
            return sum(1 for s in self.sections if s.rating is not None)
        return sum(s.answered for s in self.sections)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.competency.slug == slug), None)

    def first_open_section(self) -> Section:
        return next((s for s in self.sections if not s.complete), self.sections[0])

    def with_saved(
        self,
        *,
        item: Item | None = None,
        choice: int = 0,
        competency: Competency | None = None,
        level: int | None = None,
    ) -> Questionnaire:
        """The same questionnaire after one answer or rating was saved, without reading it all again."""
        choices = {**self.choices, item.pk: choice} if item is not None else self.choices
        # Only the section holding the item or the competency changes.
        sections = [
            replace(
                s,
                answered=len(s.item_ids & choices.keys()),
                rating=level if competency is not None and s.competency.pk == competency.pk else s.rating,
            )
            if (item is not None and item.pk in s.item_ids)
            or (competency is not None and s.competency.pk == competency.pk)
            else s
            for s in self.sections
        ]
        return replace(self, sections=sections, choices=choices)


# The questionnaire's competencies and their current items, by the version row's (pk, loaded_at).
# They change only when load_framework runs, which moves loaded_at on every load, so one small query
# per request tells every worker process whether what it read earlier still holds.
_structure: tuple[tuple | None, tuple[tuple[Competency, tuple[Item, ...], frozenset[int]], ...]] = (None, ())


def questionnaire_structure() -> tuple[tuple[Competency, tuple[Item, ...], frozenset[int]], ...]:
    """Every competency, in order, with its current items: read from the database once per framework load.

    The instances are shared between requests of this process: treat them as read-only.
    """
    global _structure
    key = FrameworkVersion.objects.order_by("-loaded_at", "-pk").values_list("pk", "loaded_at").first()
    cached_key, structure = _structure
    if key is None or key != cached_key:
        structure = tuple(
            (comp, items, frozenset(item.pk for item in items))
            for comp in Competency.objects.prefetch_related(
                Prefetch("items", queryset=Item.objects.filter(retired=False).order_by("position"))
            )
            for items in [tuple(comp.items.all())]
        )
        _structure = (key, structure)
    return structure


def questionnaire(assessment: Assessment, *, evidence: bool = True, ratings: bool = True) -> Questionnaire:
    """Read the questionnaire and the answers given so far: four queries, one fewer without ``evidence``
    and one fewer without ``ratings`` (the full questionnaire's pages show none).

    The competencies and items come from this process's copy (``questionnaire_structure``).
    """
    texts = dict(assessment.evidence.values_list("competency_id", "text")) if evidence else {}
    choices = dict(assessment.answers.values_list("item_id", "choice"))
    levels = dict(assessment.ratings.values_list("competency_id", "level")) if ratings else {}
    sections = [
        Section(
            competency=comp,
            items=items,
            answered=len(ids & choices.keys()),
            rating=levels.get(comp.pk),
            evidence=texts.get(comp.pk, ""),
            item_ids=ids,
        )
        for comp, items, ids in questionnaire_structure()
    ]
    return Questionnaire(assessment=assessment, sections=sections, choices=choices)


def latest_finished_assessment(user, mode: str | None = None) -> Assessment | None:
    """The person's latest finished assessment, of one mode when ``mode`` is given."""
    finished = Assessment.objects.filter(owner=user, status=Assessment.Status.FINISHED)
    if mode is not None:
        finished = finished.filter(mode=mode)
    # The results pages read the previous assessment too, to show the change since then.
    return finished.select_related("owner", "role", "previous").order_by("-finished_at", "-pk").first()


def prefill_source(user, mode: str, previous: Assessment | None) -> Assessment | None:
    """The finished assessment whose answers a new one in ``mode`` starts from, or None to start blank.

    Only the kind of answer the new mode's pages show is copied: hidden item answers would outrank
    every new quick rating in the score, and hidden ratings would stand in for unanswered sections.
    A full questionnaire after a quick check-in starts from the last full answers: 84 questions are
    too many to answer again from blank. A quick check-in after a full one starts blank, as ratings
    older than the full results would be stale.
    """
    if previous is None or previous.mode == mode:
        return previous
    return latest_finished_assessment(user, mode=mode) if mode == Assessment.Mode.FULL else None


def latest_assessments(user) -> tuple[Assessment | None, Assessment | None]:
    """The engineer's assessment in progress (if any) and their latest finished one."""
    in_progress = (
        Assessment.objects.filter(owner=user, status=Assessment.Status.IN_PROGRESS)
        .select_related("role")
        .order_by("-created_at", "-pk")
        .first()
    )
    return in_progress, latest_finished_assessment(user)


# --- progress over time -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finished:
    """One finished assessment, as the history charts read it: small, and read off the stored result."""

    pk: int
    owner_id: int
    finished_at: datetime.datetime
    mode: str
    role: str  # the role it was scored against
    readiness: float  # against that role
    by_role: dict[str, float]  # its snapshot's readiness against every role; empty in older results
    levels: dict[str, float]

    def readiness_for(self, role: str) -> float:
        """Readiness against ``role``, so a change of target role does not read as progress or decline;
        a result stored before snapshots kept every role has only its own role's."""
        return self.by_role.get(role, self.readiness)


def finished_assessments(owner_ids: list[int], *, levels: bool = False) -> dict[int, list[Finished]]:
    """Every finished assessment of these people, oldest first: one query, whatever their number.

    Only the numbers the charts draw are read out of each stored result (readiness against each role and,
    when asked, the levels), never the whole result with its gaps.
    """
    roles = [r.slug for r in content.get_framework().roles]
    fields = {f"r{i}": KT(f"result__roles__{slug}__readiness") for i, slug in enumerate(roles)}
    rows = (
        Assessment.objects.filter(owner_id__in=owner_ids, status=Assessment.Status.FINISHED, readiness__isnull=False)
        .annotate(role_slug=KT("result__role"), **fields)
        .order_by("finished_at", "pk")
    )
    names = ["pk", "owner_id", "finished_at", "mode", "readiness", "role_slug", *fields]
    if levels:
        names.append("result__levels")
    found: dict[int, list[Finished]] = {}
    for row in rows.values(*names):
        by_role = {slug: float(row[f"r{i}"]) for i, slug in enumerate(roles) if row[f"r{i}"] is not None}
        found.setdefault(row["owner_id"], []).append(
            Finished(
                pk=row["pk"],
                owner_id=row["owner_id"],
                finished_at=row["finished_at"],
                mode=row["mode"],
                role=row["role_slug"] or "",
                readiness=row["readiness"],
                by_role=by_role,
                levels={k: float(v) for k, v in (row.get("result__levels") or {}).items()},
            )
        )
    return found
