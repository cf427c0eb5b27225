from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # Emails are compared without case, so Ann@Example.com signs in as ann@example.com.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", max_length=254, unique=True)
    name = models.CharField("name", max_length=120, help_text="How colleagues see you in Transition.")
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class Share(models.Model):
    """An engineer lets one person see their data, as their manager or their mentor."""

    class Relation(models.TextChoices):
        MANAGER = "manager", "Manager"
        MENTOR = "mentor", "Mentor"

    class Status(models.TextChoices):
        PENDING = "pending", "Invited"
        ACTIVE = "active", "Active"
        REVOKED = "revoked", "Revoked"
        LEFT = "left", "Left"

    engineer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="shares_given")
    person = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="shares_received")
    email = models.EmailField(help_text="Where the invitation was sent.")
    relation = models.CharField(max_length=10, choices=Relation.choices)
    # Free-text evidence and notes are private unless the engineer includes them in this share.
    include_private = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Only a hash of the invitation token is kept, so a database leak does not leak working links.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["engineer", "person", "relation"],
                condition=models.Q(status="active"),
                name="share_one_active_per_relation",
            ),
            # Only the newest invitation's link works: two pending ones would be two working links.
            models.UniqueConstraint(
                fields=["engineer", "email", "relation"],
                condition=models.Q(status="pending"),
                name="share_one_pending_per_address",
            ),
        ]
        indexes = [models.Index(fields=["person", "relation", "status"])]

    def __str__(self) -> str:
        return f"{self.engineer_id} → {self.email} ({self.relation}, {self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Notification(models.Model):
    class Kind(models.TextChoices):
        COMMENT = "comment", "New comment"
        REPLY = "reply", "Reply"
        SHARE_ACCEPTED = "share_accepted", "Share accepted"
        RATING = "rating", "Manager rating"
        SHARE_ENDED = "share_ended", "Share ended"

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text


class DigestSent(models.Model):
    """One monthly digest per engineer and month, so running send_digests twice sends nothing twice."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "month"], name="digest_once_per_month")]

    def __str__(self) -> str:
        return f"Digest {self.month:%Y-%m} for {self.user_id}"


class Email(models.Model):
    """One email to send, the outbox row of the task that sends it.

    The row is written in the same transaction as the change the email tells of, with the task that sends
    it; the task sends it only if it is not marked sent, and marks it in the same transaction that holds
    the row's lock, so a task that is retried or run twice sends it once. Once sent, the subject and body
    are emptied: the outbox keeps no copy of what people were told.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    # What the email is for, unique: the same notification, invitation or digest is never queued twice.
    key = models.CharField(max_length=200, unique=True)
    to = models.EmailField()
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Who it is to and about, so deleting an account deletes the emails of and about them.
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    share = models.ForeignKey(Share, on_delete=models.CASCADE, null=True, blank=True, related_name="emails")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
