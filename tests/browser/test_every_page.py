"""Every main page, as the engineer, their manager, their mentor and a visitor, at a desktop and a phone
width: nothing wider than a 390 px phone screen, and no axe violation (contrast included).

With SHOTS=/some/folder set, each page state is also written there as a PNG, to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.browser.axe import assert_no_axe_violations
from tests.factories import AssessmentFactory
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("SHOTS")


def _pages(world) -> dict[str, list[tuple[str, str]]]:
    owner, roadmap = world.owner, world.roadmap
    quick = AssessmentFactory(owner=owner, quick=True)
    item = roadmap.items.order_by("month", "position").first()
    person = world.owner.pk
    return {
        "anonymous": [
            ("landing", reverse("landing")),
            ("signup", reverse("signup")),
            ("login", reverse("login")),
            ("sources", reverse("assessments:sources")),
            ("framework", reverse("assessments:framework")),
        ],
        "owner": [
            ("home", reverse("home")),
            ("history", reverse("assessments:history")),
            ("start", reverse("assessments:start")),
            ("section", reverse("assessments:section", args=[world.in_progress.pk, "mentoring"])),
            ("review", reverse("assessments:review", args=[world.in_progress.pk])),
            ("quick", reverse("assessments:quick", args=[quick.pk])),
            ("results", reverse("assessments:results", args=[world.assessment.pk])),
            ("scenarios", reverse("assessments:scenarios", args=[world.assessment.pk])),
            ("roadmap", reverse("roadmaps:detail", args=[roadmap.pk])),
            ("item", reverse("roadmaps:item_edit", args=[roadmap.pk, item.pk])),
            ("item_comments", reverse("roadmaps:item_comments", args=[roadmap.pk, item.pk])),
            ("replan", reverse("roadmaps:replan", args=[roadmap.pk])),
            ("print", reverse("roadmaps:print", args=[roadmap.pk])),
            ("sharing", reverse("sharing:list")),
            ("notifications", reverse("sharing:notifications")),
            ("account", reverse("account:settings")),
            ("passkeys", reverse("identity:passkeys")),
        ],
        "manager": [
            ("team", reverse("team:dashboard")),
            ("person_results", reverse("team:person_results", args=[person])),
            ("person_roadmap", reverse("team:person_roadmap", args=[person])),
        ],
        "mentor": [
            ("team", reverse("team:dashboard")),
            ("person_roadmap", reverse("team:person_roadmap", args=[person])),
        ],
        "org_admin": [
            ("organisations", reverse("identity:organisations")),
            ("organisation", reverse("identity:organisation", args=[world.organisation.pk])),
            ("organisation_import", reverse("identity:organisation_import", args=[world.organisation.pk])),
        ],
    }


def _sign_in(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


@pytest.mark.parametrize("who", ["anonymous", "owner", "manager", "mentor", "org_admin"])
def test_every_page_fits_a_phone_and_passes_axe_at_both_widths(live_server, browser, framework_db, who):
    world = build_world()
    user = {"owner": world.owner, **world.people}.get(who)
    context = browser.new_context()
    if user is not None:
        _sign_in(context, live_server, user)
    page = context.new_page()
    too_wide = []
    for name, path in _pages(world)[who]:
        for label, size in (("d", DESKTOP), ("m", PHONE)):
            page.set_viewport_size(size)
            response = page.goto(live_server.url + path)
            assert response is not None
            assert response.status == 200, f"{who} {name}: {response.status}"
            if SHOTS:
                Path(SHOTS).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{SHOTS}/{label}_{who}_{name}.png", full_page=label == "m")
            if size is PHONE:
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    too_wide.append(f"{name} ({width} px)")
            assert_no_axe_violations(page)
    assert not too_wide, f"wider than a 390 px phone, as {who}: {', '.join(too_wide)}"
