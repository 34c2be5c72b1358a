"""Admin of profiles: their relation trees, the preview of a view, drafts, export and import."""

from __future__ import annotations

import dataclasses
import json
import logging

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy as _

from profiles.access.grants import grant_purposes
from profiles.admin.editor import RelationTreeInline, source_catalogue
from profiles.access.models import Purpose
from profiles.access.principals import principal_of
from profiles.admin.organisations import admin_organisation_id
from profiles.definitions.models import Profile
from profiles.definitions.portability import profile_draft_create, profile_draft_publish, profile_export, profile_import
from profiles.refusals import InvalidSubject, ProcessingLogUnavailable, ViewDenied
from profiles.services.view import profile_preview
from profiles.subjects import SUBJECT_TYPE_CHOICES, SUBJECT_TYPES, subject_parse

logger = logging.getLogger(__name__)


class PreviewForm(forms.Form):
    subject_type = forms.ChoiceField(label=_("Subject type"), choices=[])
    subject_value = forms.CharField(label=_("Identifier"), max_length=1000,  # a zaak or object URL
                                    help_text=_("For example a test BSN: 999993653."))
    purpose = forms.ModelChoiceField(label=_("Purpose"),
        queryset=Purpose.objects.none(),
        help_text=_("The purposes your grants on this profile allow; the preview is logged under it."),
    )

    def __init__(self, *args, profile: Profile, purpose_codes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].queryset = Purpose.objects.filter(organisation_id=profile.organisation_id)
        self.fields["subject_type"].choices = [(t, SUBJECT_TYPES[t].label) for t in profile.subject_types if t in SUBJECT_TYPES]
        # Offered: only the granted purposes. Any purpose is accepted, so that a preview for one
        # that is not (or no longer) granted is refused by the grant check and logged, as a view is.
        self.fields["purpose"].widget.choices = [("", "---------")] + [
            (p.pk, str(p)) for p in Purpose.objects.filter(organisation_id=profile.organisation_id, code__in=purpose_codes)
        ]

    def clean(self):
        data = super().clean()
        try:
            data["subject"] = subject_parse(subject_type=data.get("subject_type", ""), value=data.get("subject_value", ""))
        except InvalidSubject as exc:
            raise ValidationError({"subject_value": str(exc)}) from None
        return data


