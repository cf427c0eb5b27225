"""Real identity providers for the SSO tests, each started as its own process.

OpenID Connect: panva/oidc-provider (a certified OP) under node, installed by `npm ci` in tests/sso
(make sso-deps, .ci/run). The relying party talks to it over loopback exactly as to Okta: discovery,
redirect, code exchange with PKCE, ID token and userinfo.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess  # nosec B404: starting the test identity providers
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

HERE = Path(__file__).resolve().parent
CLIENT_ID = "transition-test"
CLIENT_SECRET = "test-only-client-secret-0123456789"
PROVIDER_ID = "testidp"
DOMAIN = "example.com"
ACCOUNTS = {
    "ann": {"email": "ann@example.com", "email_verified": True, "name": "Ann Example"},
    "bob": {"email": "bob@example.com", "email_verified": False, "name": "Bob Unverified"},
    "eve": {"email": "eve@elsewhere.test", "email_verified": True, "name": "Eve Elsewhere"},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_line(process: subprocess.Popen, marker: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if marker in line:
            return
        if process.poll() is not None:
            raise RuntimeError(f"identity provider exited: {process.stdout.read()}")
    raise RuntimeError("identity provider did not start in time")


def _start(args: list[str], env: dict[str, str], marker: str) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603  # nosec B603: fixed arguments
        args, cwd=HERE, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    _wait_for_line(process, marker)
    return process


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()


def _run_oidc(redirect_uris: list[str]) -> Iterator[str]:
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER"):
            raise pytest.UsageError("tests/sso/node_modules is missing: run `make sso-deps` (npm ci in tests/sso)")
        pytest.skip("oidc-provider is not installed: run `make sso-deps`")
    if not shutil.which("node"):
        pytest.skip("node is not installed")
    port = free_port()
    config = {
        "port": port,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": redirect_uris,
        "accounts": ACCOUNTS,
    }
    process = _start(["node", "oidc_provider.mjs"], {"OIDC_TEST_CONFIG": json.dumps(config)}, "listening")
    yield f"http://127.0.0.1:{port}"
    _stop(process)


@pytest.fixture(scope="session")
def oidc_issuer():
    """A running oidc-provider whose registered client calls back to Django's test client."""
    yield from _run_oidc([f"http://testserver/sso/oidc/{PROVIDER_ID}/login/callback/"])


@pytest.fixture(scope="session")
def live_oidc_issuer(live_server):
    """The same provider, calling back to the live server a browser uses."""
    yield from _run_oidc([f"{live_server.url}/sso/oidc/{PROVIDER_ID}/login/callback/"])


def oidc_settings(issuer: str, *, domains: list[str] | None = None) -> dict:
    from transition.identity.config import social_providers_from_env

    entry = {
        "id": PROVIDER_ID,
        "name": "Test IdP",
        "server_url": issuer,
        "client_id": CLIENT_ID,
        "secret": CLIENT_SECRET,
        "domains": domains or [DOMAIN],
    }
    return social_providers_from_env({"SSO_OIDC_PROVIDERS": json.dumps([entry])})


@pytest.fixture
def oidc(settings, oidc_issuer):
    settings.SOCIALACCOUNT_PROVIDERS = oidc_settings(oidc_issuer)
    return oidc_issuer


def sign_in_at_provider(start_url: str, login: str) -> str:
    """Play the person at the provider's own sign-in page; returns the URL it sends the browser back to."""
    browser = requests.Session()
    response = browser.get(start_url, allow_redirects=False, timeout=10)
    while response.status_code in (302, 303) and urlsplit(response.headers["Location"]).netloc in (
        "",
        urlsplit(start_url).netloc,
    ):
        response = browser.get(urljoin(response.url, response.headers["Location"]), allow_redirects=False, timeout=10)
    assert response.status_code == 200, response.text[:500]
    action = response.text.split('action="', 1)[1].split('"', 1)[0]
    response = browser.post(
        urljoin(response.url, action),
        data={"prompt": "login", "login": login, "password": "any"},
        allow_redirects=False,
        timeout=10,
    )
    while response.status_code in (302, 303):
        location = urljoin(response.url, response.headers["Location"])
        if not location.startswith(start_url.split("/auth", 1)[0]):
            return location
        response = browser.get(location, allow_redirects=False, timeout=10)
    raise AssertionError(f"the provider did not send the browser back: {response.status_code} {response.text[:300]}")


def oidc_sign_in(client, login: str):
    """The whole relying-party flow with Django's test client and a real provider; returns the final response."""
    start = client.post(f"/sso/oidc/{PROVIDER_ID}/login/")
    assert start.status_code == 302, start.content[:300]
    back = sign_in_at_provider(start["Location"], login)
    path = back.split("testserver", 1)[1]
    return client.get(path), path
