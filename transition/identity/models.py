"""Organisations (by email domain), their directory tokens, what the directory did, and share suggestions.

Nothing here grants visibility: a manager named by the directory becomes a *suggestion* that the
engineer accepts or declines; only the engineer's own Share (transition.accounts) lets anyone see data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class Organisation(models.Model):
    name = models.CharField(max_length=120)
    domain = models.CharField(
        max_length=253, unique=True, help_text="Email domain, e.g. example.com. Its people belong to this organisation."
    )
    sso_only = models.BooleanField(
        "single sign-on only", default=False, help_text="Refuse password sign-in for this domain."
    )
    require_2fa = models.BooleanField(
        "require two-factor sign-in",
        default=False,
        help_text="Password accounts of this domain must set up an authenticator app before they go on.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("domain"), name="organisation_domain_unique_ci")]

    def __str__(self) -> str:
        return f"{self.name} ({self.domain})"


class ScimToken(models.Model):
    """A directory's bearer token. Only its SHA-256 is kept; the token itself is shown once."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="scim_tokens")
    label = models.CharField(max_length=80)
    token_hash = models.CharField(max_length=64, unique=True)
    # The first characters, so an admin can tell tokens apart without the secret.
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.label} ({self.prefix}…)"


class DirectoryEntry(models.Model):
    """A person as the organisation's directory knows them (SCIM or CSV)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="entries")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_entry")
    external_id = models.CharField(max_length=255, blank=True)
    user_name = models.CharField(max_length=254)
    manager = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user_name"]
        constraints = [
            models.UniqueConstraint("organisation", Lower("user_name"), name="directory_entry_user_name_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.user_name


class ProvisioningEvent(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", "Created and invited"
        UPDATED = "updated", "Updated"
        MANAGER = "manager", "Manager changed"
        DEACTIVATED = "deactivated", "Deactivated"
        REACTIVATED = "reactivated", "Reactivated"
        TOKEN_CREATED = "token_created", "Token created"
        TOKEN_REVOKED = "token_revoked", "Token revoked"
        REFUSED = "refused", "Refused"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source = models.CharField(max_length=10, choices=[("scim", "SCIM"), ("csv", "CSV"), ("admin", "Admin")])
    subject = models.CharField(max_length=254, blank=True, help_text="The user name or token concerned.")
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"


class ShareSuggestion(models.Model):
    """The directory names this engineer's manager; the engineer decides whether to share."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for the engineer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "No longer suggested"

    engineer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_suggestions")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["engineer", "manager"], condition=models.Q(status="open"), name="one_open_suggestion"
            )
        ]

    def __str__(self) -> str:
        return f"Suggest {self.engineer_id} shares with {self.manager_id}"
