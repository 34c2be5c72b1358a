"""Admin of API clients. A new token is shown once, right after it is made; only its hash is kept."""

from django.contrib import admin, messages

from .models import ApiClient


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
