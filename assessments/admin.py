from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from assessments.models import Action, Competency, FrameworkVersion, Item, Requirement, Role


class ReadOnlyAdmin(admin.ModelAdmin):
    """The framework changes in its files (reviewed like code), never here."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ItemInline(admin.TabularInline):
    model = Item
    fields = ("slug", "kind", "prompt", "retired")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class RequirementInline(admin.TabularInline):
    model = Requirement
    fields = ("competency", "level", "weight", "why")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(ReadOnlyAdmin):
    list_display = ("version", "loaded_at")


@admin.register(Competency)
class CompetencyAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "position")
    search_fields = ("slug", "name")
    inlines = [ItemInline]


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ("slug", "competency", "kind", "retired")
    list_filter = ("kind", "retired", "competency")
    list_select_related = ("competency",)
    search_fields = ("slug", "prompt")


@admin.register(Role)
class RoleAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug")
    inlines = [RequirementInline]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ("title", "slug", "phase", "hours", "retired")
    list_filter = ("phase", "retired", "competencies")
    search_fields = ("slug", "title", "description")
