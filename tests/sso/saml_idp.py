"""A SAML 2.0 identity provider for the single sign-on tests, run as its own process (tests/sso/conftest.py).

pysaml2's IdP (saml2.server.Server, signing with xmlsec1) behind the standard library's HTTP server:

- GET  /sso    takes the service provider's AuthnRequest (HTTP-Redirect binding) and shows a sign-in form;
- POST /login  "signs in" the account the form names and answers with the HTTP-POST binding: a page whose
               form carries the signed Response to the request's AssertionConsumerService URL;
- GET  /unsolicited?login=ann  the same Response without any request (IdP-initiated sign-in).

The form's hidden field ``sign`` chooses what is signed: ``assertion`` (what the app requires),
``response`` (the envelope only) or ``none``, so the tests can see unsigned answers refused. Its
configuration is one JSON object in SAML_TEST_CONFIG: port, key_file, cert_file, accounts and the service
providers (entity_id, acs_url) it answers to. Test-only: it trusts whoever fills in its form.
"""

from __future__ import annotations

import base64
import html
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

# The claim names Microsoft Entra ID sends, which the app maps (transition.identity.config).
EMAIL = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
DISPLAY_NAME = "http://schemas.microsoft.com/identity/claims/displayname"
AUTHN = {"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"}


def sp_metadata(entity_id: str, acs_url: str) -> str:
    return (
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        f'entityID="{html.escape(entity_id)}">'
        '<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        f'<md:AssertionConsumerService Binding="{BINDING_HTTP_POST}" Location="{html.escape(acs_url)}" index="0"/>'
        "</md:SPSSODescriptor></md:EntityDescriptor>"
    )


def build_server(config: dict[str, Any]) -> Server:
    base = f"http://127.0.0.1:{config['port']}"
    idp_config = IdPConfig().load(
        {
            "entityid": f"{base}/metadata",
            "service": {
                "idp": {
                    "name": "Test SAML IdP",
                    "endpoints": {"single_sign_on_service": [(f"{base}/sso", BINDING_HTTP_REDIRECT)]},
                    "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                    "want_authn_requests_signed": False,
                    "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_URI}},
                }
            },
            "key_file": config["key_file"],
            "cert_file": config["cert_file"],
            "xmlsec_binary": config.get("xmlsec_binary", "/usr/bin/xmlsec1"),
            "metadata": {"inline": [sp_metadata(sp["entity_id"], sp["acs_url"]) for sp in config["sps"]]},
            "delete_tmpfiles": True,
        }
    )
    return Server(config=idp_config)


class Handler(BaseHTTPRequestHandler):
    server_version = "TestSamlIdP"
    idp: Server
    config: dict[str, Any]

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the test output is for the tests

    def _send(self, status: int, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _page(self, title: str, body: str, status: int = 200) -> None:
        self._send(status, f"<!doctype html><html><head><title>{title}</title></head><body>{body}</body></html>")

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/sso":
            self._sign_in_form(query)
        elif url.path == "/unsolicited":
            sp = self.config["sps"][0]
            login, sign = query.get("login", ""), query.get("sign", "assertion")
            self._answer(login, None, sp["acs_url"], sp["entity_id"], "", sign)
        else:
            self._page("Not found", "<p>Not found</p>", 404)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if urlsplit(self.path).path != "/login":
            self._page("Not found", "<p>Not found</p>", 404)
            return
        try:
            request = self.idp.parse_authn_request(form.get("SAMLRequest", ""), BINDING_HTTP_REDIRECT).message
        except Exception as error:  # any unreadable request is the SP's mistake, shown to it
            self._page("Bad request", f"<p>Unreadable AuthnRequest: {html.escape(str(error))}</p>", 400)
            return
        sp_entity_id = request.issuer.text
        acs_url = request.assertion_consumer_service_url
        known = {sp["entity_id"]: sp["acs_url"] for sp in self.config["sps"]}
        if known.get(sp_entity_id) != acs_url:
            self._page("Unknown service provider", f"<p>{html.escape(sp_entity_id)} is not registered</p>", 400)
            return
        self._answer(
            form.get("login", ""), request.id, acs_url, sp_entity_id, form.get("RelayState", ""), form.get("sign", "")
        )

    def _sign_in_form(self, query: dict[str, str]) -> None:
        if "SAMLRequest" not in query:
            self._page("Bad request", "<p>No SAMLRequest</p>", 400)
            return
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(query.get(name, ""))}">'
            for name in ("SAMLRequest", "RelayState")
        )
        self._page(
            "Sign in to the test IdP",
            '<h1>Test SAML IdP</h1><form method="post" action="/login">'
            f'{hidden}<input type="hidden" name="sign" value="assertion">'
            '<label>Login <input name="login" autofocus></label>'
            '<button type="submit">Sign in</button></form>',
        )

    def _answer(self, login: str, in_response_to: str | None, acs_url: str, sp: str, relay: str, sign: str) -> None:
        account = self.config["accounts"].get(login)
        if account is None:
            self._page("Unknown account", f"<p>No account {html.escape(login)}</p>", 403)
            return
        response = self.idp.create_authn_response(
            identity={EMAIL: [account["email"]], DISPLAY_NAME: [account["name"]]},
            in_response_to=in_response_to,
            destination=acs_url,
            sp_entity_id=sp,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=account["email"]),
            authn=AUTHN,
            sign_assertion=sign in ("assertion", "both"),
            sign_response=sign in ("response", "both"),
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
        )
        fields = {"SAMLResponse": base64.b64encode(str(response).encode()).decode(), "RelayState": relay}
        inputs = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in fields.items())
        self._page(
            "Signing you in",
            f'<form method="post" action="{html.escape(acs_url)}">{inputs}'
            '<button type="submit">Continue</button></form><script>document.forms[0].submit()</script>',
        )


def main() -> None:
    config = json.loads(os.environ["SAML_TEST_CONFIG"])
    Handler.idp = build_server(config)
    Handler.config = config
    server = ThreadingHTTPServer(("127.0.0.1", config["port"]), Handler)
    print(f"listening on {config['port']}", flush=True)  # the fixture waits for this line
    server.serve_forever()  # until the fixture terminates the process


if __name__ == "__main__":
    main()
