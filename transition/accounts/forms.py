from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm, PasswordResetForm
from django.template.loader import render_to_string

from transition.accounts.models import User
from transition.accounts.outbox import email_queue
from transition.accounts.throttling import USERNAME_MAX, account_is_throttled, is_known_device
from transition.lib.text import NUL_MESSAGE


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
    def clean_username(self) -> str:
        # AuthenticationForm sets max_length after the field's validators are built, so it is not checked;
        # an over-long name would reach django-axes' 255-character column (a 500 on PostgreSQL).
        username = self.cleaned_data.get("username") or ""
        if len(username) > USERNAME_MAX:
            raise forms.ValidationError(f"An email address has at most {USERNAME_MAX} characters.", code="max_length")
        if "\x00" in username:
            raise forms.ValidationError(NUL_MESSAGE, code="null_characters_not_allowed")
        return username

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if (
            username
            and account_is_throttled(username)
            and not (self.request is not None and is_known_device(self.request, username))
        ):
            raise forms.ValidationError(
                "There have been too many failed sign-ins to this account. If this is not a device you have "
                "signed in from before, wait a few minutes, or reset your password: the reset lifts the pause.",
                code="throttled",
            )
        return super().clean()


class QueuedPasswordResetForm(PasswordResetForm):
    """The reset email goes through the outbox, so the page answers at once whatever the mail server does."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context.get("user")
        email_queue(
            key=f"password-reset:{uuid.uuid4()}",
            to=to_email,
            subject="".join(render_to_string(subject_template_name, context).splitlines()),
            body=render_to_string(email_template_name, context),
            recipient=user if isinstance(user, User) else None,
        )
