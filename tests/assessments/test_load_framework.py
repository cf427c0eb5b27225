from __future__ import annotations

import io
import json
import shutil

import pytest
import yaml
from django.core.management import CommandError, call_command

from assessments import content
from assessments.models import Action, Answer, Assessment, Competency, Item, Requirement, Role
from assessments.selectors import framework_from_db
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _snapshot() -> list:
    return [list(model.objects.order_by("pk").values()) for model in (Competency, Item, Role, Requirement, Action)] + [
        sorted(Action.requires.through.objects.values_list("from_action_id", "to_action_id"))
    ]


def test_it_loads_every_part_of_the_framework():
    _run("load_framework")
    framework = content.get_framework()
    assert Competency.objects.count() == 21
    assert Item.objects.count() == sum(len(c.items) for c in framework.competencies)
    assert Role.objects.count() == 5
    assert Requirement.objects.count() == 5 * 21
    assert Action.objects.count() == len(framework.actions)


def test_running_it_twice_changes_nothing():
    _run("load_framework")
    before = _snapshot()
    assert "nothing changed" in _run("load_framework")
    assert _snapshot() == before


def test_export_prints_the_loaded_framework_through_the_schema():
    _run("load_framework")
    exported = json.loads(_run("export_framework"))
    assert exported["version"] == content.get_framework().version
    comp = exported["competencies"][0]
    assert set(comp) >= {"slug", "name", "summary", "levels", "items", "sources"}
    assert len(comp["levels"]) == 5
    assert set(comp["items"][0]) >= {"slug", "kind", "prompt", "options"}
    role = exported["roles"][0]
    assert set(role["requirements"]["mentoring"]) >= {"level", "weight"}
    action = exported["actions"][0]
    assert set(action) >= {"slug", "title", "description", "competencies", "hours", "phase", "requires", "done_when"}


def test_load_export_load_round_trips_without_change(tmp_path):
    _run("load_framework")
    exported = _run("export_framework")
    assert content.load_json(exported) == content.get_framework()
    before = _snapshot()
    path = tmp_path / "export.json"
    path.write_text(exported)
    assert "nothing changed" in _run("load_framework", str(path))
    assert _snapshot() == before
    assert _run("export_framework") == exported


def test_export_without_a_loaded_framework_says_what_to_do():
    with pytest.raises(CommandError, match="load_framework"):
        _run("export_framework")


def _broken_copy(tmp_path, change):
    target = tmp_path / "framework"
    shutil.copytree(content.FRAMEWORK_DIR, target)
    path = target / "roles.yaml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return target


def test_a_broken_file_is_refused_and_leaves_the_loaded_framework_as_it_was(tmp_path):
    _run("load_framework")
    before = _snapshot()
    broken = _broken_copy(tmp_path, lambda roles: roles[1]["requirements"]["saying-no"].update(level=5))
    with pytest.raises(CommandError, match=r"roles.yaml entry 'ai-product-lead', field requirements.saying-no.level"):
        _run("load_framework", str(broken))
    assert _snapshot() == before


def test_a_missing_path_is_refused_clearly():
    with pytest.raises(CommandError, match="no such file or directory"):
        _run("load_framework", "/no/such/place")


def _without_item(tmp_path, slug):
    target = tmp_path / "framework"
    shutil.copytree(content.FRAMEWORK_DIR, target)
    path = target / "competencies" / "mentoring.yaml"
    data = yaml.safe_load(path.read_text())
    data["items"] = [item for item in data["items"] if item["slug"] != slug]
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return target


def test_an_answered_item_that_leaves_the_framework_is_retired_not_deleted(tmp_path):
    _run("load_framework")
    item = Item.objects.filter(competency__slug="mentoring").first()
    assessment = Assessment.objects.create(owner=UserFactory(), framework_version="1.0.0")
    Answer.objects.create(assessment=assessment, item=item, choice=0)
    _run("load_framework", str(_without_item(tmp_path, item.slug)))
    item.refresh_from_db()
    assert item.retired
    assert Answer.objects.filter(item=item).exists()
    assert item.slug not in {
        i["slug"] for c in json.loads(_run("export_framework"))["competencies"] for i in c["items"]
    }


def test_an_unanswered_item_that_leaves_the_framework_is_deleted(tmp_path):
    _run("load_framework")
    item = Item.objects.filter(competency__slug="mentoring").first()
    _run("load_framework", str(_without_item(tmp_path, item.slug)))
    assert not Item.objects.filter(pk=item.pk).exists()


def test_a_retired_item_that_comes_back_is_active_again(tmp_path):
    _run("load_framework")
    item = Item.objects.filter(competency__slug="mentoring").first()
    assessment = Assessment.objects.create(owner=UserFactory(), framework_version="1.0.0")
    Answer.objects.create(assessment=assessment, item=item, choice=0)
    _run("load_framework", str(_without_item(tmp_path, item.slug)))
    _run("load_framework")
    item.refresh_from_db()
    assert not item.retired


def test_framework_from_db_matches_the_files():
    _run("load_framework")
    assert framework_from_db() == content.get_framework()
