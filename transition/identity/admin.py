from __future__ import annotations

from django.contrib import admin

from transition.identity.models import DirectoryEntry, Organisation, ProvisioningEvent, ScimToken


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "domain", "sso_only", "require_2fa")
    search_fields = ("name", "domain")


@admin.register(ScimToken)
class ScimTokenAdmin(admin.ModelAdmin):
    # Tokens are made on the organisation page, where the secret is shown once; here they are only listed.
    list_display = ("label", "organisation", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("organisation", "label", "prefix", "token_hash", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(admin.ModelAdmin):
    list_display = ("user_name", "organisation", "manager", "active")
    list_filter = ("organisation", "active")
    raw_id_fields = ("user", "manager")


@admin.register(ProvisioningEvent)
class ProvisioningEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "organisation", "source", "kind", "subject", "detail")
    list_filter = ("organisation", "source", "kind")

    def has_change_permission(self, request, obj=None) -> bool:
        return False
