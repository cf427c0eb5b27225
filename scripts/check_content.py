"""Check framework files one by one while writing them (the tests check the whole).

    python scripts/check_content.py [FILE ...]

Validates each competency file, roles.yaml and actions.yaml on its own, and
checks every quote against the articles in ../shared/sources/.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml
from pydantic import ValidationError

from assessments.content import FRAMEWORK_DIR, Action, Competency, Role, normalise

SOURCES = Path(__file__).resolve().parent.parent.parent / "shared" / "sources"
FILES = {
    "ai-lead": "000_3bd948fb898e3ab4.txt",
    "ai-product-lead": "001_79107a9c26e664df.txt",
    "ai-engineering-lead": "002_2b2145e5e950cfcc.txt",
    "ai-architect": "003_b329c6105794afa1.txt",
    "ai-product-manager": "004_3ee20ef1a47ba43f.txt",
}


def main(paths: list[str]) -> int:
    articles = {slug: normalise((SOURCES / name).read_text(encoding="utf-8")) for slug, name in FILES.items()}
    if not paths:
        paths = [str(p) for p in sorted((FRAMEWORK_DIR / "competencies").glob("*.yaml"))]
        paths += [str(FRAMEWORK_DIR / n) for n in ("roles.yaml", "actions.yaml") if (FRAMEWORK_DIR / n).exists()]
    bad = 0
    for path in paths:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        if Path(path).name == "roles.yaml":
            entries, schema = data, Role
        elif Path(path).name == "actions.yaml":
            entries, schema = data, Action
        else:
            entries, schema = [data], Competency
        for entry in entries:
            try:
                model = schema.model_validate(entry)
            except ValidationError as exc:
                bad += 1
                print(f"{path} {entry.get('slug')}: {exc}")
                continue
            dumped = model.model_dump()
            for cit in _citations(dumped):
                if normalise(cit["quote"]) not in articles[cit["source"]]:
                    bad += 1
                    print(f"{path} {entry.get('slug')}: quote not found in {cit['source']}: {cit['quote']!r}")
    print("ok" if not bad else f"{bad} problem(s)")
    return 1 if bad else 0


def _citations(node: object):
    if isinstance(node, dict):
        if set(node) == {"source", "quote"}:
            yield node
        for value in node.values():
            yield from _citations(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _citations(value)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
