from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from privacy.services import user_data_export, user_delete
from transition.accounts.http import AuthenticatedHttpRequest
from transition.lib.http import INVALID


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To confirm it is you.",
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Nothing was deleted.")
        return password


@require_GET
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "account/account.html", {"form": DeleteAccountForm(user=request.user)})


@require_GET
def data_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = json.dumps(user_data_export(request.user), indent=2, ensure_ascii=False)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="transition-data-{timezone.localdate():%Y-%m-%d}.json"'
    return response


@require_http_methods(["POST"])
def account_delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "account/account.html", {"form": form}, status=INVALID)
    user = request.user
    logout(request)
    user_delete(user=user)
    messages.success(request, "Your account and all its data have been deleted.")
    return redirect("landing")
