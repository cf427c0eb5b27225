from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

_axe = Axe()


def assert_no_axe_violations(page) -> None:
    """Run axe-core (bundled, offline) on the page and fail with a readable list of violations."""
    results = _axe.run(page)
    violations = results.response["violations"]
    described = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in violations
    ]
    assert not violations, f"axe found {len(violations)} violation(s) on {page.url}:\n" + "\n".join(described)
