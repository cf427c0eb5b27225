"""The competency framework: its schema, and the one cached loader.

The framework lives in YAML files beside this module (``framework/``). They are
the single source of truth; the database holds a copy so that answers and
roadmap items can point at rows. Everything here is pure: no ORM, no settings.
"""

from __future__ import annotations

import datetime
import functools
import json
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

FRAMEWORK_DIR = Path(__file__).resolve().parent / "framework"

SourceSlug = Literal["ai-lead", "ai-product-lead", "ai-engineering-lead", "ai-architect", "ai-product-manager"]
SOURCE_SLUGS: tuple[str, ...] = SourceSlug.__args__  # type: ignore[attr-defined]

ROLE_SLUGS: tuple[str, ...] = SOURCE_SLUGS  # each role has the article of the same slug as its primary source

COMPETENCY_SLUGS: tuple[str, ...] = (
    "systems-thinking",
    "evaluation-literacy",
    "probabilistic-systems",
    "ai-solution-design",
    "ai-operations",
    "ai-unit-economics",
    "prompt-architecture",
    "ai-governance",
    "agentic-workflows",
    "software-architecture",
    "decision-making",
    "stakeholder-communication",
    "user-research",
    "product-prioritization",
    "saying-no",
    "rapid-prototyping",
    "ai-tool-adoption",
    "mentoring",
    "cross-functional-leadership",
    "learning-agility",
    "leading-without-title",
)

LEVEL_NAMES: tuple[str, ...] = ("Not yet", "Aware", "Practising", "Proficient", "Leading")
MAX_LEVEL = 4

# Phases of the transition playbook, used for every role, with their month windows.
PHASES: dict[str, tuple[str, int, int]] = {
    "start-where-you-are": ("Start where you are", 1, 3),
    "build-proof": ("Build proof", 2, 4),
    "fill-formal-gaps": ("Fill formal gaps", 3, 6),
    "make-the-move": ("Make the move", 4, 8),
}
PhaseSlug = Literal["start-where-you-are", "build-proof", "fill-formal-gaps", "make-the-move"]

