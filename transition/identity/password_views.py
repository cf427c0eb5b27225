"""Every password path (sign-up, reset, the reset link, change) refused for a single-sign-on-only domain.

The accounts app's views do the work; these put the organisation's rule in front of them. A refusal
depends on the email domain only, never on whether an account exists, so it tells nobody more than the
sign-in page already does (that the domain signs in with single sign-on).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods

from transition.accounts import forms as accounts_forms
from transition.accounts import views as accounts_views
from transition.identity.providers import Refusal, sso_only_refusal
from transition.lib.http import INVALID


class _RefusesSsoOnlyEmail:
    """For a form with an email field: refused, with the way in, when its domain signs in with SSO only."""

    request: HttpRequest
    cleaned_data: dict[str, Any]
    sso_buttons: list[dict]

    def _refuse_sso_only(self, email: str) -> None:
        refusal = sso_only_refusal(self.request, email)
        if refusal is not None:
            self.sso_buttons = refusal.buttons
            raise forms.ValidationError(refusal.message, code="sso_only")


class SignUpForm(_RefusesSsoOnlyEmail, accounts_forms.SignUpForm):
    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request, self.sso_buttons = request, []

    def clean_email(self) -> str:
        # Before the "account already exists" check: the answer is the same whether it exists or not.
        self._refuse_sso_only(self.cleaned_data["email"])
        return super().clean_email()


class PasswordResetForm(_RefusesSsoOnlyEmail, accounts_forms.QueuedPasswordResetForm):
    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request, self.sso_buttons = request, []

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        self._refuse_sso_only(email)
        return email


@require_http_methods(["GET", "POST"])
@login_not_required
def signup(request: HttpRequest) -> HttpResponse:
    return accounts_views.signup(request, form_class=SignUpForm, form_kwargs={"request": request})


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form: forms.Form) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=INVALID)


@method_decorator(login_not_required, name="dispatch")
class ResetConfirmView(accounts_views.ResetConfirmView):
    """A reset link made before the organisation switched to single sign-on only stops working then."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = self.get_user(kwargs["uidb64"])
        token = kwargs["token"]
        if token == self.reset_url_token:
            token = request.session.get(auth_views.INTERNAL_RESET_SESSION_TOKEN, "")
        # Only a genuine link hears why: a made-up one gets the usual "no longer works", naming nobody.
        if user is not None and token and self.token_generator.check_token(user, token):
            refusal = sso_only_refusal(request, user.email)
            if refusal is not None:
                request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
                context = {"validlink": False, "refusal": refusal.message, "sso_buttons": refusal.buttons}
                return render(request, "registration/password_reset_confirm.html", context, status=INVALID)
        return super().dispatch(request, *args, **kwargs)

    def form_invalid(self, form: forms.Form) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=INVALID)


class ChangeForm(PasswordChangeForm):
    def __init__(self, user: Any, *args: Any, refusal: Refusal | None = None, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.refusal = refusal

    def clean_old_password(self) -> str:
        if self.refusal is not None:
            return ""  # not even checked: no password of this account is in use
        return super().clean_old_password()

    def clean(self) -> dict[str, Any] | None:
        if self.refusal is not None:
            self.add_error("new_password1", forms.ValidationError(self.refusal.message, code="sso_only"))
            return self.cleaned_data
        return super().clean()


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        # Signed in (Django's view requires it), so the user has an email address.
        refusal = sso_only_refusal(self.request, getattr(self.request.user, "email", ""), where="to sign in")
        return {**super().get_form_kwargs(), "refusal": refusal}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        refusal = context["form"].refusal
        return {**context, "refusal": refusal.message if refusal else ""}

    def form_invalid(self, form: forms.Form) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=INVALID)
