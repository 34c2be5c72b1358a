"""Admin of sources and servers: pick a connector, a server and options; test the connection.

Servers are zgw_consumers' `Service`, with its own admin screen; IKO replaces that screen's form
and connection test with ones that refuse a server IKO cannot use (connectors/servers.py) and
report a 400 or 404 answer as a warning rather than a success, and shows a server's secret and
API key only as set or not set (connectors/admin_credentials.py). Sources and servers both have a
"Test the connection" action on their list, and a link on their page.
"""

import copy

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy as _
from zgw_consumers.admin import ServiceAdmin
from zgw_consumers.constants import AuthTypes
from zgw_consumers.models import NLXConfig, Service

from .aliases import OperationAlias
from .admin_credentials import (
    CREDENTIAL_STATUS_FIELDS,
    CredentialField,
    credential_is_set,
    credential_status_text,
    credentials_prepare,
    credentials_resolve,
)
from .base import CheckResult
from .credentials import CREDENTIAL_FIELDS
from .fsc_models import ServerFsc
from .models import Source
from .servers import FSC_OAUTH2
from .probes import server_check, source_check
from .reference_aliases import ALIAS_KEYS, reference_aliases_for
from .registry import registry
from .servers import server_field_problems

LEVELS = {"success": messages.SUCCESS, "warning": messages.WARNING, "error": messages.ERROR}


