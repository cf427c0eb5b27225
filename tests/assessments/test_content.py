"""The shipped framework: valid, honest citations, complete coverage. No database needed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from assessments import content

SOURCES_DIR = Path(__file__).resolve().parents[3] / "shared" / "sources"
SOURCE_FILES = {
    "ai-lead": "000_3bd948fb898e3ab4.txt",
    "ai-product-lead": "001_79107a9c26e664df.txt",
    "ai-engineering-lead": "002_2b2145e5e950cfcc.txt",
    "ai-architect": "003_b329c6105794afa1.txt",
    "ai-product-manager": "004_3ee20ef1a47ba43f.txt",
}


@pytest.fixture(scope="module")
def framework() -> content.Framework:
    return content.load_directory()


def test_every_shipped_file_validates(framework):
    assert framework.version
    assert len(framework.competencies) == 21
    assert [c.slug for c in framework.competencies] == list(content.COMPETENCY_SLUGS)
    assert sorted(r.slug for r in framework.roles) == sorted(content.ROLE_SLUGS)


def test_every_competency_meets_the_content_bar(framework):
    for comp in framework.competencies:
        assert len(comp.levels) == 5
        assert len(set(comp.levels)) == 5, comp.slug
        assert len(comp.items) >= 3, comp.slug
        assert {i.kind for i in comp.items} == {"behaviour", "scenario"}, comp.slug
        assert comp.sources, comp.slug
        assert comp.evidence_prompt.strip(), comp.slug
        for item in comp.items:
            if item.kind == "scenario":
                assert 3 <= len(item.options) <= 5
                assert [o.score for o in item.options].count(4) == 1
                assert item.explanation


def test_slugs_are_unique(framework):
    items = [i.slug for c in framework.competencies for i in c.items]
    actions = [a.slug for a in framework.actions]
    assert len(items) == len(set(items))
    assert len(actions) == len(set(actions))


def test_every_reference_resolves(framework):
    actions = {a.slug for a in framework.actions}
    for action in framework.actions:
        assert set(action.competencies) <= set(content.COMPETENCY_SLUGS), action.slug
        assert set(action.requires) <= actions, action.slug
    for role in framework.roles:
        assert set(role.requirements) == set(content.COMPETENCY_SLUGS), role.slug
    for _where, citation in content.citations(framework):
        assert citation.source in content.SOURCE_SLUGS


def test_there_are_no_prerequisite_cycles(framework):
    assert content._find_cycle({a.slug: a.requires for a in framework.actions}) == []


def test_a_cycle_would_be_found():
    assert content._find_cycle({"a": ("b",), "b": ("c",), "c": ("a",)}) == ["a", "b", "c", "a"]


def test_action_library_covers_every_competency_at_least_twice(framework):
    assert len(framework.actions) >= 40
    for slug in content.COMPETENCY_SLUGS:
        covering = [a.slug for a in framework.actions if slug in a.competencies]
        assert len(covering) >= 2, f"{slug} is built by {covering}"
    assert {a.phase for a in framework.actions} == set(content.PHASES)


def test_every_action_states_the_levels_it_shows_and_its_duration():
    # Read raw, so that a default filled in by the schema cannot hide a missing field.
    raw = yaml.safe_load((content.FRAMEWORK_DIR / "actions.yaml").read_text(encoding="utf-8"))
    for entry in raw:
        assert "builds" in entry, entry["slug"]
        assert "competencies" not in entry, entry["slug"]
        assert isinstance(entry.get("weeks"), int), entry["slug"]


def test_every_level_a_role_asks_for_is_shown_by_an_action_the_role_may_plan(framework):
    for role in framework.roles:
        for slug, requirement in role.requirements.items():
            shown = [
                a.slug
                for a in framework.actions
                if a.builds.get(slug, 0) >= requirement.level and (not a.hands_on or _asks_for(role, a))
            ]
            # Level 1 (aware) can be left to reading; levels 2 and up need work the plan can hold.
            assert shown or requirement.level <= 1, f"{role.slug}: nothing shows {slug} at {requirement.level}"


def _asks_for(role: content.Role, action: content.Action) -> bool:
    if role.slug in action.anchor_for:
        return True
    return any(role.requirements[c].level >= 3 and role.requirements[c].weight >= 2 for c in action.builds)


def test_every_role_has_anchor_actions_from_its_own_article(framework):
    for role in framework.roles:
        anchors = [a for a in framework.actions if role.slug in a.anchor_for]
        assert len(anchors) >= 3, role.slug
        assert any(c.source == role.slug for a in anchors for c in a.sources), role.slug


def test_the_steps_that_make_the_move_wait_for_readiness(framework):
    gated = {a.slug for a in framework.actions if a.once_ready}
    assert gated == {"internal-transfer-conversation", "target-external-companies"}


def test_loose_tags_are_gone(framework):
    # None of these involves talking to users, which is the whole of user research.
    for slug in ("competitive-analysis", "write-a-mini-prd", "prototype-before-asking-engineering"):
        assert "user-research" not in framework.action_by_slug[slug].builds, slug
    assert "software-architecture" not in framework.action_by_slug["audit-ai-generated-changes"].builds


def test_builds_and_competencies_agree():
    citation = {"source": "ai-lead", "quote": "a short quote for a test"}
    base = {"slug": "a", "title": "A", "description": "d", "hours": 1, "phase": "build-proof"}
    base |= {"done_when": "d", "sources": [citation]}
    action = content.Action.model_validate(base | {"builds": {"mentoring": 3, "systems-thinking": 2}})
    assert action.competencies == ("systems-thinking", "mentoring")
    assert list(action.builds) == ["systems-thinking", "mentoring"]
    assert content.Action.model_validate(base | {"competencies": ["mentoring"]}).builds == {"mentoring": 2}
    with pytest.raises(ValueError, match="exactly the competencies in builds"):
        content.Action.model_validate(base | {"builds": {"mentoring": 3}, "competencies": ["saying-no"]})
    for weeks, months in ((1, 1), (4, 1), (5, 2), (8, 2), (12, 3), (13, 3), (14, 4)):
        assert content.Action.model_validate(base | {"builds": {"mentoring": 2}, "weeks": weeks}).min_months == months


def test_prerequisites_never_come_in_a_later_phase(framework):
    order = list(content.PHASES)
    by_slug = framework.action_by_slug
    for action in framework.actions:
        for slug in action.requires:
            assert order.index(by_slug[slug].phase) <= order.index(action.phase), (slug, action.slug)


def test_role_profiles_differ_the_way_the_articles_do(framework):
    roles = framework.role_by_slug

    def req(role: str, comp: str) -> int:
        return roles[role].requirements[comp].level

    for comp in ("prompt-architecture", "ai-governance", "ai-tool-adoption"):
        assert req("ai-engineering-lead", comp) > req("ai-product-manager", comp), comp
    for comp in ("user-research", "product-prioritization", "saying-no"):
        assert req("ai-product-manager", comp) > req("ai-engineering-lead", comp), comp
    for comp in ("decision-making", "mentoring"):
        assert req("ai-architect", comp) >= 3, comp
    profiles = {tuple(sorted((k, v.level) for k, v in r.requirements.items())) for r in framework.roles}
    assert len(profiles) == 5


@pytest.mark.skipif(
    not SOURCES_DIR.is_dir(), reason=f"the articles are not at {SOURCES_DIR}, so quotes cannot be checked"
)
def test_every_quote_is_verbatim_in_its_article(framework):
    articles = {
        slug: content.normalise((SOURCES_DIR / name).read_text(encoding="utf-8")) for slug, name in SOURCE_FILES.items()
    }
    missing = [
        f"{where}: {c.quote!r} not in {c.source}"
        for where, c in content.citations(framework)
        if content.normalise(c.quote) not in articles[c.source]
    ]
    assert not missing, "\n".join(missing)


def test_quotes_are_short_citations(framework):
    for where, citation in content.citations(framework):
        assert len(citation.quote.split()) <= 30, where


# --- errors name the file, the entry and the field -------------------------------------------------


@pytest.fixture
def broken_copy(tmp_path):
    target = tmp_path / "framework"
    shutil.copytree(content.FRAMEWORK_DIR, target)
    return target


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_a_level_of_5_is_refused_naming_file_entry_and_field(broken_copy):
    _edit(broken_copy / "roles.yaml", lambda roles: roles[0]["requirements"]["mentoring"].update(level=5))
    with pytest.raises(content.FrameworkError) as err:
        content.load_directory(broken_copy)
    message = str(err.value)
    assert "roles.yaml" in message
    assert "'ai-lead'" in message
    assert "requirements.mentoring.level" in message


def test_a_bad_slug_is_refused(broken_copy):
    _edit(broken_copy / "actions.yaml", lambda actions: actions[0].update(slug="Not A Slug"))
    with pytest.raises(content.FrameworkError, match=r"actions.yaml entry 'Not A Slug', field slug"):
        content.load_directory(broken_copy)


def test_a_missing_field_is_refused(broken_copy):
    _edit(broken_copy / "competencies" / "mentoring.yaml", lambda comp: comp.pop("summary"))
    with pytest.raises(content.FrameworkError, match=r"competencies/mentoring.yaml entry 'mentoring', field summary"):
        content.load_directory(broken_copy)


def test_an_unknown_field_is_refused(broken_copy):
    _edit(broken_copy / "competencies" / "mentoring.yaml", lambda comp: comp.update(colour="blue"))
    with pytest.raises(content.FrameworkError, match=r"field colour: Extra inputs are not permitted"):
        content.load_directory(broken_copy)


def test_an_unknown_competency_in_an_action_is_refused(broken_copy):
    _edit(broken_copy / "actions.yaml", lambda actions: actions[0].update(builds={"juggling": 2}))
    with pytest.raises(content.FrameworkError, match="unknown competency 'juggling'"):
        content.load_directory(broken_copy)


def test_a_prerequisite_cycle_is_refused(broken_copy):
    def make_cycle(actions):
        actions[0]["requires"] = [actions[1]["slug"]]
        actions[1]["requires"] = [actions[0]["slug"]]

    _edit(broken_copy / "actions.yaml", make_cycle)
    with pytest.raises(content.FrameworkError, match="prerequisite cycle"):
        content.load_directory(broken_copy)


def test_a_scenario_needs_exactly_one_best_answer(broken_copy):
    def two_best(comp):
        scenario = next(i for i in comp["items"] if i["kind"] == "scenario")
        for option in scenario["options"]:
            option["score"] = 4

    _edit(broken_copy / "competencies" / "mentoring.yaml", two_best)
    with pytest.raises(content.FrameworkError, match="exactly one best option"):
        content.load_directory(broken_copy)


def test_the_model_is_frozen(framework):
    with pytest.raises(ValueError, match="frozen"):
        framework.competencies[0].name = "changed"  # type: ignore[misc]
