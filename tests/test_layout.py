"""Imports run one way, down the layers of the house style (README, "Layout"); nothing imports upward.

Every import is counted, at the top of a module or inside a function, so a late import cannot hide a
dependency that runs the wrong way. ``bench`` may import anything, and nothing imports it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# From the ground up. A module may import its own layer's package and any layer below it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("transition.lib",),
    ("transition.accounts",),
    ("transition.identity",),  # organisations, SSO, two-factor, SCIM: accounts and lib only
    ("assessments",),
    ("roadmaps",),
    ("team", "privacy"),
    ("transition",),  # the roof: settings, root URLs, landing and home pages
)
PACKAGES = ("transition", "assessments", "roadmaps", "team", "privacy", "bench")


def package_of(module: str) -> str | None:
    """The most specific layered package ``module`` belongs to ("bench" for the benchmark), or None."""
    candidates = [p for layer in LAYERS for p in layer] + ["bench"]
    found = [p for p in candidates if module == p or module.startswith(p + ".")]
    return max(found, key=len) if found else None


def layer_of(package: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if package in layer)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in the file, relative ones resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.append((node.lineno, base))
            # "from transition import views" imports transition.views, one layer up from transition.lib.
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names if alias.name != "*"]
    return found


def wrong_way(path: Path) -> list[str]:
    importer = package_of(module_name(path))
    if importer is None or importer == "bench":
        return []
    problems = []
    for line, module in imports_of(path):
        imported = package_of(module)
        if imported is None or imported == importer:
            continue
        if module in PACKAGES and imported == "transition" and importer.startswith("transition."):
            continue  # "from transition.lib import x" names the package on the way down
        if imported == "bench":
            problems.append(f"{path.relative_to(ROOT)}:{line} imports {module}: nothing imports the benchmark")
        elif layer_of(imported) >= layer_of(importer):
            problems.append(f"{path.relative_to(ROOT)}:{line} imports {module}, which is not below {importer}")
    return problems


def python_files() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def test_every_import_runs_down_the_layers():
    problems = [problem for path in python_files() for problem in wrong_way(path)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("where", "source", "expected"),
    [
        ("transition/accounts/x.py", "from assessments.models import Assessment", "not below transition.accounts"),
        ("transition/lib/x.py", "def f():\n    from transition.accounts import models", "not below transition.lib"),
        ("assessments/x.py", "import roadmaps.planning", "not below assessments"),
        ("assessments/x.py", "from team import views", "not below assessments"),
        ("roadmaps/x.py", "from bench.seed import seed", "nothing imports the benchmark"),
        ("team/x.py", "from privacy.services import user_delete", "not below team"),
        ("transition/lib/x.py", "from transition import views", "not below transition.lib"),
    ],
)
def test_an_import_the_wrong_way_is_caught(tmp_path, monkeypatch, where, source, expected):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    path = tmp_path / where
    path.parent.mkdir(parents=True)
    path.write_text(source + "\n")
    assert expected in "\n".join(wrong_way(path))


@pytest.mark.parametrize(
    ("where", "source"),
    [
        ("roadmaps/x.py", "from assessments import scoring\nfrom transition.lib.http import is_partial"),
        ("team/x.py", "from roadmaps.selectors import roadmap_view\nfrom team.selectors import team_reports"),
        ("transition/views.py", "from team import views"),
        ("bench/x.py", "from team import views\nfrom privacy.services import user_delete"),
        ("transition/accounts/apps.py", "from transition.lib import mail"),
    ],
)
def test_an_import_down_the_layers_is_allowed(tmp_path, monkeypatch, where, source):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    path = tmp_path / where
    path.parent.mkdir(parents=True)
    path.write_text(source + "\n")
    assert wrong_way(path) == []
