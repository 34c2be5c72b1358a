"""Admin of profiles (with their relations), purposes, grants and the read-only processing log."""

from django.contrib import admin

from .models import Grant, ProcessingRecord, Profile, Purpose, Relation


class RelationInline(admin.TabularInline):
    model = Relation
    extra = 0
    fields = ["order", "name", "source", "operation", "fields"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "status", "version", "subject_types"]
    list_filter = ["status"]
    search_fields = ["name", "title", "description"]
    readonly_fields = ["version"]
    inlines = [RelationInline]


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
    list_display = ["api_client", "profile", "purpose", "enabled", "created_at"]
    list_filter = ["enabled", "profile", "purpose", "api_client"]
    search_fields = ["api_client__name", "profile__name", "purpose__code", "note"]
    autocomplete_fields = ["api_client", "profile", "purpose"]


@admin.register(ProcessingRecord)
class ProcessingRecordAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only and nobody edits or deletes it here."""

    list_display = ["created_at", "actor", "purpose_code", "profile_name", "subject_type", "outcome", "http_status", "duration_ms"]
    list_filter = ["outcome", "purpose_code", "profile_name", "subject_type"]
    search_fields = ["actor", "trace_id", "subject_pseudonym", "on_behalf_of"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
