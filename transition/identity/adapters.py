"""django-allauth adapters: SSO sign-in for Transition's accounts, linked by verified email only."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from transition.accounts.backends import PASSWORD_BACKEND
from transition.accounts.models import User
from transition.identity.services import domain_of


def refusal(request: HttpRequest, title: str, message: str, status: int = 403) -> HttpResponse:
    """The clear page a refused single sign-on answers with."""
    return render(request, "identity/sso_refused.html", {"title": title, "message": message}, status=status)


class MFAAdapter(DefaultMFAAdapter):
    """Second factors in the product's own words, under the product's name."""

    def generate_authenticator_name(self, user: Any, type: Authenticator.Type) -> str:
        n = Authenticator.objects.filter(user_id=user.pk, type=type).count()
        return "Security key" if n == 0 else f"Security key {n + 1}"

    def _get_site_name(self) -> str:
        return "Transition"  # what the browser's passkey prompt and the authenticator app call the site


class AccountAdapter(DefaultAccountAdapter):
    """allauth runs only the single sign-on side: password sign-up and sign-in stay Transition's own views."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False  # allauth's own sign-up form is not used; SSO sign-ups go through the social adapter

    def get_login_stages(self) -> list[str]:
        # The identity provider owns the second factor of an SSO sign-in; TOTP guards password sign-in
        # (transition.identity.views.sign_in), so allauth's own stages would only ask again.
        return []

    def login(self, request: HttpRequest, user: Any) -> None:
        # django-axes's backend is first in the list and has no get_user of its own worth picking.
        user.backend = PASSWORD_BACKEND
        super().login(request, user)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return "/home/"


def _provider_domains(sociallogin: Any) -> list[str]:
    app = getattr(sociallogin.provider, "app", None)
    return [d.lower() for d in ((app.settings or {}).get("domains", []) if app else [])]


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return True

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: Any) -> bool:
        return True

    def can_authenticate_by_email(self, login: Any, email: str) -> bool:
        # A provider vouches only for its own organisation's domains: Okta for example.com can never
        # link to (and so take over) an account at another company, whatever it claims.
        return domain_of(email) in _provider_domains(login)

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        if sociallogin.is_existing:
            if not sociallogin.user.is_active:
                raise ImmediateHttpResponse(_inactive(request))
            return
        emails = [a for a in sociallogin.email_addresses if a.email]
        if not emails:
            raise ImmediateHttpResponse(
                refusal(request, "No email address", "Your identity provider did not send an email address.")
            )
        domains = _provider_domains(sociallogin)
        verified = [a.email for a in emails if a.verified and domain_of(a.email) in domains]
        if not verified:
            raise ImmediateHttpResponse(
                refusal(
                    request,
                    "Your email address is not verified",
                    "Your identity provider did not confirm your email address for this organisation, "
                    "so Transition cannot sign you in with it. Ask your IT team to check the connection.",
                )
            )
        existing = User.objects.filter(email__iexact=verified[0]).first()
        if existing is not None and not existing.is_active:
            raise ImmediateHttpResponse(_inactive(request))

    def populate_user(self, request: HttpRequest, sociallogin: Any, data: dict[str, Any]) -> Any:
        user = super().populate_user(request, sociallogin, data)
        names = [data.get("name"), " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))]
        user.name = next((n for n in names if n), "") or (user.email.split("@")[0] if user.email else "")
        user.email = (user.email or "").lower()
        return user

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        raise ImmediateHttpResponse(
            refusal(
                request,
                "Single sign-on did not complete",
                "The answer from your identity provider could not be accepted: it was invalid, expired or "
                "already used. Nothing was signed in. Start again from the sign-in page.",
                status=400,
            )
        )


def _inactive(request: HttpRequest) -> HttpResponse:
    return refusal(
        request, "This account is switched off", "Your organisation has deactivated this account. Ask your IT team."
    )
