"""``preview_plan``: score answers against a role and plan the roadmap, as JSON for other programs.

One profile from a file (``--levels`` for quick-mode ratings, ``--answers`` for the full
questionnaire), or many from a JSON Lines file (``--batch``) in one process. Scoring and planning
are the same pure functions the web app calls, so the numbers are the ones a person would see.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.content import MAX_LEVEL, Framework, get_framework
from assessments.scoring import Answers, ScoringError, result_json, score
from roadmaps import planning

HOURS_PER_WEEK = (1, 40)
MONTHS = (3, 12)
DEFAULT_HOURS_PER_WEEK = 5
DEFAULT_MONTHS = 6
BATCH_KEYS = {"role", "levels", "answers", "hours_per_week", "months"}


class PreviewError(ValueError):
    """Input that cannot be previewed; the message is one line and says what to fix."""


class Command(BaseCommand):
    help = (
        "Score answers against a role and print the result and the roadmap as one JSON object. "
        "--levels FILE maps competency slug to level 0-4 (a competency left out counts as 0); "
        "--answers FILE maps questionnaire item slug to the chosen option's index; "
        "--batch FILE holds JSON Lines, one {role, levels or answers, hours_per_week, months} a line."
    )
    # Pure: no database, and no system-check chatter on stderr for the programs that read it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        # Everything is checked in handle() rather than by argparse, whose errors
        # print a usage block; a bad input here gives exactly one line.
        parser.add_argument("--role", help="the target role slug")
        parser.add_argument("--levels", metavar="FILE", help="JSON object: competency slug -> level 0-4")
        parser.add_argument("--answers", metavar="FILE", help="JSON object: item slug -> chosen option (0-based)")
        parser.add_argument("--batch", metavar="FILE", help="JSON Lines: one profile a line, one result a line out")
        parser.add_argument(
            "--hours-per-week", default=DEFAULT_HOURS_PER_WEEK, help="hours a week for the roadmap, 1-40 (default 5)"
        )
        parser.add_argument("--months", default=DEFAULT_MONTHS, help="roadmap horizon in months, 3-12 (default 6)")

    def handle(self, *args: Any, **options: Any) -> None:
        framework = get_framework()
        if options["batch"]:
            if options["role"] or options["levels"] or options["answers"]:
                raise CommandError("--batch takes everything from its file: leave out --role, --levels and --answers")
            self._batch(framework, Path(options["batch"]))
            return
        role = options["role"]
        if not role:
            raise CommandError(f"--role is required (one of: {', '.join(sorted(framework.role_by_slug))})")
        if options["levels"] and options["answers"]:
            raise CommandError("give --levels or --answers, not both")
        if not options["levels"] and not options["answers"]:
            raise CommandError(
                "--levels is required: a JSON file mapping competency slug to level 0-4 "
                "(or --answers: a JSON file mapping item slug to the chosen option)"
            )
        try:
            kind, path = ("levels", options["levels"]) if options["levels"] else ("answers", options["answers"])
            payload = preview(
                framework,
                role=role,
                **{kind: _read_json(Path(path))},
                hours_per_week=_whole_number("--hours-per-week", options["hours_per_week"], *HOURS_PER_WEEK),
                months=_whole_number("--months", options["months"], *MONTHS),
                where=str(path),
            )
        except PreviewError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(payload, indent=2))

    def _batch(self, framework: Framework, path: Path) -> None:
        text = _read_text(path)
        failed = total = 0
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue  # a blank line, often the last one, is not a profile
            total += 1
            try:
                out = preview_line(framework, line, where=f"line {number}")
            except PreviewError as exc:
                failed += 1
                out = {"error": str(exc)}
            self.stdout.write(json.dumps(out, separators=(",", ":")))
        if failed:
            raise CommandError(f"{path}: {failed} of {total} lines could not be previewed (see their error lines)")


def preview_line(framework: Framework, line: str, *, where: str) -> dict[str, Any]:
    """One line of a batch: a JSON object {role, levels or answers, hours_per_week?, months?}."""
    try:
        data = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise PreviewError(f"{where}: not valid JSON ({' '.join(str(exc).split())})") from exc
    if not isinstance(data, dict):
        raise PreviewError(f"{where}: expected a JSON object with role and levels or answers")
    unknown = sorted(set(data) - BATCH_KEYS)
    if unknown:
        raise PreviewError(f"{where}: unknown key {unknown[0]!r} (expected: {', '.join(sorted(BATCH_KEYS))})")
    if not isinstance(data.get("role"), str) or not data["role"]:
        raise PreviewError(f"{where}: role is required (one of: {', '.join(sorted(framework.role_by_slug))})")
    if ("levels" in data) == ("answers" in data):
        raise PreviewError(f"{where}: give levels or answers (exactly one of them)")
    kind = "levels" if "levels" in data else "answers"
    try:
        return preview(
            framework,
            role=data["role"],
            **{kind: data[kind]},
            hours_per_week=_whole_number(
                "hours_per_week", data.get("hours_per_week", DEFAULT_HOURS_PER_WEEK), *HOURS_PER_WEEK
            ),
            months=_whole_number("months", data.get("months", DEFAULT_MONTHS), *MONTHS),
            where=where,
        )
    except PreviewError as exc:
        message = str(exc)
        raise PreviewError(message if message.startswith(where) else f"{where}: {message}") from exc


def preview(
    framework: Framework,
    *,
    role: str,
    levels: object = None,
    answers: object = None,
    hours_per_week: int,
    months: int,
    where: str,
) -> dict[str, Any]:
    """The scored result and its roadmap, as the web app would make them from these answers."""
    if levels is not None:
        scored = Answers(ratings=_choices(levels, where, what="level", of="competency slug to level 0-4"))
    else:
        scored = Answers(items=_choices(answers, where, what="option", of="item slug to the chosen option"))
    try:
        result = score(framework, scored, role)
    except ScoringError as exc:
        raise PreviewError(str(exc)) from exc
    payload = result_json(result)
    plan = planning.plan(
        framework, role=result.role, levels=result.levels, hours_per_week=hours_per_week, months=months
    )
    payload.update(planning.plan_json(plan))
    return payload


def _choices(data: object, where: str, *, what: str, of: str) -> dict[str, int]:
    if not isinstance(data, dict):
        raise PreviewError(f"{where}: expected a JSON object mapping {of}")
    for slug, value in sorted(data.items()):
        # bool is an int in Python, and 2.0 or "2" would hide a typo in a hand-written file.
        if not isinstance(value, int) or isinstance(value, bool):
            expected = f"a whole number 0-{MAX_LEVEL}" if what == "level" else "a whole number (0-based)"
            raise PreviewError(f"{where}: the {what} for {slug!r} must be {expected}, got {value!r}")
    return data


def _whole_number(flag: str, value: object, low: int, high: int) -> int:
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        try:
            number = int(value.strip())
        except ValueError:
            number = None
    if number is None or not low <= number <= high:
        raise PreviewError(f"{flag} must be a whole number from {low} to {high}, got {value!r}")
    return number


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"{path}: cannot be read ({exc.strerror or exc.__class__.__name__})") from exc
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path}: is not UTF-8 text") from exc


def _read_json(path: Path) -> object:
    text = _read_text(path)
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise PreviewError(f"{path}: not valid JSON ({' '.join(str(exc).split())})") from exc
