"""Free text people type — notes, evidence links, comments — is shown as text everywhere, never as markup."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from roadmaps.comments import comment_create
from tests.roadmaps.test_comments import XSS
from tests.world import build_world

pytestmark = pytest.mark.usefixtures("framework_db")

LIVE = (
    "<script>alert",
    "<img src=x onerror",
    "<svg onload",
    'hx-get="/accounts/logout/"',
    'href="javascript:',
    "<iframe",
    'hx-post="/x"',
)


@pytest.mark.parametrize("payload", XSS)
def test_notes_are_inert_for_the_owner_and_for_a_manager_who_may_read_them(payload):
    world = build_world()
    item = world.link.item
    item.notes = payload
    item.save()
    world.manager_share.include_private = True
    world.manager_share.save()
    pages = []
    owner = Client()
    owner.force_login(world.owner)
    pages.append(owner.get(reverse("roadmaps:detail", args=[world.roadmap.pk])).content.decode())
    pages.append(
        owner.post(
            reverse("roadmaps:item_update", args=[world.roadmap.pk, item.pk]),
            {"notes": payload},
            headers={"HX-Request": "true"},
        ).content.decode()
    )
    manager = Client()
    manager.force_login(world.people["manager"])
    pages.append(manager.get(reverse("team:person_roadmap", args=[world.owner.pk])).content.decode())
    for html in pages:
        for live in LIVE:
            assert live not in html


def test_evidence_links_only_accept_web_addresses(client):
    world = build_world()
    client.force_login(world.owner)
    item = world.link.item
    before = item.links.count()
    for bad in ("javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x"):
        response = client.post(
            reverse("roadmaps:link_add", args=[world.roadmap.pk, item.pk]), {"url": bad}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 422
    assert item.links.count() == before


@pytest.mark.parametrize("payload", XSS[:3])
def test_emails_keep_text_as_text(payload, mailoutbox):
    world = build_world()
    world.people["mentor"].name = payload
    world.people["mentor"].save()
    comment_create(roadmap=world.roadmap, author=world.people["mentor"], body="hello")
    call_command("send_digests", verbosity=0)
    assert mailoutbox
    for message in mailoutbox:
        assert not getattr(message, "alternatives", None), "emails are plain text"
