"""Private fields never reach a page, fragment, export or email that a person without the right can see."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from roadmaps.comments import comment_create
from tests.world import COMMENT_MARKER, MARKER, app_urls, build_world

pytestmark = pytest.mark.usefixtures("framework_db")

# What each viewer must never see. The mentor may read comments; only the owner, or a share
# that includes private data, shows evidence and notes.
FORBIDDEN = {
    "manager": (MARKER, COMMENT_MARKER),
    "mentor": (MARKER,),
    "other_engineer": (MARKER, COMMENT_MARKER),
    "other_manager": (MARKER, COMMENT_MARKER),
    "other_mentor": (MARKER, COMMENT_MARKER),
    "revoked_manager": (MARKER, COMMENT_MARKER),
    "revoked_mentor": (MARKER, COMMENT_MARKER),
    "org_admin": (MARKER, COMMENT_MARKER),
    "anonymous": (MARKER, COMMENT_MARKER),
}


def _pages(client, world):
    for name, path in app_urls(world):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(path, headers=headers, follow=True)
            yield name, response.content.decode(errors="replace")


@pytest.mark.parametrize("viewer", sorted(FORBIDDEN))
def test_private_fields_never_reach_people_without_the_right(viewer):
    world = build_world()
    client = Client()
    if viewer != "anonymous":
        client.force_login(world.people[viewer])
    for name, body in _pages(client, world):
        for marker in FORBIDDEN[viewer]:
            assert marker not in body, f"{marker} leaked to {viewer} on {name}"


def test_the_owner_sees_all_of_it():
    world = build_world()
    client = Client()
    client.force_login(world.owner)
    seen = "".join(body for _, body in _pages(client, world))
    assert MARKER in seen
    assert COMMENT_MARKER in seen


def test_a_share_that_includes_private_data_shows_notes_and_evidence():
    world = build_world()
    world.manager_share.include_private = True
    world.manager_share.save()
    client = Client()
    client.force_login(world.people["manager"])
    seen = "".join(body for _, body in _pages(client, world))
    assert MARKER in seen
    assert COMMENT_MARKER not in seen  # comments stay between the engineer and mentors


def test_emails_carry_no_private_text_to_others(settings):
    world = build_world()
    mail.outbox.clear()
    mentor = world.people["mentor"]
    comment_create(roadmap=world.roadmap, author=mentor, body=f"advice {COMMENT_MARKER}")
    call_command("send_digests", verbosity=0)
    assert mail.outbox, "expected notification and digest emails"
    for message in mail.outbox:
        text = message.subject + message.body + "".join(str(a[0]) for a in getattr(message, "alternatives", []))
        if message.to != [world.owner.email]:
            assert MARKER not in text, f"private text in an email to {message.to}"
            assert COMMENT_MARKER not in text, f"comment text in an email to {message.to}"


def test_an_org_admin_importing_the_directory_sees_accounts_only():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    world = build_world()
    client = Client()
    client.force_login(world.people["org_admin"])
    owner, manager = world.owner, world.people["manager"]
    csv = (
        "user_name,email,name,manager\n"
        f"{owner.email},{owner.email},{owner.name},{manager.email}\n{manager.email},{manager.email},{manager.name},\n"
    )
    url = reverse("identity:organisation_import", args=[world.organisation.pk])
    upload = SimpleUploadedFile("people.csv", csv.encode(), "text/csv")
    preview = client.post(url, {"action": "preview", "file": upload})
    applied = client.post(url, {"action": "apply", "digest": preview.context["digest"]}, follow=True)
    assert owner.email in applied.content.decode()  # the account is listed, and nothing else about them
    for body in (preview.content.decode(), applied.content.decode()):
        assert MARKER not in body
        assert COMMENT_MARKER not in body
        assert world.roadmap.items.first().title not in body
