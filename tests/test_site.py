from __future__ import annotations

import html

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from transition.accounts.outbox import email_queue

pytestmark = pytest.mark.django_db


def test_landing_says_what_the_app_does(client):
    response = client.get(reverse("landing"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "AI leadership" in body
    assert reverse("signup") in body


def test_landing_sends_signed_in_people_home(client):
    client.force_login(UserFactory())
    assert client.get(reverse("landing")).url == reverse("home")


def test_healthz_is_public_and_minimal(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_private_pages_need_a_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_every_page_sends_a_strict_csp(client):
    response = client.get(reverse("landing"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_base_layout_serves_htmx_from_the_app_with_a_strict_config(client):
    body = html.unescape(client.get(reverse("landing")).content.decode())
    assert "/static/django_htmx/htmx-2.min.js" in body
    assert '"allowEval":false' in body
    assert '"includeIndicatorStyles":false' in body
    assert '"historyRestoreAsHxRequest":false' in body
    assert 'href="#main"' in body  # skip link
    assert '<main id="main"' in body


def test_csrf_token_travels_in_hx_headers(client):
    client.force_login(UserFactory())
    body = client.get(reverse("home")).content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in body


def test_private_pages_are_not_cached(client):
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert "no-store" in response["Cache-Control"]
    assert "HX-Request" in response["Vary"]


def test_unknown_url_is_a_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/%", "/accounts/login/?next=%00", "/accounts/password/reset/x/y/", "/admin/%ff/"])
def test_odd_urls_never_answer_500(client, path):
    assert client.get(path).status_code < 500


@pytest.mark.durable_queue
def test_readyz_reports_the_database_and_the_queue_backlog_and_nothing_private(client, settings):
    email_queue(key="test:ready", to="private@example.com", subject="Private subject", body="Private")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"ready": True, "database": "ok", "queue_backlog": 1, "queue": "ok"}
    settings.QUEUE_BACKLOG_ALERT = 0
    response = client.get("/readyz")
    assert response.status_code == 200  # the backlog is every server's: it is for alerting, not for rotation
    assert response.json()["queue"] == "behind"


def _sessions_in_redis(settings, port: int) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "sessions": {
            "BACKEND": "transition.lib.redis_cache.ReusingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.SESSION_CACHE_ALIAS = "sessions"


def test_a_sessions_redis_that_is_down_gets_the_unavailable_page_and_fails_readiness(settings):
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client

    from tests.faults.servers import closed_port

    user = UserFactory()
    session = SessionStore()  # a signed-in session in the database, as sign-in wrote it before the outage
    session.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "transition.accounts.backends.UserBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
    )
    session.save()
    _sessions_in_redis(settings, closed_port())
    client = Client(raise_request_exception=False)
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    page = client.get("/home/")
    assert page.status_code == 503  # the service is unavailable, not broken: no 500, no traceback
    assert page["Retry-After"] == "30"
    assert "Traceback" not in page.content.decode()
    ready = Client().get("/readyz")  # a load balancer's call: no session cookie
    assert ready.status_code == 503
    assert ready.json()["sessions"] == "unreachable"
    assert ready.json()["database"] == "ok"
