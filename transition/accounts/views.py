from __future__ import annotations

from typing import Any

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from transition.accounts.backends import PASSWORD_BACKEND
from transition.accounts.forms import SignInForm, SignUpForm
from transition.accounts.services import user_create
from transition.accounts.throttling import lockout_lift, remember_device
from transition.lib.http import INVALID


def _safe_next(request: HttpRequest) -> str:
    """Where to go after signing up (an invitation link, say), if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


@require_http_methods(["GET", "POST"])
@login_not_required
def signup(
    request: HttpRequest, *, form_class: type[SignUpForm] = SignUpForm, form_kwargs: dict[str, Any] | None = None
) -> HttpResponse:
    """Create an account with a password. ``form_class`` lets a floor above add its own rules to the form."""
    if request.user.is_authenticated:
        return HttpResponseRedirect(_safe_next(request) or reverse("home"))
    # An invitation link passes the invited address, so the account is made for the right email.
    form = form_class(
        request.POST or None, initial={"email": request.GET.get("email", "")[:254]}, **(form_kwargs or {})
    )
    if request.method == "POST" and form.is_valid():
        user = user_create(
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            password=form.cleaned_data["password1"],
        )
        login(request, user, backend=PASSWORD_BACKEND)
        # No "Welcome" message: the home page it lands on greets them already.
        return HttpResponseRedirect(_safe_next(request) or reverse("home"))
    return render(request, "registration/signup.html", {"form": form}, status=INVALID if form.errors else 200)


class SignInView(auth_views.LoginView):
    """Django's sign-in, which also marks this browser as one the owner uses (throttling.remember_device)."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        remember_device(self.request, response, form.get_user())
        return response


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset, which also lifts the account's sign-in pause: the message promises it."""

    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        lockout_lift(user=form.user)
        remember_device(self.request, response, form.user)
        return response
