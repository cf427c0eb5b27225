from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.content import MAX_LEVEL, Framework, get_framework
from assessments.scoring import Answers, Result, ScoringError, result_json, score
from roadmaps import planning

HOURS_PER_WEEK = (1, 40)
MONTHS = (3, 12)


class Command(BaseCommand):
    help = (
        "Score quick-mode levels against a role and print the result as one JSON object. "
        "FILE maps competency slug to level 0-4; a competency left out counts as 0."
    )
    # Pure: no database, and no system-check chatter on stderr for the programs that read it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        # Everything is checked in handle() rather than by argparse, whose errors
        # print a usage block; a bad input here gives exactly one line.
        parser.add_argument("--role", help="the target role slug")
        parser.add_argument("--levels", metavar="FILE", help="JSON object: competency slug -> level 0-4")
        parser.add_argument("--hours-per-week", default=5, help="hours a week for the roadmap, 1-40 (default 5)")
        parser.add_argument("--months", default=6, help="roadmap horizon in months, 3-12 (default 6)")

    def handle(self, *args: Any, **options: Any) -> None:
        framework = get_framework()
        role = options["role"]
        if not role:
            raise CommandError(f"--role is required (one of: {', '.join(sorted(framework.role_by_slug))})")
        if not options["levels"]:
            raise CommandError("--levels is required: a JSON file mapping competency slug to level 0-4")
        hours_per_week = _whole_number("--hours-per-week", options["hours_per_week"], *HOURS_PER_WEEK)
        months = _whole_number("--months", options["months"], *MONTHS)
        levels = _read_levels(Path(options["levels"]))
        try:
            result = score(framework, Answers(ratings=levels), role)
        except ScoringError as exc:
            raise CommandError(str(exc)) from exc
        payload = result_json(result)
        payload.update(_roadmap_json(framework, result, hours_per_week=hours_per_week, months=months))
        self.stdout.write(json.dumps(payload, indent=2))


def _roadmap_json(framework: Framework, result: Result, *, hours_per_week: int, months: int) -> dict[str, Any]:
    """The roadmap keys of the output (``months``, ``unscheduled``), from the planner the pages use."""
    plan = planning.plan(
        framework,
        gaps=result.gaps,
        readiness=result.readiness,
        hours_per_week=hours_per_week,
        months=months,
    )
    return planning.plan_json(plan)


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
        raise CommandError(f"{flag} must be a whole number from {low} to {high}, got {value!r}")
    return number


def _read_levels(path: Path) -> dict[str, int]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"{path}: cannot be read ({exc.strerror or exc.__class__.__name__})") from exc
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path}: is not UTF-8 text") from exc
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise CommandError(f"{path}: not valid JSON ({' '.join(str(exc).split())})") from exc
    if not isinstance(data, dict):
        raise CommandError(f"{path}: expected a JSON object mapping competency slug to level 0-{MAX_LEVEL}")
    for slug, level in sorted(data.items()):
        # bool is an int in Python, and 2.0 or "2" would hide a typo in a hand-written file.
        if not isinstance(level, int) or isinstance(level, bool):
            raise CommandError(f"{path}: the level for {slug!r} must be a whole number 0-{MAX_LEVEL}, got {level!r}")
    return data
