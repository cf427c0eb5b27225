"""The identity providers a person can sign in with, and why a password is refused for a domain."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from django.http import HttpRequest
from django.urls import reverse

from transition.identity import services


def sso_buttons(request: HttpRequest) -> list[dict]:
    """Every configured identity provider (environment or admin), with where its sign-in starts."""
    buttons = []
    for app in get_social_adapter(request).list_apps(request):
        if app.provider == "openid_connect":
            url = reverse("openid_connect_login", kwargs={"provider_id": app.provider_id})
        elif app.provider == "saml":
            url = reverse("saml_login", kwargs={"organization_slug": app.client_id})
        else:
            continue
        domains = [d.lower() for d in (app.settings or {}).get("domains", [])]
        buttons.append({"name": app.name, "url": url, "domains": domains})
    return buttons


@dataclass(frozen=True)
class Refusal:
    message: str
    buttons: list[dict]


def sso_only_refusal(request: HttpRequest, email: str, *, where: str = "on the sign-in page") -> Refusal | None:
    """Why no password can be used for ``email``, naming the providers to sign in with; None if one can.

    It depends on the email's domain only, never on whether an account exists.
    """
    organisation = services.organisation_for_email(email) if "@" in email else None
    if organisation is None or not organisation.sso_only:
        return None
    domain = organisation.domain.lower()
    buttons = [b for b in sso_buttons(request) if domain in b["domains"]]
    use = " or ".join(f"“Sign in with {b['name']}”" for b in buttons) or "your organisation's single sign-on"
    return Refusal(
        message=f"Your organisation signs in with single sign-on only, so passwords are switched off for "
        f"{domain}. Use {use} {where}.",
        buttons=buttons,
    )