# A behavioural item is answered on one scale that mirrors the level scale, so a
# self-rating of "several times, on my own" means the same as level 3 everywhere.
BEHAVIOUR_SCALE: tuple[tuple[str, int], ...] = (
    ("Never", 0),
    ("I know what it involves, but have not done it", 1),
    ("Once or twice, or with help", 2),
    ("Several times, on my own", 3),
    ("Routinely, and I have shown others how", 4),
)

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
Level = Annotated[int, Field(ge=0, le=MAX_LEVEL)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


class _Derived:
    """The engine's tables for one object. Compared by identity, and knowing its owner: a copy
    (``model_copy(update=...)``) carries the original's, and must not use them."""

    __slots__ = ("owner", "tables")

    def __init__(self, owner: object) -> None:
        self.owner = owner
        self.tables: dict[str, object] = {}


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @property
    def derived(self) -> dict[str, object]:
        """Tables the engine works out from this object, kept beside it: built once per framework load, and
        gone with it (never in module dicts keyed by id(), which outlive the object)."""
        kept = self.__dict__.get("_derived")
        if kept is None or kept.owner is not self:
            kept = self.__dict__["_derived"] = _Derived(self)
        return kept.tables


class Citation(Frozen):
    source: SourceSlug
    quote: Annotated[str, Field(min_length=8, max_length=300)]

    @field_validator("quote")
    @classmethod
    def _short(cls, value: str) -> str:
        words = len(value.split())
        if not 2 <= words <= 30:
            raise ValueError(f"a quote is a short citation of 2 to 30 words, this one has {words}")
        return value


class Option(Frozen):
    label: Text
    score: Level


class Item(Frozen):
    slug: Slug
    kind: Literal["behaviour", "scenario"]
    prompt: Text
    options: tuple[Option, ...] = ()
    explanation: str = ""

    @model_validator(mode="before")
    @classmethod
    def _behaviour_scale(cls, data: object) -> object:
        # Behavioural items share one scale; the files leave it out and it is filled in here.
        if isinstance(data, dict) and data.get("kind") == "behaviour" and not data.get("options"):
            return {**data, "options": [{"label": label, "score": score} for label, score in BEHAVIOUR_SCALE]}
        return data

    @model_validator(mode="after")
    def _scenario_is_scored(self) -> Item:
        if self.kind == "scenario":
            if not 3 <= len(self.options) <= 5:
                raise ValueError("a scenario item has 3 to 5 options")
            scores = [option.score for option in self.options]
            if scores.count(MAX_LEVEL) != 1:
                raise ValueError("a scenario item has exactly one best option, scored 4")
            if not self.explanation.strip():
                raise ValueError("a scenario item explains its best answer in one line")
        return self

    def score_of(self, option_index: int) -> int:
        return self.options[option_index].score


class Competency(Frozen):
    slug: Slug
    name: Text
    summary: Text
    why: Text
    levels: tuple[Text, Text, Text, Text, Text]
    evidence_prompt: Text
    items: tuple[Item, ...]
    sources: tuple[Citation, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _items(self) -> Competency:
        if len(self.items) < 3:
            raise ValueError("a competency has at least three items")
        kinds = {item.kind for item in self.items}
        if kinds != {"behaviour", "scenario"}:
            raise ValueError("a competency has both behavioural and scenario items")
        return self


class Requirement(Frozen):
    level: Level
    weight: Annotated[float, Field(ge=0, le=5)]
    why: str = ""
    sources: tuple[Citation, ...] = ()

    @model_validator(mode="after")
    def _heavy_ones_are_cited(self) -> Requirement:
        if self.level >= 3 and self.weight >= 2 and not self.sources:
            raise ValueError("a requirement of level 3+ with weight 2+ cites the article it rests on")
        return self


class Role(Frozen):
    slug: Slug
    name: Text
    summary: Text
    requirements: dict[str, Requirement]
    sources: tuple[Citation, ...] = Field(min_length=1)

    @field_validator("requirements")
    @classmethod
    def _every_competency(cls, value: dict[str, Requirement]) -> dict[str, Requirement]:
        missing = [slug for slug in COMPETENCY_SLUGS if slug not in value]
        unknown = [slug for slug in value if slug not in COMPETENCY_SLUGS]
        if missing or unknown:
            raise ValueError(f"requirements name every competency once (missing: {missing}, unknown: {unknown})")
        return value


# Calendar weeks in a month, as the planner counts them: a year of 52 weeks over 12 months.
WEEKS_PER_MONTH = 52 / 12


class Action(Frozen):
    slug: Slug
    title: Annotated[str, Field(min_length=1, max_length=120)]
    description: Text
    # The level (1-4) that doing the action shows, per competency it builds: interviewing three
    # users shows user research at Practising (2), weeks of weekly conversations Proficient (3).
    builds: dict[Slug, Annotated[int, Field(ge=1, le=MAX_LEVEL)]] = Field(min_length=1)
    # The competencies it builds, derived from ``builds`` (kept for the pages and the database).
    competencies: tuple[Slug, ...] = Field(min_length=1)
    hours: Annotated[int, Field(ge=1, le=80)]
    # Calendar duration: work that needs weeks of elapsed time (twelve weeks on a tool, three
    # months of mentoring) spans that many months however few hours it takes.
    weeks: Annotated[int, Field(ge=1, le=26)] = 1
    phase: PhaseSlug
    requires: tuple[Slug, ...] = ()
    done_when: Text
    sources: tuple[Citation, ...] = Field(min_length=1)
    # The roles whose own article names this action as the way in.
    anchor_for: tuple[SourceSlug, ...] = ()
    # A step that makes the move (applications, a transfer conversation): planned only once the
    # projected readiness supports it.
    once_ready: bool = False
    # Mostly prompt or code work: planned for a role only when its requirements ask for it.
    hands_on: bool = False

    @model_validator(mode="before")
    @classmethod
    def _builds_and_competencies(cls, data: object) -> object:
        # Either may be given: an action listing only its competencies shows each at Practising (2).
        if isinstance(data, dict):
            builds, competencies = data.get("builds"), data.get("competencies")
            if builds is None and competencies is not None:
                data = {**data, "builds": dict.fromkeys(competencies, 2)}
            elif isinstance(builds, dict) and competencies is None:
                data = {**data, "competencies": tuple(builds)}
            elif isinstance(builds, dict) and set(builds) != set(competencies or ()):
                raise ValueError("competencies, when given, are exactly the competencies in builds")
        return data

    # A canonical order, so that the files, the database and the export compare equal.
    @field_validator("competencies")
    @classmethod
    def _competency_order(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(value, key=_competency_position))

    @field_validator("builds")
    @classmethod
    def _builds_order(cls, value: dict[str, int]) -> dict[str, int]:
        return {slug: value[slug] for slug in sorted(value, key=_competency_position)}

    @field_validator("requires", "anchor_for")
    @classmethod
    def _sorted(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(value))

    @property
    def min_months(self) -> int:
        """The fewest consecutive months the action runs in, by its calendar duration."""
        return max(1, math.ceil(self.weeks / WEEKS_PER_MONTH - 1e-9))


def _competency_position(slug: str) -> tuple[int, str]:
    return (COMPETENCY_SLUGS.index(slug) if slug in COMPETENCY_SLUGS else len(COMPETENCY_SLUGS), slug)


class ChangelogEntry(Frozen):
    version: str
    date: str
    changes: tuple[Text, ...]


class Framework(Frozen):
    version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$")]
    changelog: tuple[ChangelogEntry, ...] = ()
    competencies: tuple[Competency, ...]
    roles: tuple[Role, ...]
    actions: tuple[Action, ...]

    @model_validator(mode="after")
    def _references(self) -> Framework:
        competency_slugs = [c.slug for c in self.competencies]
        if sorted(competency_slugs) != sorted(COMPETENCY_SLUGS):
            raise ValueError(f"the competencies are exactly the 21 of the product brief, got {competency_slugs}")
        if sorted(r.slug for r in self.roles) != sorted(ROLE_SLUGS):
            raise ValueError("the roles are exactly the five of the product brief")
        _unique("item", [i.slug for c in self.competencies for i in c.items])
        action_slugs = _unique("action", [a.slug for a in self.actions])
        for action in self.actions:
            for slug in action.competencies:
                if slug not in COMPETENCY_SLUGS:
                    raise ValueError(f"action {action.slug}: unknown competency {slug!r}")
            for slug in action.requires:
                if slug not in action_slugs:
                    raise ValueError(f"action {action.slug}: requires unknown action {slug!r}")
        cycle = _find_cycle({a.slug: a.requires for a in self.actions})
        if cycle:
            raise ValueError(f"actions have a prerequisite cycle: {' -> '.join(cycle)}")
        return self

    # Lookups the engine uses; cached because the model is frozen.
    @functools.cached_property
    def competency_by_slug(self) -> dict[str, Competency]:
        return {c.slug: c for c in self.competencies}

    @functools.cached_property
    def role_by_slug(self) -> dict[str, Role]:
        return {r.slug: r for r in self.roles}

    @functools.cached_property
    def action_by_slug(self) -> dict[str, Action]:
        return {a.slug: a for a in self.actions}

    @functools.cached_property
    def item_by_slug(self) -> dict[str, tuple[Competency, Item]]:
        return {i.slug: (c, i) for c in self.competencies for i in c.items}


def _unique(what: str, slugs: list[str]) -> set[str]:
    seen: set[str] = set()
    for slug in slugs:
        if slug in seen:
            raise ValueError(f"{what} slug {slug!r} is used twice")
        seen.add(slug)
    return seen


def _find_cycle(graph: dict[str, tuple[str, ...]]) -> list[str]:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


class FrameworkError(Exception):
    """A framework file is invalid; the message names the file, the entry and the field."""


def _describe(error: ValidationError, where: str, entries: list[dict] | None = None) -> str:
    lines = []
    for err in error.errors():
        loc = list(err["loc"])
        entry = ""
        if entries is not None and loc and isinstance(loc[0], int) and loc[0] < len(entries):
            entry = f" entry {entries[loc[0]].get('slug', loc[0])!r}"
            loc = loc[1:]
        field = ".".join(str(part) for part in loc) or "(whole entry)"
        lines.append(f"{where}{entry}, field {field}: {err['msg']}")
    return "; ".join(lines)


def _read_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FrameworkError(f"{path.name}: cannot be read: {exc}") from exc


def load_directory(directory: Path = FRAMEWORK_DIR) -> Framework:
    """Read and validate the framework files; raise FrameworkError naming what is wrong."""
    meta = _read_yaml(directory / "framework.yaml")
    if not isinstance(meta, dict):
        raise FrameworkError("framework.yaml: expected a mapping with version and changelog")
    competencies = []
    for path in sorted((directory / "competencies").glob("*.yaml")):
        data = _read_yaml(path)
        try:
            competencies.append(Competency.model_validate(data))
        except ValidationError as exc:
            slug = data.get("slug", path.stem) if isinstance(data, dict) else path.stem
            raise FrameworkError(_describe(exc, f"competencies/{path.name} entry {slug!r}")) from exc
    lists: dict[str, list] = {}
    for name, schema in (("roles", Role), ("actions", Action)):
        data = _read_yaml(directory / f"{name}.yaml")
        if not isinstance(data, list):
            raise FrameworkError(f"{name}.yaml: expected a list of {name}")
        try:
            lists[name] = [schema.model_validate(entry) for entry in data]
        except ValidationError as exc:
            # Validate one by one again to name the failing entry.
            for entry in data:
                try:
                    schema.model_validate(entry)
                except ValidationError as inner:
                    slug = entry.get("slug", "?") if isinstance(entry, dict) else "?"
                    raise FrameworkError(_describe(inner, f"{name}.yaml entry {slug!r}")) from inner
            raise FrameworkError(_describe(exc, f"{name}.yaml")) from exc
    try:
        return Framework(
            version=meta.get("version", ""),
            changelog=meta.get("changelog", ()),
            competencies=tuple(
                sorted(competencies, key=lambda c: COMPETENCY_SLUGS.index(c.slug) if c.slug in COMPETENCY_SLUGS else 99)
            ),
            roles=tuple(lists["roles"]),
            actions=tuple(lists["actions"]),
        )
    except ValidationError as exc:
        raise FrameworkError(_describe(exc, "framework")) from exc


def load_json(text: str) -> Framework:
    """Validate a framework exported as JSON (the shape export_framework prints)."""
    try:
        return Framework.model_validate(json.loads(text))
    except json.JSONDecodeError as exc:
        raise FrameworkError(f"not valid JSON: {exc}") from exc
    except ValidationError as exc:
        raise FrameworkError(_describe(exc, "framework")) from exc


class Source(Frozen):
    """One of the articles the framework cites, with what a reader needs to find it."""

    slug: SourceSlug
    title: Annotated[str, Field(min_length=1, max_length=200)]
    author: str = ""
    publisher: str = ""
    published: datetime.date | None = None

    @property
    def byline(self) -> str:
        return " · ".join(part for part in (self.author, self.publisher) if part)


def load_sources(directory: Path = FRAMEWORK_DIR) -> tuple[Source, ...]:
    """The articles in sources.yaml, one for every source slug, in the file's order."""
    data = _read_yaml(directory / "sources.yaml")
    if not isinstance(data, list):
        raise FrameworkError("sources.yaml: expected a list of sources")
    try:
        sources = tuple(Source.model_validate(entry) for entry in data)
    except ValidationError as exc:
        raise FrameworkError(_describe(exc, "sources.yaml")) from exc
    if sorted(s.slug for s in sources) != sorted(SOURCE_SLUGS):
        raise FrameworkError(f"sources.yaml: expected each of {', '.join(SOURCE_SLUGS)} once")
    return sources


@functools.cache
def get_sources() -> dict[str, Source]:
    """The shipped sources by slug, read once per process."""
    return {source.slug: source for source in load_sources()}


@functools.cache
def get_framework() -> Framework:
    """The shipped framework, read once per process."""
    return load_directory()


_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Lower case, without whitespace or punctuation: how quotes are compared with the articles."""
    return _NON_WORD.sub("", text.lower())


def citations(framework: Framework) -> Iterable[tuple[str, Citation]]:
    """Every citation in the framework, with where it stands."""
    for c in framework.competencies:
        for cit in c.sources:
            yield f"competency {c.slug}", cit
    for r in framework.roles:
        for cit in r.sources:
            yield f"role {r.slug}", cit
        for slug, req in r.requirements.items():
            for cit in req.sources:
                yield f"role {r.slug} requirement {slug}", cit
    for a in framework.actions:
        for cit in a.sources:
            yield f"action {a.slug}", cit
