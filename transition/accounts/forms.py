from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm

from transition.accounts.models import User
from transition.accounts.throttling import account_is_throttled


class SignUpForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("name", "email")
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Django focuses the username field (the email here), but the name comes first on the page.
        self.fields["email"].widget.attrs.pop("autofocus", None)
        self.fields["name"].widget.attrs["autofocus"] = True

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email address already exists. Sign in, or reset your password."
            )
        return email


class SignInForm(AuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if username and account_is_throttled(username):
            raise forms.ValidationError(
                "There have been too many failed sign-ins to this account. Wait a few minutes, or reset your password.",
                code="throttled",
            )
        return super().clean()
