"""The whole surface: CSRF on every POST, GET changes nothing, security headers everywhere."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client

from tests.world import app_urls, build_world

pytestmark = pytest.mark.usefixtures("framework_db")

# Written by a GET on purpose or by the framework itself: sessions and sign-in records.
NOT_DATA = {"Session", "AccessAttempt", "AccessLog", "AccessFailureLog", "AccessAttemptExpiration"}


@pytest.fixture
def world():
    return build_world()


def _fingerprint() -> dict[str, list]:
    return {
        model.__name__: sorted(map(repr, model.objects.values_list()))
        for model in apps.get_models()
        if model.__name__ not in NOT_DATA
    }


# Not browser forms, so protected otherwise: the SAML identity provider posts across sites and its answer
# is trusted only when signed and matching a sign-in this browser started (tests/sso); SCIM needs a bearer token.
CSRF_EXEMPT = {"saml_acs", "saml_sls", "scim:config", "scim:users", "scim:user"}


def test_every_post_is_refused_without_a_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    for name, path in app_urls(world):
        if name in CSRF_EXEMPT:
            continue
        response = client.post(path, {"body": "x", "status": "done"})
        assert response.status_code == 403, f"{name} {path} answered {response.status_code} to a POST without CSRF"


def test_get_never_changes_anything(world):
    viewers = [world.owner, world.people["manager"], world.people["mentor"]]
    for viewer in viewers:
        client = Client()
        client.force_login(viewer)
        for name, path in app_urls(world):
            before = _fingerprint()
            response = client.get(path)
            assert response.status_code < 500, f"{name} answered {response.status_code}"
            assert _fingerprint() == before, f"GET {name} ({path}) changed data"
            if response.get("Content-Type", "").startswith("text/html"):
                # A template comment written over several lines with {# #} is printed as text.
                assert b"{#" not in response.content, f"{name}: template syntax shown"
                assert b"{%" not in response.content, f"{name}: template syntax shown"


def test_every_page_sends_the_security_headers(world, client):
    client.force_login(world.owner)
    for name, path in [*app_urls(world), ("anonymous landing", "/")]:
        response = client.get(path)
        csp = response.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp, name
        assert "'unsafe-inline'" not in csp, name
        assert "'unsafe-eval'" not in csp, name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["X-Frame-Options"] == "DENY", name


def test_private_pages_are_never_stored_and_vary_on_htmx(world, client):
    client.force_login(world.owner)
    for name, path in app_urls(world):
        response = client.get(path)
        if response.status_code != 200:
            continue
        assert "no-store" in response.get("Cache-Control", ""), name
        if response["Content-Type"].startswith("text/html"):
            assert "HX-Request" in response.get("Vary", ""), name


def test_production_sends_hsts(client):
    response = client.get("/", secure=True)
    assert "max-age=31536000" in response["Strict-Transport-Security"]
    assert "includeSubDomains" in response["Strict-Transport-Security"]