class TestConnectionMixin:
    """A "Test the connection" link on an object's page (and a URL behind it) for one object."""

    check_label = _("Test the connection")

    def run_check(self, obj) -> CheckResult:
        raise NotImplementedError

    def check_name(self, obj) -> str:
        """How the object is named in the test's message (its slug or name)."""
        return str(obj)

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        own = [path("<path:object_id>/test-connection/", self.admin_site.admin_view(self.test_connection_view),
                     name="%s_%s_test_connection" % info)]
        return own + super().get_urls()

    def test_connection_view(self, request, object_id):
        obj = get_object_or_404(self.model, pk=object_id)
        if not self.has_change_permission(request, obj):
            return redirect("admin:index")
        result = self.run_check(obj)
        self.message_user(request, f"{self.check_name(obj)}: {result.detail}", LEVELS[result.level])
        info = self.model._meta.app_label, self.model._meta.model_name
        return redirect(reverse("admin:%s_%s_change" % info, args=[obj.pk]))

    @admin.display(description=_("Connection"))
    def test_connection_link(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Save first; then the connection can be tested.")
        info = self.model._meta.app_label, self.model._meta.model_name
        url = reverse("admin:%s_%s_test_connection" % info, args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, self.check_label)


class SourceForm(forms.ModelForm):
    connector = forms.ChoiceField(label=_("Connector"),
        choices=(), help_text=Source._meta.get_field("connector").help_text
    )

    class Meta:
        model = Source
        fields = ["name", "title", "connector", "service", "options", "timeout", "enabled", "connector_tag",
                  "instance_tag"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["connector"].choices = registry.choices()


class OperationAliasInline(admin.StackedInline):
    """The source's front-door aliases (aliases.py): checked against its operations on save."""

    model = OperationAlias
    extra = 0
    fields = ["name", "description", "operations", "selector_param", "selector_values", "params", "fixed_params",
              "fields_param", "result_transform"]


@admin.register(Source)
class SourceAdmin(TestConnectionMixin, admin.ModelAdmin):
    form = SourceForm
    list_display = ["name", "title", "connector", "service", "timeout", "enabled", "front_door",
                    "unchecked_operations"]
    list_filter = ["connector", "enabled"]
    search_fields = ["name", "title", "connector_tag", "instance_tag"]
    readonly_fields = ["test_connection_link", "unchecked_operations"]
    actions = ["test_connection", "add_reference_aliases"]
    inlines = [OperationAliasInline]

    @admin.display(description=_("Front door (/endpoints/...)"))
    def front_door(self, obj):
        return "/".join(obj.front_door_tags)

    @admin.action(description=_("Add the reference IKO Server's aliases to the selected sources"))
    def add_reference_aliases(self, request, queryset):
        for source in queryset:
            added = []
            for definition in reference_aliases_for(source.connector):
                if source.aliases.filter(name=definition["name"]).exists():
                    continue
                alias = OperationAlias(source=source, name=definition["name"],
                                       **{attr: definition[key] for key, attr in ALIAS_KEYS.items()})
                try:
                    alias.full_clean()
                except ValidationError as exc:
                    self.message_user(request, f"{source.name}: {alias.name}: {' '.join(exc.messages)}", messages.ERROR)
                    continue
                alias.save()
                added.append(alias.name)
            if added:
                message = gettext("%(source)s: added %(names)s.") % {"source": source.name, "names": ", ".join(added)}
            else:
                message = gettext("%(source)s: nothing to add.") % {"source": source.name}
            self.message_user(request, message, messages.SUCCESS)

    def run_check(self, obj) -> CheckResult:
        return source_check(obj)

    def check_name(self, obj) -> str:
        return obj.name

    @admin.display(description=_("Not checked for the subject"))
    def unchecked_operations(self, obj):
        """Operations whose answers cannot be checked to belong to the subject: shown, since
        every view that uses them warns."""
        if obj is None or obj.pk is None:
            return ""
        names = sorted(name for name, operation in obj.operations.items() if operation.unchecked)
        return ", ".join(names) or "-"

    @admin.action(description=_("Test the connection of the selected sources"))
    def test_connection(self, request, queryset):
        for source in queryset.select_related("service"):
            result = source_check(source)
            self.message_user(request, f"{source.name}: {result.detail}", LEVELS[result.level])


class ServerForm(forms.ModelForm):
    """zgw_consumers' server form, refusing what IKO cannot use (connectors.servers), with
    write-only credentials (connectors/admin_credentials.py). The admin builds the fields from the
    model when it shows the form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        credentials_prepare(self)

    def clean(self):
        cleaned = super().clean()
        credentials_resolve(self, cleaned)
        # The instance is updated from the form only after clean(): check a copy with the values.
        candidate = copy.copy(self.instance)
        concrete = {f.name for f in Service._meta.concrete_fields}
        for name, value in cleaned.items():
            if name in concrete:
                setattr(candidate, name, value)
        for field, problems in server_field_problems(candidate).items():
            for problem in problems:
                self.add_error(field if field in self.fields else None, problem)
        return cleaned


class ServerFscFormSet(forms.BaseInlineFormSet):
    """Refuses an FSC outway on a server with OAuth2 client credentials (connectors/servers.py)."""

    def clean(self):
        super().clean()
        kept = [form for form in self.forms
                if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")]
        if kept and self.instance.auth_type == AuthTypes.oauth2_client_credentials:
            raise ValidationError(FSC_OAUTH2)


class ServerFscInline(admin.StackedInline):
    """The FSC outway through which this server is reached (connectors/fsc.py); none: called directly."""

    model = ServerFsc
    formset = ServerFscFormSet
    extra = 0
    max_num = 1
    can_delete = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            # An outway listens inside the organisation's own network, usually on plain http.
            kwargs["assume_scheme"] = "http"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


# IKO does not call through NLX (servers.py): the NLX settings screen would be configuration
# that does nothing, and its checks contact the outway, which is no configured server.
admin.site.unregister(Service)
admin.site.unregister(NLXConfig)


@admin.register(Service)
class ServerAdmin(TestConnectionMixin, ServiceAdmin):
    form = ServerForm
    inlines = [ServerFscInline]
    readonly_fields = ("get_connection_check",)
    actions = ["test_connection"]

    def run_check(self, obj) -> CheckResult:
        return server_check(service=obj)

    def check_name(self, obj) -> str:
        return obj.slug

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "nlx":
            # A plain field instead of zgw_consumers' list, which asks an NLX directory for it.
            return forms.CharField(
                label=db_field.verbose_name.capitalize(), required=False,
                help_text=_("NLX is succeeded by FSC: leave this empty and set the FSC outway below."),
            )
        if db_field.name in CREDENTIAL_FIELDS:
            # Write-only: the page says whether it is set and never shows it.
            return CredentialField(label=db_field.verbose_name.capitalize(), required=False,
                                   help_text=db_field.help_text)
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"  # a URL typed without a scheme is meant as https
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if self.has_change_permission(request, obj):
            return fields
        # View only: Django would show each field's value as text; the credentials only as set or not.
        return [CREDENTIAL_STATUS_FIELDS.get(field, field) for field in fields]

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if self.has_change_permission(request, obj):
            return readonly
        return readonly + tuple(CREDENTIAL_STATUS_FIELDS.values())

    @admin.display(description=_("Secret"))
    def secret_status(self, obj):
        return credential_status_text(credential_is_set(obj, "secret"))

    @admin.display(description=_("Header value"))
    def header_value_status(self, obj):
        return credential_status_text(credential_is_set(obj, "header_value"))

    @admin.display(description=_("Connection"))
    def get_connection_check(self, obj):
        return self.test_connection_link(obj)

    @admin.action(description=_("Test the connection of the selected servers"))
    def test_connection(self, request, queryset):
        for service in queryset:
            result = server_check(service=service)
            self.message_user(request, f"{service.slug}: {result.detail}", LEVELS[result.level])
