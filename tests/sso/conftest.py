"""Real identity providers for the SSO tests, each started as its own process.

OpenID Connect: panva/oidc-provider (a certified OP) under node, installed by `npm ci` in tests/sso
(make sso-deps, .ci/run). The relying party talks to it over loopback exactly as to Okta: discovery,
redirect, code exchange with PKCE, ID token and userinfo.

SAML 2.0: pysaml2's identity provider (tests/sso/saml_idp.py, signing with xmlsec1) behind a small HTTP
server. It takes the app's AuthnRequest by HTTP-Redirect and answers by HTTP-POST with a signed assertion,
under a key and certificate made for the test session.
"""

from __future__ import annotations

import datetime
import html
import json
import os
import re
import shutil
import socket
import subprocess  # nosec B404: starting the test identity providers
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

HERE = Path(__file__).resolve().parent
CLIENT_ID = "transition-test"
CLIENT_SECRET = "test-only-client-secret-0123456789"
PROVIDER_ID = "testidp"
DOMAIN = "example.com"
TEST_HOST = "localhost"  # the host the test client gives SAML requests
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


# ---- SAML -------------------------------------------------------------------------------------------------


def self_signed(directory: Path, name: str) -> tuple[Path, Path, str]:
    """A fresh RSA key and self-signed certificate for a test IdP: (key file, cert file, cert as base64 DER)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = directory / f"{name}.key", directory / f"{name}.crt"
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    return key_file, cert_file, "".join(pem.strip().splitlines()[1:-1])


def _run_saml(base_url: str, directory: Path) -> Iterator[dict[str, str]]:
    xmlsec = shutil.which("xmlsec1")
    if not xmlsec:
        if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER"):
            raise pytest.UsageError("xmlsec1 is missing: apt-get install xmlsec1 (.ci/run does)")
        pytest.skip("xmlsec1 is not installed")
    key_file, cert_file, x509cert = self_signed(directory, "saml-idp")
    port = free_port()
    config = {
        "port": port,
        "key_file": str(key_file),
        "cert_file": str(cert_file),
        "xmlsec_binary": xmlsec,
        "sps": [
            {
                "entity_id": f"{base_url}/sso/saml/{PROVIDER_ID}/metadata/",
                "acs_url": f"{base_url}/sso/saml/{PROVIDER_ID}/acs/",
            }
        ],
        "accounts": ACCOUNTS,
    }
    process = _start([sys.executable, "saml_idp.py"], {"SAML_TEST_CONFIG": json.dumps(config)}, "listening")
    idp = f"http://127.0.0.1:{port}"
    yield {"entity_id": f"{idp}/metadata", "sso_url": f"{idp}/sso", "x509cert": x509cert, "url": idp}
    _stop(process)


@pytest.fixture(scope="session")
def saml_idp(tmp_path_factory):
    """A running SAML identity provider that answers to Django's test client (at http://localhost)."""
    yield from _run_saml(f"http://{TEST_HOST}", tmp_path_factory.mktemp("saml-idp"))


@pytest.fixture(scope="session")
def live_saml_idp(live_server, tmp_path_factory):
    """The same identity provider, answering to the live server a browser uses."""
    yield from _run_saml(live_server.url, tmp_path_factory.mktemp("live-saml-idp"))


def saml_settings(idp: dict[str, str], *, x509cert: str | None = None, domains: list[str] | None = None) -> dict:
    """SOCIALACCOUNT_PROVIDERS as settings.py builds it from SSO_SAML_PROVIDERS, for this IdP."""
    from transition.identity.config import social_providers_from_env

    entry = {
        "id": PROVIDER_ID,
        "name": "Test SAML IdP",
        "entity_id": idp["entity_id"],
        "sso_url": idp["sso_url"],
        "x509cert": x509cert or idp["x509cert"],
        "domains": domains or [DOMAIN],
    }
    return social_providers_from_env({"SSO_SAML_PROVIDERS": json.dumps([entry])})


@pytest.fixture
def saml(settings, saml_idp):
    settings.SOCIALACCOUNT_PROVIDERS = saml_settings(saml_idp)
    return saml_idp


def form_fields(page: str) -> tuple[str, dict[str, str]]:
    """The action and hidden fields of the one form on an IdP page."""
    action = html.unescape(page.split('action="', 1)[1].split('"', 1)[0])
    fields = {}
    for tag in page.split("<input")[1:]:
        attributes = dict(re.findall(r'(\w+)="([^"]*)"', tag.split(">", 1)[0]))
        if "name" in attributes:
            fields[attributes["name"]] = html.unescape(attributes.get("value", ""))
    return action, fields


def _send_host(client) -> None:
    # allauth's SAML views read the Host header itself, which every browser sends and the test client does
    # not; python3-saml takes no single-label host such as "testserver" for the ACS URL, but "localhost".
    client.defaults.setdefault("HTTP_HOST", TEST_HOST)


def saml_response_for(client, login: str, sign: str = "assertion") -> tuple[str, dict[str, str]]:
    """Start an SP-initiated sign-in with Django's test client and sign in at the IdP as `login`; returns the
    ACS URL path and the HTTP-POST fields (SAMLResponse, RelayState) the IdP's page would submit."""
    _send_host(client)
    start = client.post(f"/sso/saml/{PROVIDER_ID}/login/")
    assert start.status_code == 302, start.content[:300]
    idp = requests.Session()
    page = idp.get(start["Location"], timeout=10)
    assert page.status_code == 200, page.text[:500]
    action, fields = form_fields(page.text)
    fields.update(login=login, sign=sign)
    answer = idp.post(urljoin(page.url, action), data=fields, timeout=10)
    assert answer.status_code == 200, answer.text[:500]
    acs, post = form_fields(answer.text)
    return acs.split(TEST_HOST, 1)[1], post


def post_to_acs(client, acs: str, fields: dict[str, str]):
    """The browser's auto-submitted POST to the ACS and allauth's redirect to finish it; the final response."""
    _send_host(client)
    posted = client.post(acs, fields)
    assert posted.status_code == 302, posted.content[:300]
    return client.get(posted["Location"])


def saml_sign_in(client, login: str, sign: str = "assertion"):
    acs, fields = saml_response_for(client, login, sign)
    return post_to_acs(client, acs, fields)
