"""roadmaps.cards: the item card drawn in Python. Every text in it is escaped as the template engine escapes
it, and it is drawn for each audience as the roadmap, the item's page and a follower see it."""

from __future__ import annotations

from django.test.html import Element
from django.urls import reverse

from roadmaps.models import EvidenceLink, RoadmapItem
from tests.roadmaps.conftest import find, parse, text

MARKUP = '<b>bold</b> & "quoted"'


def _first(roadmap) -> RoadmapItem:
    return roadmap.items.order_by("month", "position").first()


def test_every_text_on_a_card_is_escaped(engineer_client, roadmap):
    item = _first(roadmap)
    RoadmapItem.objects.filter(pk=item.pk).update(
        title=MARKUP, done_when=MARKUP, description=MARKUP, reason=MARKUP, notes=f"{MARKUP}\nsecond line"
    )
    EvidenceLink.objects.create(item=item, url='https://example.com/?q="<x>"')
    page = engineer_client.get(reverse("roadmaps:detail", args=[roadmap.pk])).content.decode()
    card = page.split(f'id="item-{item.pk}"')[1].split("</article>")[0]
    assert "<b>" not in card
    assert (
        card.count("&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;") >= 5
    )  # title (twice), done, description, reason
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;<br>second line" in card
    assert 'href="https://example.com/?q=&quot;&lt;x&gt;&quot;"' in card
    assert 'aria-label="Status of &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"' in card


def _all(root, tag: str) -> list:
    """Every element named ``tag`` under root, in document order."""
    found = []
    for child in root.children:
        if isinstance(child, Element):
            if child.name == tag:
                found.append(child)
            found.extend(_all(child, tag))
    return found


def _attr(element, name: str) -> str | None:
    return next((value for key, value in element.attributes if key == name), None)


def test_the_owners_card_has_its_status_buttons_and_a_closed_editor(engineer_client, roadmap):
    item = _first(roadmap)
    page = parse(engineer_client.get(reverse("roadmaps:detail", args=[roadmap.pk])).content)
    card = find(page, f"item-{item.pk}")
    buttons = {
        _attr(b, "value"): _attr(b, "aria-pressed") for b in _all(card, "button") if _attr(b, "name") == "status"
    }
    assert buttons == {s: ("true" if s == item.status else "false") for s in ("todo", "doing", "done", "skipped")}
    assert any(_attr(i, "name") == "csrfmiddlewaretoken" for i in _all(card, "input"))
    details = {_attr(d, "class"): d for d in _all(card, "details")}
    assert _attr(details["item-more"], "hx-get").endswith(f"/{item.pk}/edit/")
    assert _attr(details["item-more"], "open") is None
    assert "Comments ( 0 ) Comment on this action" in text(card)


def test_the_items_own_page_draws_the_editor_and_the_threads_open(engineer_client, roadmap):
    item = _first(roadmap)
    page = parse(engineer_client.get(reverse("roadmaps:item_edit", args=[roadmap.pk, item.pk])).content)
    card = find(page, f"item-{item.pk}")
    opened = {_attr(d, "class"): d for d in _all(card, "details")}
    assert any(key == "open" for key, _ in opened["item-more"].attributes)
    assert any(key == "open" for key, _ in opened["item-comments"].attributes)
    assert find(card, f"notes-{item.pk}") is not None  # the editor's notes field, from its template
    assert any((_attr(f, "action") or "").endswith("links/") for f in _all(card, "form"))
