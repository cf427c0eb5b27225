from __future__ import annotations

import re

import pytest
from django.test.html import Element, parse_html

from tests.roadmaps.factories import roadmap_for

HTMX = {"HX-Request": "true"}


@pytest.fixture
def roadmap(engineer):
    """The engineer's roadmap at the defaults (5 h a week, 6 months), from all-zero results."""
    return roadmap_for(engineer)


# --- Reading pages the way htmx changes them --------------------------------------------------

# CSRF tokens are masked afresh on every render, so two renders of one page differ only there.
_TOKENS = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*|("X-CSRFToken": ")[^"]*')


def parse(html: str | bytes) -> Element:
    if isinstance(html, bytes):
        html = html.decode()
    return parse_html(_TOKENS.sub(lambda m: m.group(1) or m.group(2), html))


def _attribute(element: Element, name: str) -> str | None:
    return next((value for key, value in element.attributes if key == name), None)


def find(root: Element, id_: str) -> Element | None:
    """The element with this id, anywhere under root."""
    for child in root.children:
        if isinstance(child, Element):
            if _attribute(child, "id") == id_:
                return child
            found = find(child, id_)
            if found is not None:
                return found
    return None


def text(element: Element | None) -> str:
    if element is None:
        return ""
    parts = [child if isinstance(child, str) else text(child) for child in element.children]
    return " ".join(" ".join(parts).split())


def _replace(root: Element, id_: str, new: Element) -> bool:
    for n, child in enumerate(root.children):
        if isinstance(child, Element):
            if _attribute(child, "id") == id_:
                root.children[n] = new
                return True
            if _replace(child, id_, new):
                return True
    return False


def apply_swap(page: Element, fragment: Element, target: str) -> None:
    """Do to the parsed page what htmx does with this answer: swap the main element into
    ``target`` (outerHTML) and every ``hx-swap-oob`` element into the element with its id."""
    elements = fragment.children if fragment.name is None else [fragment]
    for element in elements:
        if not isinstance(element, Element):
            continue
        id_ = _attribute(element, "id")
        if _attribute(element, "hx-swap-oob") is not None:
            element.attributes = [(k, v) for k, v in element.attributes if k != "hx-swap-oob"]
            assert _replace(page, id_, element), f"no #{id_} on the page for an out-of-band swap"
        else:
            assert _replace(page, target, element), f"no #{target} on the page to swap into"


def difference(a: Element | str, b: Element | str, path: str = "") -> str:
    """Where two parsed pages first differ, for an assertion message; empty when they are equal."""
    if isinstance(a, str) or isinstance(b, str):
        return "" if a == b else f"{path}: {str(a)[:200]!r} != {str(b)[:200]!r}"
    here = f"{path}/{a.name}" + (f"#{_attribute(a, 'id')}" if _attribute(a, "id") else "")
    if a.name != b.name or a.attributes != b.attributes:
        return f"{here}: {a.attributes} != {b.attributes}"
    if len(a.children) != len(b.children):
        return f"{here}: {len(a.children)} children != {len(b.children)}: {str(a)[:300]} != {str(b)[:300]}"
    for x, y in zip(a.children, b.children, strict=True):
        found = difference(x, y, here)
        if found:
            return found
    return ""
