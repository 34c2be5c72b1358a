"""Admin of purposes and grants: why a view may be built, and who may build it."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone

from profiles.access.models import Grant, Purpose


@admin.register(Purpose)
class PurposeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "processing_activity_id"]
    search_fields = ["code", "name", "legal_basis"]
    fieldsets = [
        (None, {"fields": ["code", "name", "legal_basis", "processing_activity_id"]}),
        ("Towards the BRP (protocollering)", {"fields": ["brp_doelbinding_consult", "brp_doelbinding_search", "brp_verwerking"]}),
    ]


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    """Who may use which profile for which purpose. Saving or deleting one takes effect on this
    instance at once and on every other within IKO_GRANT_CACHE_SECONDS."""

    list_display = ["who", "profile", "purpose", "is_default", "narrowed", "in_force", "enabled", "created_at"]
    list_filter = ["kind", "enabled", "is_default", "profile", "purpose"]
    search_fields = ["api_client__name", "group__name", "role", "portal_client_id", "profile__name", "purpose__code", "note"]
    autocomplete_fields = ["api_client", "group", "profile", "purpose"]
    fieldsets = [
        ("Who", {"fields": ["kind", "api_client", "group", "role", "portal_client_id"],
                 "description": "Fill in the field that matches the kind; the others are ignored."}),
        ("What and why", {"fields": ["profile", "purpose", "is_default", "fields"]}),
        ("When", {"fields": [("valid_from", "valid_until"), "enabled"]}),
        (None, {"fields": ["note"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("api_client", "group", "profile", "purpose")

    @admin.display(description="who")
    def who(self, obj):
        return obj.principal_label

    @admin.display(description="narrowed", boolean=True)
    def narrowed(self, obj):
        return bool(obj.fields)

    @admin.display(description="in force", boolean=True)
    def in_force(self, obj):
        now = timezone.now()
        return (obj.valid_from is None or obj.valid_from <= now) and (obj.valid_until is None or now < obj.valid_until)
