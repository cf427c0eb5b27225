"""Every address a roadmap page links or posts to leads to the view it means.

The item cards and comment threads build some addresses from another one (roadmaps/urls.py says
which), so a change to the URL patterns must fail here rather than on a click.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import resolve, reverse

from roadmaps.models import Comment, EvidenceLink
from tests.factories import ShareFactory, UserFactory
from tests.roadmaps.factories import roadmap_for

pytestmark = pytest.mark.usefixtures("framework_db")

ADDRESS = re.compile(r'(?:href|action|hx-get|hx-post)="(/[^"#?]*)')


@pytest.fixture
def world():
    roadmap = roadmap_for(levels={"mentoring": 1})
    item = roadmap.items.first()
    item.notes = "Shadowed the eval review."  # an open editor, with its forms drawn
    item.save()
    link = EvidenceLink.objects.create(item=item, url="https://example.com/eval-notes")
    mentor = UserFactory()
    ShareFactory(engineer=roadmap.owner, person=mentor)
    on_item = Comment.objects.create(roadmap=roadmap, item=item, author=roadmap.owner, body="Is this enough?")
    on_roadmap = Comment.objects.create(roadmap=roadmap, author=roadmap.owner, body="Plan for the quarter.")
    Comment.objects.create(roadmap=roadmap, author=mentor, parent=on_roadmap, body="Looks right.")
    return roadmap, item, link, mentor, (on_item, on_roadmap)


def _addresses(html: str) -> set[str]:
    return {address for address in ADDRESS.findall(html) if not address.startswith(settings.STATIC_URL)}


def _names(html: str) -> set[str]:
    return {resolve(address).view_name for address in _addresses(html)}


def test_every_address_on_the_engineers_roadmap_resolves_to_the_view_it_means(client, world):
    roadmap, item, _, _, comments = world
    client.force_login(roadmap.owner)
    html = client.get(reverse("roadmaps:detail", args=[roadmap.pk])).content.decode()
    # An item's threads are fetched when opened: their addresses are checked with the fragment.
    fetched = client.get(
        reverse("roadmaps:item_comments", args=[roadmap.pk, item.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    built = {
        reverse("roadmaps:item_update", args=[roadmap.pk, item.pk]),
        *(reverse("roadmaps:comment_edit", args=[roadmap.pk, c.pk]) for c in comments),
        *(reverse("roadmaps:comment_delete", args=[roadmap.pk, c.pk]) for c in comments),
        *(
            reverse(name, args=[roadmap.pk, each.pk])
            for each in roadmap.items.all()
            for name in ("roadmaps:item_edit", "roadmaps:item_comments")
        ),
    }
    assert built <= _addresses(html) | _addresses(fetched)
    assert _names(fetched) >= {"roadmaps:comment_create", "roadmaps:comment_edit", "roadmaps:comment_delete"}
    assert _names(html) >= {
        "roadmaps:item_update",
        "roadmaps:item_edit",
        "roadmaps:item_comments",
        "roadmaps:comment_create",
        "roadmaps:comment_edit",
        "roadmaps:comment_delete",
    }


def test_every_address_in_an_open_editor_resolves_to_the_view_it_means(client, world):
    roadmap, item, link, *_ = world
    client.force_login(roadmap.owner)
    update = reverse("roadmaps:item_update", args=[roadmap.pk, item.pk])
    fetched = client.get(reverse("roadmaps:item_edit", args=[roadmap.pk, item.pk]), headers={"HX-Request": "true"})
    saved = client.post(update, {"notes": "Shadowed two reviews."}, headers={"HX-Request": "true"})
    for html in (fetched.content.decode(), saved.content.decode()):
        assert {
            update,
            reverse("roadmaps:link_add", args=[roadmap.pk, item.pk]),
            reverse("roadmaps:link_delete", args=[roadmap.pk, link.pk]),
        } <= _addresses(html)
        assert _names(html) >= {"roadmaps:item_update", "roadmaps:link_add", "roadmaps:link_delete"}


def test_every_address_on_the_item_pages_resolves(client, world):
    roadmap, item, *_ = world
    other = roadmap.items.exclude(pk=item.pk).first()
    client.force_login(roadmap.owner)
    pages = [
        client.get(reverse("roadmaps:item_edit", args=[roadmap.pk, other.pk])).content.decode(),
        client.get(reverse("roadmaps:item_comments", args=[roadmap.pk, other.pk])).content.decode(),
        client.get(
            reverse("roadmaps:item_edit", args=[roadmap.pk, other.pk]), headers={"HX-Request": "true"}
        ).content.decode(),
    ]
    for html in pages:
        assert _names(html)  # resolve() raises on an address that leads nowhere
    assert reverse("roadmaps:link_add", args=[roadmap.pk, other.pk]) in pages[2]


def test_a_mentor_gets_edit_and_delete_addresses_for_their_own_comments_only(client, world):
    roadmap, _, _, mentor, (_, on_roadmap) = world
    reply = Comment.objects.get(author=mentor)
    client.force_login(mentor)
    html = client.get(reverse("team:person_roadmap", args=[roadmap.owner.pk])).content.decode()
    addresses = _addresses(html)
    assert reverse("roadmaps:comment_edit", args=[roadmap.pk, reply.pk]) in addresses
    assert reverse("roadmaps:comment_delete", args=[roadmap.pk, reply.pk]) in addresses
    assert reverse("roadmaps:comment_edit", args=[roadmap.pk, on_roadmap.pk]) not in addresses
    assert {resolve(a).view_name for a in addresses} >= {"roadmaps:comment_create", "roadmaps:comment_edit"}
