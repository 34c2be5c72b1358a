"""Admin of the catalogue of regelingen (with their criteria and a preview on a test subject),
the prefill attributes of profiles, and the read-only suggestion records."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from profiles.refusals import InvalidSubject, ProcessingLogUnavailable, ViewDenied
from profiles.subjects import SUBJECT_TYPES, subject_parse

from .consent import regelingen_consent_check
from .evaluation import Outcome
from .models import Criterion, PrefillAttribute, Regeling, SuggestionRecord
from .services import regeling_preview

OUTCOME_LABELS = {
    Outcome.ELIGIBLE: _("Eligible: every criterion holds."),
    Outcome.NOT_ELIGIBLE: _("Not eligible: a criterion does not hold."),
    Outcome.NOT_EVALUATED: _("Could not be evaluated."),
}


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    min_num = 1
    fields = ["order", "text", "expression", "fields_read"]
    readonly_fields = ["fields_read"]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})},
    }

    def get_formset(self, request, obj=None, **kwargs):
        # A regeling without criteria would hold for everyone: at least one is required.
        return super().get_formset(request, obj, validate_min=True, **kwargs)


class RegelingPreviewForm(forms.Form):
    subject_type = forms.ChoiceField(label=_("subject type"), choices=[])
    subject_value = forms.CharField(label=_("identifier"), max_length=20,
                                    help_text=_("For example a test BSN: 999993847."))

    def __init__(self, *args, profile, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject_type"].choices = [
            (t, SUBJECT_TYPES[t].label) for t in profile.subject_types if t in SUBJECT_TYPES
        ]

    def clean(self):
        data = super().clean()
        try:
            data["subject"] = subject_parse(subject_type=data.get("subject_type", ""), value=data.get("subject_value", ""))
        except InvalidSubject as exc:
            raise ValidationError({"subject_value": str(exc)}) from None
        return data


@admin.register(Regeling)
class RegelingAdmin(admin.ModelAdmin):
    list_display = ["title", "name", "profile", "purpose", "upl_code", "needs_consent", "enabled"]
    list_filter = ["enabled", "needs_consent", "profile", "purpose"]
    search_fields = ["name", "title", "description", "upl_code"]
    autocomplete_fields = ["profile", "purpose"]
    fieldsets = [
        (None, {"fields": ["title", "name", "description", ("product_url", "upl_code")]}),
        (_("What it reads and why"), {"fields": ["profile", "purpose", "needs_consent"]}),
        (None, {"fields": [("enabled", "order")]}),
    ]
    inlines = [CriterionInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_form_template = "admin/regelingen/regeling/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("profile", "purpose")

    def get_urls(self):
        own = [
            path("<path:object_id>/preview/", self.admin_site.admin_view(self.preview_view),
                 name="regelingen_regeling_preview"),
        ]
        return own + super().get_urls()

    def preview_view(self, request, object_id):
        regeling = get_object_or_404(Regeling.objects.select_related("profile", "purpose"), pk=object_id)
        if not self.has_view_permission(request, regeling):
            return HttpResponseRedirect(reverse("admin:index"))
        form = RegelingPreviewForm(request.POST or None, profile=regeling.profile)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "original": regeling,
                   "title": _("Try %(regeling)s on a test subject") % {"regeling": regeling}, "form": form}
        if request.method == "POST" and form.is_valid():
            try:
                preview = regeling_preview(regeling=regeling, subject=form.cleaned_data["subject"], user=request.user,
                                           consent_check=regelingen_consent_check)
            except ViewDenied as exc:
                messages.error(request, _("Not evaluated: %(detail)s Ask for a grant on this profile for this "
                                          "purpose, as for a view.") % {"detail": exc})
            except ProcessingLogUnavailable:
                messages.error(request, _("The processing log cannot be written, so nothing was evaluated."))
            except InvalidSubject as exc:
                messages.error(request, str(exc))
            else:
                result = preview.result
                run = result.criteria  # in order, up to the first that did not hold
                context.update(
                    outcome=OUTCOME_LABELS[result.outcome],
                    detail=result.explain(),
                    criteria=[
                        {"order": c.order, "text": c.text, "expression": c.expression, "fields": list(c.fields),
                         "result": _label(run[i] if i < len(run) else None),
                         "error": run[i].error if i < len(run) else ""}
                        for i, c in enumerate(result.rule.criteria)
                    ],
                    sources=preview.sources,
                    data_json=json.dumps(preview.data, indent=2, ensure_ascii=False, default=str),
                )
        return TemplateResponse(request, "admin/regelingen/regeling/preview.html", context)


def _label(result) -> str:
    if result is None:
        return _("not run")
    if result.holds is None:
        return _("no yes-or-no answer")
    return _("holds") if result.holds else _("does not hold")


@admin.register(PrefillAttribute)
class PrefillAttributeAdmin(admin.ModelAdmin):
    list_display = ["name", "profile", "path", "source", "order"]
    list_filter = ["profile"]
    search_fields = ["name", "path", "profile__name"]
    autocomplete_fields = ["profile"]
    fields = ["profile", "name", "path", "source", "order"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("profile", "source")


@admin.register(SuggestionRecord)
class SuggestionRecordAdmin(admin.ModelAdmin):
    """Read-only: beside the processing log, and as append-only as it."""

    list_display = ["created_at", "action", "profile_name", "purpose_code", "eligible", "not_eligible",
                    "not_evaluated", "trace_id"]
    list_filter = ["action", "profile_name", "purpose_code"]
    search_fields = ["trace_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
