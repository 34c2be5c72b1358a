"""Admin of sources: pick a connector, a server and options; test the connection."""

from django import forms
from django.contrib import admin, messages

from .models import Source
from .registry import registry


class SourceForm(forms.ModelForm):
    connector = forms.ChoiceField(
        choices=(), help_text=Source._meta.get_field("connector").help_text
    )

    class Meta:
        model = Source
        fields = ["name", "title", "connector", "service", "options", "timeout", "enabled"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["connector"].choices = registry.choices()


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceForm
    list_display = ["name", "title", "connector", "service", "timeout", "enabled"]
    list_filter = ["connector", "enabled"]
    search_fields = ["name", "title"]
    actions = ["test_connection"]

    @admin.action(description="Test the connection of the selected sources")
    def test_connection(self, request, queryset):
        for source in queryset.select_related("service"):
            connector_class = source.connector_class
            if connector_class is None:
                self.message_user(request, f"{source.name}: connector {source.connector!r} is not installed.", messages.ERROR)
                continue
            result = connector_class(source.to_config()).check_connection()
            level = messages.SUCCESS if result.ok else messages.ERROR
            self.message_user(request, f"{source.name}: {result.detail}", level)
