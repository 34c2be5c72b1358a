"""Admin of profiles (relation trees, preview, drafts, export/import), purposes, grants and the
read-only processing log, with the privacy officer's subject search and CSV export."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils import timezone
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .models import Grant, ProcessingRecord, Profile, Purpose, Relation
from .portability import profile_draft_create, profile_draft_publish, profile_export, profile_import
from .processing_log import processing_log_inspect, processing_records_csv
from .services import ProcessingLogUnavailable, profile_preview
from .subjects import SUBJECT_TYPE_CHOICES, SUBJECT_TYPES, InvalidSubject, subject_parse

# How many records the subject search shows on the page; the CSV export has them all.
SUBJECT_SEARCH_ROWS = 500


class RelationInline(admin.StackedInline):
    model = Relation
    fk_name = "profile"
    extra = 0
    fieldsets = [
        (None, {"fields": [("name", "order"), "parent", ("source", "operation"), "input_expression"]}),
        ("Fields", {"fields": ["fields", "release_fields"]}),
        ("Shape and limits", {"fields": ["output_transform", ("max_calls", "required"), "needs_consent"]}),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            # Only relations of this profile can be a parent.
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Relation.objects.filter(profile_id=object_id) if object_id else Relation.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PreviewForm(forms.Form):
    subject_type = forms.ChoiceField(choices=[])
    subject_value = forms.CharField(label="Identifier", max_length=20, help_text="For example a test BSN: 999993653.")
    purpose = forms.ModelChoiceField(queryset=Purpose.objects.all(), help_text="The preview is logged under this purpose.")

    def __init__(self, *args, profile: Profile, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject_type"].choices = [(t, SUBJECT_TYPES[t].label) for t in profile.subject_types if t in SUBJECT_TYPES]

    def clean(self):
        data = super().clean()
        try:
            data["subject"] = subject_parse(subject_type=data.get("subject_type", ""), value=data.get("subject_value", ""))
        except InvalidSubject as exc:
            raise ValidationError({"subject_value": str(exc)}) from None
        return data


class ImportForm(forms.Form):
    document = forms.FileField(help_text="A profile exported as YAML or JSON (sources are matched by name).")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "status", "version", "revision", "subject_types"]
    list_filter = ["status", ("draft_of", admin.EmptyFieldListFilter)]
    search_fields = ["name", "title", "description"]
    readonly_fields = ["version", "draft_of"]
    fields = ["name", "title", "description", "subject_types", "status", "output_transform", "version", "draft_of"]
    inlines = [RelationInline]
    actions = ["make_draft", "publish_draft", "export_yaml"]
    change_form_template = "admin/profiles/profile/change_form.html"
    change_list_template = "admin/profiles/profile/change_list.html"

    @admin.display(description="revision")
    def revision(self, obj):
        return "draft of live profile" if obj.draft_of_id else "live"

    def get_urls(self):
        own = [
            path("<path:object_id>/preview/", self.admin_site.admin_view(self.preview_view), name="profiles_profile_preview"),
            path("import/", self.admin_site.admin_view(self.import_view), name="profiles_profile_import"),
        ]
        return own + super().get_urls()

    def preview_view(self, request, object_id):
        profile = get_object_or_404(Profile.objects.prefetch_related("relations__source__service"), pk=object_id)
        if not self.has_view_permission(request, profile):
            return HttpResponseRedirect(reverse("admin:index"))
        form = PreviewForm(request.POST or None, profile=profile)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "original": profile,
                   "title": f"Preview of {profile}", "form": form}
        if request.method == "POST" and form.is_valid():
            try:
                view, result = profile_preview(
                    profile=profile, subject=form.cleaned_data["subject"], purpose=form.cleaned_data["purpose"],
                    username=request.user.get_username(),
                )
            except ProcessingLogUnavailable:
                messages.error(request, "The processing log cannot be written, so the preview shows no data.")
            else:
                context.update(
                    status=view.http_status,
                    view_json=json.dumps(view.body, indent=2, ensure_ascii=False, default=str),
                    traces=[
                        {"relation": t.relation, "source": t.source, "operation": t.operation,
                         "status": t.result.status.value, "duration_ms": t.result.duration_ms,
                         "fields": ", ".join(t.result.fields_requested), "detail": t.result.detail}
                        for t in result.traces
                    ],
                    relations=result.relations,
                )
        return TemplateResponse(request, "admin/profiles/profile/preview.html", context)

    def import_view(self, request):
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                profile = profile_import(form.cleaned_data["document"].read().decode("utf-8"))
            except (ValidationError, UnicodeDecodeError) as exc:
                messages.error(request, f"Not imported: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
            else:
                messages.success(request, f"Imported profile {profile.name} (version {profile.version}).")
                return HttpResponseRedirect(reverse("admin:profiles_profile_change", args=[profile.pk]))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "title": "Import a profile"}
        return TemplateResponse(request, "admin/profiles/profile/import.html", context)

    @admin.action(description="Prepare a draft revision of the selected live profiles")
    def make_draft(self, request, queryset):
        for profile in queryset.filter(draft_of__isnull=True):
            draft = profile_draft_create(profile)
            self.message_user(request, f"Draft revision of {profile.name} created (id {draft.pk}); edit and preview it, then publish it.")

    @admin.action(description="Publish the selected draft revisions (switch them live)")
    def publish_draft(self, request, queryset):
        for draft in queryset.filter(draft_of__isnull=False):
            try:
                live = profile_draft_publish(draft)
            except ValidationError as exc:
                self.message_user(request, f"{draft.name} not published: {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"{live.name} is now version {live.version}.", messages.SUCCESS)

    @admin.action(description="Export the selected profiles as YAML")
    def export_yaml(self, request, queryset):
        text = "---\n".join(profile_export(p) for p in queryset)
        response = HttpResponse(text, content_type="application/yaml")
        name = queryset.first().name if queryset.count() == 1 else "profiles"
        response["Content-Disposition"] = f'attachment; filename="{name}.yaml"'
        return response


@admin.register(Purpose)
class PurposeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "processing_activity_id"]
    search_fields = ["code", "name", "legal_basis"]
    fieldsets = [
        (None, {"fields": ["code", "name", "legal_basis", "processing_activity_id", "needs_consent"]}),
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


class SubjectSearchForm(forms.Form):
    subject_type = forms.ChoiceField(choices=SUBJECT_TYPE_CHOICES, initial="bsn")
    subject_value = forms.CharField(
        label="BSN or KVK number", max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="IKO computes the keyed pseudonym of this number and finds the records with it; the "
        "number itself is not stored.",
    )
    purpose = forms.CharField(required=False, max_length=100, help_text="A purpose code, e.g. klantcontact.")
    actor = forms.CharField(
        required=False, max_length=200, help_text="Part of the actor, calling system or end user."
    )
    since = forms.DateField(required=False, widget=AdminDateWidget, label="From (date)")
    until = forms.DateField(required=False, widget=AdminDateWidget, label="Until (date, included)")

    def clean(self):
        data = super().clean()
        try:
            data["subject"] = subject_parse(subject_type=data.get("subject_type", ""), value=data.get("subject_value", ""))
        except InvalidSubject as exc:
            raise ValidationError({"subject_value": str(exc)}) from None
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            raise ValidationError({"until": "The end lies before the start."})
        return data


@admin.register(ProcessingRecord)
class ProcessingRecordAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only and nobody edits or deletes it here."""

    list_display = ["created_at", "action", "actor", "purpose_code", "profile_name", "subject_type", "outcome", "reason", "http_status", "duration_ms"]
    list_filter = ["outcome", "action", "actor_type", "reason", "purpose_code", "profile_name", "subject_type"]
    search_fields = ["actor", "calling_system", "trace_id", "subject_pseudonym", "on_behalf_of"]
    date_hierarchy = "created_at"
    change_list_template = "admin/profiles/processingrecord/change_list.html"

    def get_urls(self):
        own = [
            path("subject/", self.admin_site.admin_view(self.subject_view), name="profiles_processingrecord_subject"),
        ]
        return own + super().get_urls()

    def subject_view(self, request):
        """The privacy officer's screen: all processing about one subject, filtered, as CSV.

        POST only for the search itself: the BSN must not end up in URLs or access logs.
        """
        if not request.user.has_perm("profiles.inspect_subject"):
            raise PermissionDenied
        form = SubjectSearchForm(request.POST or None)
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
            "title": "Find all processing about one subject", "records": None,
        }
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            export = request.POST.get("export") == "csv"
            try:
                records = processing_log_inspect(
                    subject=data["subject"], username=request.user.get_username(), export=export,
                    purpose_code=data.get("purpose", ""), actor=data.get("actor", ""),
                    since=data.get("since"), until=data.get("until"),
                )
            except ProcessingLogUnavailable:
                messages.error(request, "The processing log cannot be written, so the search shows nothing.")
            else:
                if export:
                    response = StreamingHttpResponse(
                        processing_records_csv(records.iterator()), content_type="text/csv; charset=utf-8"
                    )
                    response["Content-Disposition"] = f'attachment; filename="processing-{data["subject"].type}-{timezone.now():%Y%m%d-%H%M%S}.csv"'
                    return response
                context["total"] = records.count()
                context["records"] = list(records[:SUBJECT_SEARCH_ROWS])
                context["shown"] = len(context["records"])
        # admin_view marks the answer never_cache (no-store): the page names a BSN.
        return TemplateResponse(request, "admin/profiles/processingrecord/subject_search.html", context)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
