"""Identity providers from the environment, for settings.py. Pure: reads a mapping, imports no app.

SSO_OIDC_PROVIDERS and SSO_SAML_PROVIDERS each hold a JSON list, one object per identity provider
(README, "Single sign-on"). ``domains`` names the email domains the provider vouches for: only an
address in one of them is taken as verified, so one organisation's directory can never sign
someone in to another organisation's accounts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

OIDC_REQUIRED = ("id", "name", "server_url", "client_id", "secret", "domains")
SAML_REQUIRED = ("id", "name", "entity_id", "sso_url", "x509cert", "domains")


def _load(environ: Mapping[str, str], name: str, required: tuple[str, ...]) -> list[dict[str, Any]]:
    raw = environ.get(name, "").strip()
    if not raw:
        return []
    try:
        entries = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"{name} is not valid JSON: {error}") from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ImproperlyConfigured(f"{name} must be a JSON list of objects.")
    for entry in entries:
        missing = [key for key in required if not entry.get(key)]
        if missing:
            raise ImproperlyConfigured(f"{name}: provider {entry.get('id', '?')!r} lacks {', '.join(missing)}.")
        if not isinstance(entry["domains"], list):
            raise ImproperlyConfigured(f"{name}: provider {entry['id']!r}: domains must be a list.")
    return entries


def _domains(entry: dict[str, Any]) -> list[str]:
    return [str(d).strip().lower() for d in entry["domains"] if str(d).strip()]


def social_providers_from_env(environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """SOCIALACCOUNT_PROVIDERS for django-allauth, built from the two environment variables."""
    oidc_apps = [
        {
            "provider_id": entry["id"],
            "name": entry["name"],
            "client_id": entry["client_id"],
            "secret": entry["secret"],
            "settings": {
                "server_url": entry["server_url"],
                "oauth_pkce_enabled": True,
                "token_auth_method": entry.get("token_auth_method", "client_secret_post"),
                # The email_verified claim decides, unless the operator says the provider verifies every
                # address of its domains itself ("trust_email": Entra ID sends no such claim).
                "verified_email": _domains(entry) if entry.get("trust_email") else False,
                "domains": _domains(entry),
            },
        }
        for entry in _load(environ, "SSO_OIDC_PROVIDERS", OIDC_REQUIRED)
    ]
    saml_apps = [
        {
            "provider_id": entry["id"],
            "name": entry["name"],
            "client_id": entry["id"],
            "settings": {
                "attribute_mapping": {
                    "email": ["email", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"],
                    "name": ["name", "displayName", "http://schemas.microsoft.com/identity/claims/displayname"],
                },
                "use_nameid_for_email": entry.get("nameid_is_email", True),
                "idp": {"entity_id": entry["entity_id"], "sso_url": entry["sso_url"], "x509cert": entry["x509cert"]},
                "sp": {"entity_id": entry["sp_entity_id"]} if entry.get("sp_entity_id") else {},
                "advanced": {
                    "strict": True,
                    "want_assertion_signed": True,
                    "reject_idp_initiated_sso": True,
                    "reject_deprecated_algorithm": True,
                },
                # SAML has no verified-email claim: the IdP is trusted for its own domains only.
                "verified_email": _domains(entry),
                "domains": _domains(entry),
            },
        }
        for entry in _load(environ, "SSO_SAML_PROVIDERS", SAML_REQUIRED)
    ]
    providers: dict[str, dict[str, Any]] = {}
    if oidc_apps:
        providers["openid_connect"] = {"APPS": oidc_apps}
    if saml_apps:
        providers["saml"] = {"APPS": saml_apps}
    return providers


def form_action_origins(providers: dict[str, dict[str, Any]]) -> list[str]:
    """Where a sign-in form may lead: the CSP's form-action also governs the redirect to the provider."""
    urls = [app["settings"]["server_url"] for app in providers.get("openid_connect", {}).get("APPS", [])]
    urls += [app["settings"]["idp"]["sso_url"] for app in providers.get("saml", {}).get("APPS", [])]
    origins = []
    for url in urls:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.scheme in ("https", "http") and parts.netloc and origin not in origins:
            origins.append(origin)
    return origins
