"""The preview_plan command: a stable interface for other programs. No database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assessments import content
from assessments.scoring import Answers, result_json, score

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCORED_KEYS = {"role", "readiness", "levels", "gaps", "role_fit", "best_fit", "blind_spots", "unanswered"}


@pytest.fixture
def levels_file(tmp_path):
    def write(data: object, *, raw: str | None = None) -> str:
        path = tmp_path / "levels.json"
        path.write_text(raw if raw is not None else json.dumps(data), encoding="utf-8")
        return str(path)

    return write


def _run(*args: str) -> dict:
    out = StringIO()
    call_command("preview_plan", *args, stdout=out)
    return json.loads(out.getvalue())


def test_prints_the_scored_result_as_one_json_object(levels_file):
    payload = _run("--role", "ai-lead", "--levels", levels_file({"systems-thinking": 3, "user-research": 4}))
    assert set(payload) >= SCORED_KEYS
    assert payload["role"] == "ai-lead"
    assert 0 <= payload["readiness"] <= 100
    assert payload["levels"]["systems-thinking"] == 3
    assert payload["levels"]["user-research"] == 4
    assert [fit["role"] for fit in payload["role_fit"]] != []
    assert {"competency", "required", "current", "gap", "priority"} == set(payload["gaps"][0])


def test_output_is_the_engine_result_for_those_quick_ratings(levels_file):
    levels = {"systems-thinking": 3, "evaluation-literacy": 1, "mentoring": 2}
    payload = _run("--role", "ai-architect", "--levels", levels_file(levels))
    expected = result_json(score(content.get_framework(), Answers(ratings=levels), "ai-architect"))
    assert {key: payload[key] for key in expected} == expected


def test_a_competency_left_out_counts_as_zero(levels_file):
    payload = _run("--role", "ai-lead", "--levels", levels_file({"systems-thinking": 3}))
    assert payload["levels"]["saying-no"] == 0
    assert "saying-no" in payload["unanswered"]
    assert set(payload["levels"]) == set(content.COMPETENCY_SLUGS)


def test_gaps_and_role_fit_come_best_first(levels_file):
    payload = _run("--role", "ai-product-lead", "--levels", levels_file({"user-research": 4, "saying-no": 2}))
    priorities = [gap["priority"] for gap in payload["gaps"]]
    assert priorities == sorted(priorities, reverse=True)
    # Best fit first; readiness is shown beside the fit and breaks a tie in it.
    keys = [(-fit["fit"], -fit["readiness"], fit["role"]) for fit in payload["role_fit"]]
    assert keys == sorted(keys)
    assert sorted(fit["role"] for fit in payload["role_fit"]) == sorted(content.ROLE_SLUGS)


@pytest.mark.parametrize(("hours", "months"), [("1", "3"), ("40", "12"), ("5", "6")])
def test_hours_and_months_at_their_bounds_are_accepted(levels_file, hours, months):
    payload = _run("--role", "ai-lead", "--levels", levels_file({}), "--hours-per-week", hours, "--months", months)
    assert payload["role"] == "ai-lead"


def test_hours_and_months_may_be_passed_as_numbers(levels_file):
    out = StringIO()
    call_command("preview_plan", role="ai-lead", levels=levels_file({}), hours_per_week=40, months=12, stdout=out)
    assert json.loads(out.getvalue())["readiness"] == 0.0


@pytest.mark.parametrize(
    ("role", "data", "raw", "extra", "message"),
    [
        ("ai-wizard", {}, None, [], "unknown role 'ai-wizard'"),
        ("ai-lead", {"juggling": 2}, None, [], "unknown competency 'juggling'"),
        ("ai-lead", {"mentoring": 5}, None, [], "'mentoring' must be 0 to 4, got 5"),
        ("ai-lead", {"mentoring": -1}, None, [], "'mentoring' must be 0 to 4, got -1"),
        ("ai-lead", {"mentoring": 2.5}, None, [], "'mentoring' must be a whole number 0-4, got 2.5"),
        ("ai-lead", {"mentoring": "2"}, None, [], "'mentoring' must be a whole number 0-4, got '2'"),
        ("ai-lead", {"mentoring": True}, None, [], "'mentoring' must be a whole number 0-4, got True"),
        ("ai-lead", {"mentoring": None}, None, [], "'mentoring' must be a whole number 0-4, got None"),
        ("ai-lead", None, "{not json", [], "not valid JSON"),
        ("ai-lead", None, "", [], "not valid JSON"),
        ("ai-lead", [["mentoring", 2]], None, [], "expected a JSON object"),
        ("ai-lead", {}, None, ["--hours-per-week", "0"], "--hours-per-week must be a whole number from 1 to 40"),
        ("ai-lead", {}, None, ["--hours-per-week", "41"], "--hours-per-week must be a whole number from 1 to 40"),
        ("ai-lead", {}, None, ["--hours-per-week", "many"], "--hours-per-week must be a whole number from 1 to 40"),
        ("ai-lead", {}, None, ["--months", "2"], "--months must be a whole number from 3 to 12"),
        ("ai-lead", {}, None, ["--months", "13"], "--months must be a whole number from 3 to 12"),
        ("ai-lead", {}, None, ["--months", "6.5"], "--months must be a whole number from 3 to 12"),
    ],
)
def test_bad_input_is_refused_with_one_line(levels_file, role, data, raw, extra, message):
    with pytest.raises(CommandError) as caught:
        call_command("preview_plan", "--role", role, "--levels", levels_file(data, raw=raw), *extra, stdout=StringIO())
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file_is_refused(tmp_path):
    missing = tmp_path / "nowhere.json"
    with pytest.raises(CommandError, match=r"nowhere\.json: cannot be read \(No such file or directory\)"):
        call_command("preview_plan", "--role", "ai-lead", "--levels", str(missing), stdout=StringIO())


def test_a_directory_is_not_a_levels_file(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("preview_plan", "--role", "ai-lead", "--levels", str(tmp_path), stdout=StringIO())


def test_role_and_levels_are_required(levels_file):
    with pytest.raises(CommandError, match="--role is required"):
        call_command("preview_plan", "--levels", levels_file({}), stdout=StringIO())
    with pytest.raises(CommandError, match="--levels is required"):
        call_command("preview_plan", "--role", "ai-lead", stdout=StringIO())


def _manage(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SECRET_KEY": "x", "ALLOWED_HOSTS": "x"}
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [sys.executable, "manage.py", "preview_plan", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_from_the_command_line_stdout_is_one_json_object_and_bad_input_one_stderr_line(levels_file):
    good = _manage("--role", "ai-engineering-lead", "--levels", levels_file({"prompt-architecture": 4}))
    assert good.returncode == 0, good.stderr
    assert good.stderr == ""
    payload = json.loads(good.stdout)
    assert isinstance(payload, dict)
    assert payload["levels"]["prompt-architecture"] == 4

    bad = _manage("--role", "ai-engineering-lead", "--levels", levels_file({"prompt-architecture": 9}))
    assert bad.returncode != 0
    assert bad.stdout == ""
    assert "Traceback" not in bad.stderr
    lines = bad.stderr.strip().splitlines()
    assert lines == ["CommandError: the quick rating for 'prompt-architecture' must be 0 to 4, got 9"]


def test_prints_the_roadmap_from_the_same_planner_the_pages_use(tmp_path):
    from roadmaps import planning

    levels = tmp_path / "levels.json"
    levels.write_text('{"systems-thinking": 2, "mentoring": 1}')
    out = StringIO()
    call_command(
        "preview_plan",
        "--role",
        "ai-architect",
        "--levels",
        str(levels),
        "--hours-per-week",
        "3",
        "--months",
        "4",
        stdout=out,
    )
    printed = json.loads(out.getvalue())
    framework = content.get_framework()
    result = score(framework, Answers(ratings={"systems-thinking": 2, "mentoring": 1}), "ai-architect")
    expected = planning.plan_json(
        planning.plan(framework, role=result.role, levels=result.levels, hours_per_week=3, months=4)
    )
    assert printed["months"] == expected["months"]
    assert printed["unscheduled"] == expected["unscheduled"]
    assert printed["projection"] == expected["projection"]
    assert len(printed["projection"]) == 4
    for month in printed["months"]:
        for item in month["items"]:
            assert item["start"] <= month["month"] <= item["end"]
            assert {"action", "title", "competencies", "hours", "total_hours"} <= item.keys()
    assert [m["month"] for m in printed["months"]] == [1, 2, 3, 4]
    capacity = 3 * 52 / 12
    assert all(m["hours"] <= capacity for m in printed["months"])
    assert all(set(i) >= {"action", "title", "competencies", "hours"} for m in printed["months"] for i in m["items"])
    assert all(set(u) >= {"action", "title", "why"} for u in printed["unscheduled"])


# --- the full questionnaire (--answers) and many profiles at once (--batch) ---------------------------


def _best_and_worst(framework: content.Framework) -> tuple[dict[str, int], dict[str, int]]:
    """For every item, the index of its top-scored option and of its lowest one."""
    best, worst = {}, {}
    for competency in framework.competencies:
        for item in competency.items:
            scores = [o.score for o in item.options]
            best[item.slug] = scores.index(max(scores))
            worst[item.slug] = scores.index(min(scores))
    return best, worst


@pytest.mark.django_db
def test_answers_are_scored_exactly_as_the_web_app_scores_a_finished_questionnaire(framework_db, tmp_path):
    from assessments import services
    from assessments.models import Assessment, Item, Role
    from tests.factories import UserFactory

    framework = content.get_framework()
    best, worst = _best_and_worst(framework)
    # A mixed profile: best options for half the items, worst for the rest, some left out.
    slugs = sorted(best)
    chosen = {slug: (best if n % 2 else worst)[slug] for n, slug in enumerate(slugs) if n % 7}
    assessment = services.assessment_start(
        owner=UserFactory(), role=Role.objects.get(slug="ai-architect"), mode=Assessment.Mode.FULL
    )
    items = Item.objects.in_bulk(field_name="slug")
    for slug, choice in chosen.items():
        services.answer_save(assessment=assessment, item=items[slug], choice=choice)
    finished = services.assessment_finish(assessment=assessment)

    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(chosen))
    printed = _run("--role", "ai-architect", "--answers", str(answers))
    assert printed["readiness"] == finished.result["readiness"]
    assert printed["levels"] == finished.result["levels"]
    assert [g["competency"] for g in printed["gaps"]] == [g["competency"] for g in finished.result["gaps"]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"no-such-item": 0}, "unknown item 'no-such-item'"),
        ({"ITEM": 99}, "option 99 was chosen"),
        ({"ITEM": -1}, "option -1 was chosen"),
        ({"ITEM": "1"}, "the option for 'ITEM' must be a whole number (0-based), got '1'"),
        ({"ITEM": 1.0}, "must be a whole number (0-based), got 1.0"),
        (["ITEM"], "expected a JSON object mapping item slug to the chosen option"),
    ],
)
def test_bad_answers_are_refused_with_one_line(tmp_path, data, message):
    item = content.get_framework().competencies[0].items[0].slug
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data).replace("ITEM", item))
    with pytest.raises(CommandError) as caught:
        call_command("preview_plan", "--role", "ai-lead", "--answers", str(path), stdout=StringIO())
    assert message.replace("ITEM", item) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_levels_and_answers_together_are_refused(levels_file):
    with pytest.raises(CommandError, match="not both"):
        call_command(
            "preview_plan",
            "--role",
            "ai-lead",
            "--levels",
            levels_file({}),
            "--answers",
            levels_file({}),
            stdout=StringIO(),
        )


def _batch(tmp_path, lines: list[str]) -> tuple[list[dict], CommandError | None]:
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n")
    out = StringIO()
    error = None
    try:
        call_command("preview_plan", "--batch", str(path), stdout=out)
    except CommandError as exc:
        error = exc
    return [json.loads(line) for line in out.getvalue().splitlines()], error


def test_a_batch_prints_one_result_a_line_in_order_each_as_a_single_run_would(tmp_path, levels_file):
    best, _ = _best_and_worst(content.get_framework())
    profiles = [
        {"role": "ai-lead", "levels": {"systems-thinking": 3}},
        {"role": "ai-architect", "levels": {"mentoring": 1}, "hours_per_week": 3, "months": 4},
        {"role": "ai-product-manager", "answers": best, "hours_per_week": 10, "months": 9},
    ]
    results, error = _batch(tmp_path, [json.dumps(p) for p in profiles])
    assert error is None
    assert len(results) == 3
    single = _run("--role", "ai-lead", "--levels", levels_file({"systems-thinking": 3}))
    assert results[0] == single
    assert results[1]["role"] == "ai-architect"
    assert [m["month"] for m in results[1]["months"]] == [1, 2, 3, 4]
    assert results[2]["role"] == "ai-product-manager"
    assert len(results[2]["months"]) == 9


def test_a_bad_batch_line_prints_an_error_in_its_place_and_the_command_fails(tmp_path):
    lines = [
        json.dumps({"role": "ai-lead", "levels": {}}),
        "{not json",
        json.dumps({"role": "ai-wizard", "levels": {}}),
        json.dumps({"role": "ai-lead", "levels": {"mentoring": 7}}),
        json.dumps({"role": "ai-lead", "levels": {}, "answers": {}}),
        json.dumps({"role": "ai-lead", "levels": {}, "hours_per_week": 0}),
        json.dumps({"role": "ai-lead", "levels": {}, "colour": "blue"}),
        json.dumps(["ai-lead"]),
        "",
        json.dumps({"role": "ai-architect", "levels": {"mentoring": 2}}),
    ]
    results, error = _batch(tmp_path, lines)
    assert error is not None
    assert "7 of 9 lines could not be previewed" in str(error)
    assert "\n" not in str(error)
    assert [("error" in r) for r in results] == [False, True, True, True, True, True, True, True, False]
    errors = [r["error"] for r in results if "error" in r]
    assert errors[0].startswith("line 2: not valid JSON")
    assert errors[1].startswith("line 3: unknown role 'ai-wizard' (one of: ai-architect, ")
    assert errors[2] == "line 4: the quick rating for 'mentoring' must be 0 to 4, got 7"
    assert errors[3] == "line 5: give levels or answers (exactly one of them)"
    assert errors[4] == "line 6: hours_per_week must be a whole number from 1 to 40, got 0"
    assert errors[5].startswith("line 7: unknown key 'colour'")
    assert errors[6] == "line 8: expected a JSON object with role and levels or answers"
    assert all("\n" not in e for e in errors)
    assert results[-1]["role"] == "ai-architect"


def test_a_batch_from_the_command_line_has_no_traceback(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text(json.dumps({"role": "ai-lead", "levels": {}}) + "\n" + json.dumps({"role": "nope", "levels": {}}))
    run = _manage("--batch", str(path))
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines() == [
        f"CommandError: {path}: 1 of 2 lines could not be previewed (see their error lines)"
    ]
    first, second = (json.loads(line) for line in run.stdout.splitlines())
    assert first["role"] == "ai-lead"
    assert second["error"].startswith("line 2: unknown role 'nope'")
    missing = _manage("--batch", str(tmp_path / "none.jsonl"))
    assert missing.returncode != 0
    assert missing.stderr.strip().splitlines() == [
        f"CommandError: {tmp_path / 'none.jsonl'}: cannot be read (No such file or directory)"
    ]


# --- honest scoring, through the interface other programs use -----------------------------------------


def _respondent_answers(behaviour_label: str | None, scenario: str) -> dict[str, int]:
    """Every item answered: behaviour items by the option's words (None: the top one), scenarios by score."""
    chosen = {}
    for competency in content.get_framework().competencies:
        for item in competency.items:
            scores = [o.score for o in item.options]
            if item.kind == "behaviour" and behaviour_label is not None:
                chosen[item.slug] = [o.label for o in item.options].index(behaviour_label)
            else:
                wanted = max(scores) if item.kind == "behaviour" or scenario == "best" else min(scores)
                chosen[item.slug] = scores.index(wanted)
    return chosen


@pytest.mark.parametrize(
    ("behaviour", "scenario", "most", "kind", "flagged"),
    [
        ("I know what it involves, but have not done it", "best", 70, "untested", 15),
        ("Never", "best", 65, None, 0),
        (content.BEHAVIOUR_SCALE[-1][0], "worst", 100, "overrated", 15),
    ],
)
@pytest.mark.parametrize("role", content.ROLE_SLUGS)
def test_preview_plan_answers_hold_the_honest_scoring_targets(tmp_path, role, behaviour, scenario, most, kind, flagged):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(_respondent_answers(behaviour, scenario)))
    printed = _run("--role", role, "--answers", str(path))
    assert printed["readiness"] <= most
    if kind:
        assert sum(spot["kind"] == kind for spot in printed["blind_spots"]) >= flagged


@pytest.mark.parametrize("role", content.ROLE_SLUGS)
def test_preview_plan_answers_at_the_top_everywhere_are_95_percent_ready_with_no_blind_spot(tmp_path, role):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(_respondent_answers(None, "best")))
    printed = _run("--role", role, "--answers", str(path))
    assert printed["readiness"] >= 95
    assert printed["blind_spots"] == []
