"""Every text a person types is refused with a message where it was entered when the database could not store
it: a NUL character (PostgreSQL refuses it: a 500 before) or too much of it. Runs on both databases."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.world import build_world
from transition.lib.http import INVALID

pytestmark = pytest.mark.usefixtures("framework_db")

NUL = "a\x00b"
HTMX = {"HX-Request": "true"}


def _cases(world):
    roadmap, item, comment = world.roadmap, world.link.item, world.comment
    manager = world.people["manager"]
    mentoring = "evidence-mentoring"
    return {
        "item notes (htmx)": (world.owner, reverse("roadmaps:item_update", args=[roadmap.pk, item.pk]), "notes", HTMX),
        "item notes (plain)": (world.owner, reverse("roadmaps:item_update", args=[roadmap.pk, item.pk]), "notes", {}),
        "comment create": (world.owner, reverse("roadmaps:comment_create", args=[roadmap.pk]), "body", HTMX),
        "comment edit": (
            world.owner,
            reverse("roadmaps:comment_edit", args=[roadmap.pk, comment.pk]),
            "body",
            HTMX,
        ),
        "evidence link": (world.owner, reverse("roadmaps:link_add", args=[roadmap.pk, item.pk]), "url", HTMX),
        "assessment evidence autosave": (
            world.owner,
            reverse("assessments:section", args=[world.in_progress.pk, "mentoring"]),
            mentoring,
            {**HTMX, "HX-Trigger-Name": mentoring},
        ),
        "manager rating comment": (manager, reverse("team:rate", args=[world.owner.pk]), "comment", HTMX),
    }


CASES = [
    "item notes (htmx)",
    "item notes (plain)",
    "comment create",
    "comment edit",
    "evidence link",
    "assessment evidence autosave",
    "manager rating comment",
]


def _post(world, case: str, value: str):
    user, url, field, headers = _cases(world)[case]
    client = Client()
    client.force_login(user)
    data = {field: value}
    if case == "evidence link":
        data[field] = "https://example.com/" + value
    if case == "manager rating comment":
        data.update(competency="mentoring", level="2")
    return client.post(url, data, headers=headers, follow=not headers)


@pytest.mark.parametrize("case", CASES)
def test_a_nul_character_is_refused_with_a_message_where_it_was_typed(case):
    world = build_world()
    response = _post(world, case, NUL)
    assert response.status_code in (200, INVALID)
    assert "null character" in response.content.decode()


@pytest.mark.parametrize("case", CASES)
def test_over_long_text_is_refused_with_a_message(case):
    world = build_world()
    response = _post(world, case, "x" * 100_000)
    assert response.status_code in (200, INVALID)
    body = response.content.decode()
    assert "Keep" in body or "full web address" in body


def test_sign_up_refuses_a_nul_and_an_over_long_name(client):
    data = {"email": "new@example.com", "password1": "a-long-passphrase", "password2": "a-long-passphrase"}
    assert "Null characters are not allowed" in client.post(reverse("signup"), {**data, "name": NUL}).content.decode()
    response = client.post(reverse("signup"), {**data, "name": "x" * 500})
    assert "Ensure this value has at most 120 characters" in response.content.decode()


def test_an_invitation_to_an_address_with_a_nul_is_refused(client):
    world = build_world()
    client.force_login(world.owner)
    response = client.post(reverse("sharing:list"), {"email": "a\x00b@example.com", "relation": "mentor"})
    assert response.status_code == INVALID


@pytest.mark.parametrize("length", [255, 256, 300, 100_000])
def test_an_over_long_sign_in_name_is_a_form_error_not_a_500(client, length):
    response = client.post(reverse("login"), {"username": "a" * length, "password": "x"})
    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()


def test_a_nul_in_the_sign_in_name_is_a_form_error(client):
    response = client.post(reverse("login"), {"username": NUL, "password": "x"})
    assert response.status_code == 200
