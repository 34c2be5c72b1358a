"""Admin of API clients (a new token is shown once, right after it is made; only its hash is kept)
and the read-only list of subject lookup alerts (api/alerts.py)."""

from django.contrib import admin, messages

from .models import ApiClient, SubjectLookupAlert


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "enabled", "default_purpose", "oin", "token_hint", "created_at", "last_used_at"]
    list_filter = ["enabled", "default_purpose"]
    search_fields = ["name", "oin"]
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
            f"The token of {client.name} is: {token} . Copy it now: IKO keeps only a hash and "
            "cannot show it again.",
            messages.WARNING,
        )

    @admin.action(description="Make a new token (the old one stops working)")
    def regenerate_token(self, request, queryset):
        for client in queryset:
            token = client.set_new_token()
            client.save(update_fields=["token_hash", "token_hint"])
            self._show_token(request, client, token)


@admin.register(SubjectLookupAlert)
class SubjectLookupAlertAdmin(admin.ModelAdmin):
    """Read-only: alerts are facts about what happened, written by IKO itself."""

    list_display = ["created_at", "actor", "on_behalf_of", "distinct_subjects", "threshold", "window_seconds"]
    list_filter = ["created_at"]
    search_fields = ["actor", "on_behalf_of", "trace_id"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in SubjectLookupAlert._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