class SubjectTypesField(forms.MultipleChoiceField):
    """The profile's subject types as a checkbox per registered subject type (profiles/subjects/),
    stored as the JSON list the model holds.

    A posted code that is not a registered type is passed on, not refused here: `Profile.clean`
    refuses it with the message that names the known types, the same check an imported profile
    and the configuration file get."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            choices=SUBJECT_TYPE_CHOICES,
            help_text=_("The kinds of subject this profile's view can be asked for."),
            error_messages={"required": _("Tick at least one subject type.")},
            **kwargs,
        )

    def valid_value(self, value) -> bool:
        return True  # Profile.clean names an unknown type (see the class docstring)


class ImportForm(forms.Form):
    document = forms.FileField(label=_("Document"), help_text=_("A profile exported as YAML or JSON (sources are matched by name)."))


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "status", "version", "revision", "subject_type_names"]
    list_filter = ["status", ("draft_of", admin.EmptyFieldListFilter)]
    search_fields = ["name", "title", "description"]
    readonly_fields = ["version", "draft_of"]
    fieldsets = [
        (None, {"fields": [("name", "status"), "title", "description", "subject_types"]}),
        (_("Shape of the whole view, markers, revision"), {
            "classes": ["collapse"],
            "fields": ["output_transform", "always_pass_markers", ("version", "draft_of")],
        }),
    ]
    inlines = [RelationTreeInline]
    actions = ["make_draft", "publish_draft", "export_yaml"]
    change_form_template = "admin/profiles/profile/change_form.html"
    change_list_template = "admin/profiles/profile/change_list.html"

    @admin.display(description=_("subject types"))
    def subject_type_names(self, obj):
        return ", ".join(str(SUBJECT_TYPES[t].label) if t in SUBJECT_TYPES else str(t) for t in obj.subject_types or [])

    @admin.display(description=_("revision"))
    def revision(self, obj):
        return gettext("draft of a live profile") if obj.draft_of_id else gettext("live")

    # Compact inputs: the relation tree below is what this page is for.
    COMPACT_ROWS = {"description": 2, "output_transform": 3}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "subject_types":
            return SubjectTypesField(label=capfirst(db_field.verbose_name), required=True)
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in self.COMPACT_ROWS and formfield is not None:
            formfield.widget.attrs["rows"] = self.COMPACT_ROWS[db_field.name]
        return formfield

    def get_urls(self):
        own = [
            # Same-origin framing only: the profile page shows the preview beside the editor.
            path("<path:object_id>/preview/", self.admin_site.admin_view(xframe_options_sameorigin(self.preview_view)),
                 name="profiles_profile_preview"),
            path("import/", self.admin_site.admin_view(self.import_view), name="profiles_profile_import"),
        ]
        return own + super().get_urls()

    def has_preview_permission(self, request) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.preview_profile")

    def preview_view(self, request, object_id):
        """The preview: the staff user's own permission, then (like a view) a grant of the user for
        the profile and purpose; the purpose list offers only granted purposes."""
        profile = get_object_or_404(
            self.get_queryset(request).select_related("draft_of").prefetch_related("relations__source__service"),
            pk=object_id,
        )
        if not self.has_view_permission(request, profile) or not self.has_preview_permission(request):
            logger.warning("Preview of profile %s refused: user %s lacks the preview permission.",
                           profile.name, request.user.get_username())
            raise PermissionDenied
        principal = principal_of(request.user)
        if principal.organisation_id != profile.organisation_id and admin_organisation_id(request) is None:
            # A superuser working in all organisations previews in the profile's organisation.
            principal = dataclasses.replace(principal, organisation_id=profile.organisation_id)
        purpose_codes = grant_purposes(principal=principal, profile=profile.draft_of or profile)
        form = PreviewForm(request.POST or None, profile=profile, purpose_codes=purpose_codes)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "original": profile,
                   "title": _("Preview of %(profile)s") % {"profile": profile}, "form": form,
                   "no_grant": not purpose_codes,
                   # Beside the editor the preview is shown without the admin's header (its popup mode).
                   "is_popup": "embedded" in request.GET}
        if request.method == "POST" and form.is_valid():
            try:
                view, result = profile_preview(
                    profile=profile, subject=form.cleaned_data["subject"],
                    purpose_code=form.cleaned_data["purpose"].code, principal=principal,
                    username=request.user.get_username(),
                )
            except ProcessingLogUnavailable:
                messages.error(request, _("The processing log cannot be written, so the preview shows no data."))
            except ViewDenied as exc:
                messages.error(request, _("Not previewed: %(reason)s") % {"reason": exc.detail})
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

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_preview"] = self.has_preview_permission(request)
        context["catalogue"] = source_catalogue(admin_organisation_id(request))
        return super().render_change_form(request, context, *args, **kwargs)

    def import_view(self, request):
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                profile = profile_import(form.cleaned_data["document"].read().decode("utf-8"),
                                         organisation_id=admin_organisation_id(request))
            except (ValidationError, UnicodeDecodeError) as exc:
                messages.error(request, gettext("Not imported: %(errors)s") % {"errors": " ".join(getattr(exc, "messages", [str(exc)]))})
            else:
                messages.success(request, gettext("Imported profile %(name)s (version %(version)s).") % {"name": profile.name, "version": profile.version})
                return HttpResponseRedirect(reverse("admin:profiles_profile_change", args=[profile.pk]))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "title": gettext("Import a profile")}
        return TemplateResponse(request, "admin/profiles/profile/import.html", context)

    @admin.action(description=_("Prepare a draft revision of the selected live profiles"))
    def make_draft(self, request, queryset):
        for profile in queryset.filter(draft_of__isnull=True):
            draft = profile_draft_create(profile)
            self.message_user(request, gettext("Draft revision of %(name)s created (id %(id)s); edit and preview it, then publish it.") % {"name": profile.name, "id": draft.pk})

    @admin.action(description=_("Publish the selected draft revisions (switch them live)"))
    def publish_draft(self, request, queryset):
        for draft in queryset.filter(draft_of__isnull=False):
            try:
                live = profile_draft_publish(draft)
            except ValidationError as exc:
                self.message_user(request, gettext("%(name)s not published: %(errors)s") % {"name": draft.name, "errors": " ".join(exc.messages)}, messages.ERROR)
            else:
                self.message_user(request, gettext("%(name)s is now version %(version)s.") % {"name": live.name, "version": live.version}, messages.SUCCESS)

    @admin.action(description=_("Export the selected profiles as YAML"))
    def export_yaml(self, request, queryset):
        text = "---\n".join(profile_export(p) for p in queryset)
        response = HttpResponse(text, content_type="application/yaml")
        name = queryset.first().name if queryset.count() == 1 else "profiles"
        response["Content-Disposition"] = f'attachment; filename="{name}.yaml"'
        return response
