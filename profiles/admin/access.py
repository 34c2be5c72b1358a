"""Admin of purposes, grants and API clients: why a view may be built, and who may build it.

A new API client's token is shown once, right after it is made; only its hash is kept.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from profiles.access.api_clients import ApiClient
from profiles.access.models import Grant, Purpose


@admin.register(Purpose)
class PurposeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "processing_activity_id"]
    search_fields = ["code", "name", "legal_basis"]
    fieldsets = [
        (None, {"fields": ["code", "name", "legal_basis", "processing_activity_id", "needs_consent"]}),
        (_("Towards the BRP (protocollering)"), {"fields": ["brp_doelbinding_consult", "brp_doelbinding_search", "brp_verwerking"]}),
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
        (_("Who"), {"fields": ["kind", "api_client", "group", "role", "portal_client_id"],
                 "description": _("Fill in the field that matches the kind; the others are ignored.")}),
        (_("What and why"), {"fields": ["profile", "purpose", "is_default", "fields", "max_vertrouwelijkheidaanduiding"]}),
        (_("When"), {"fields": [("valid_from", "valid_until"), "enabled"]}),
        (None, {"fields": ["note"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("api_client", "group", "profile", "purpose")

    @admin.display(description=_("who"))
    def who(self, obj):
        return obj.principal_label

    @admin.display(description=_("narrowed"), boolean=True)
    def narrowed(self, obj):
        return bool(obj.fields)

    @admin.display(description=_("in force"), boolean=True)
    def in_force(self, obj):
        now = timezone.now()
        return (obj.valid_from is None or obj.valid_from <= now) and (obj.valid_until is None or now < obj.valid_until)


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "enabled", "default_purpose", "oin", "token_hint", "created_at", "last_used_at"]
    list_filter = ["enabled", "default_purpose"]
    search_fields = ["name", "oin", "fsc_peer_id"]
    readonly_fields = ["token_hint", "created_at", "last_used_at"]
    actions = ["regenerate_token"]

    def save_model(self, request, obj, form, change):
        token = None if change else obj.set_new_token()
        super().save_model(request, obj, form, change)
        if token:
            self._show_token(request, obj, token)

    def _show_token(self, request, client, token):
        self.message_user(
            request,
            gettext("The token of %(client)s is: %(token)s . Copy it now: IKO keeps only a hash and "
                    "cannot show it again.") % {"client": client.name, "token": token},
            messages.WARNING,
        )

    @admin.action(description=_("Make a new token (the old one stops working)"))
    def regenerate_token(self, request, queryset):
        for client in queryset:
            token = client.set_new_token()
            client.save(update_fields=["token_hash", "token_hint"])
            self._show_token(request, client, token)
