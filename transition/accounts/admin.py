from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from transition.accounts.models import Email, User
from transition.accounts.outbox import email_resend


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "name", "is_staff", "is_active", "date_joined")
    search_fields = ("email", "name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("name",)}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),)


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """The outbox, for staff: what is queued, what went, and what the worker gave up on (and why)."""

    list_display = ("key", "to", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("key", "to")
    readonly_fields = [f.name for f in Email._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Email | None = None) -> bool:
        return False

    @admin.action(description="Send the selected failed emails again")
    def send_again(self, request: HttpRequest, queryset: QuerySet[Email]) -> None:
        queued = sum(email_resend(email=email) for email in queryset.filter(status=Email.Status.FAILED))
        self.message_user(request, f"{queued} email(s) queued again.")
