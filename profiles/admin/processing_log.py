"""Admin of the processing log: read-only records, the privacy officer's search for all processing
about one subject with its CSV export, and the read-only subject lookup alerts."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from profiles.admin.organisations import admin_organisation_id
from profiles.processing_log.models import ProcessingRecord, SubjectLookupAlert
from profiles.processing_log.export import processing_records_csv
from profiles.processing_log.inspection import processing_log_inspect
from profiles.refusals import InvalidSubject, ProcessingLogUnavailable
from profiles.subjects import SUBJECT_TYPE_CHOICES, subject_parse

# How many records the subject search shows on the page; the CSV export has them all.
SUBJECT_SEARCH_ROWS = 500


class SubjectSearchForm(forms.Form):
    subject_type = forms.ChoiceField(label=_("Subject type"), choices=SUBJECT_TYPE_CHOICES, initial="bsn")
    subject_value = forms.CharField(
        label=_("BSN or KVK number"), max_length=1000,  # also a zaak or object URL
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("IKO computes the keyed pseudonym of this number and finds the records with it; the "
        "number itself is not stored."),
    )
    purpose = forms.CharField(label=_("Purpose"), required=False, max_length=100, help_text=_("A purpose code, e.g. klantcontact."))
    actor = forms.CharField(label=_("Actor"),
        required=False, max_length=200, help_text=_("Part of the actor, calling system or end user.")
    )
    since = forms.DateField(required=False, widget=AdminDateWidget, label=_("From (date)"))
    until = forms.DateField(required=False, widget=AdminDateWidget, label=_("Until (date, included)"))

    def clean(self):
        data = super().clean()
        try:
            data["subject"] = subject_parse(subject_type=data.get("subject_type", ""), value=data.get("subject_value", ""))
        except InvalidSubject as exc:
            raise ValidationError({"subject_value": str(exc)}) from None
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            raise ValidationError({"until": gettext("The end lies before the start.")})
        return data


@admin.register(ProcessingRecord)
class ProcessingRecordAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only and nobody edits or deletes it here."""

    list_display = ["created_at", "action", "actor", "purpose_code", "profile_name", "subject_type", "outcome", "reason", "http_status", "duration_ms"]
    list_filter = ["outcome", "action", "actor_type", "reason", "purpose_code", "profile_name", "subject_type"]
    search_fields = ["actor", "calling_system", "trace_id", "subject_pseudonym", "on_behalf_of", "fsc_transaction_id"]
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
            "title": gettext("Find all processing about one subject"), "records": None,
        }
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            export = request.POST.get("export") == "csv"
            try:
                records = processing_log_inspect(
                    subject=data["subject"], username=request.user.get_username(), export=export,
                    organisation_id=admin_organisation_id(request),
                    purpose_code=data.get("purpose", ""), actor=data.get("actor", ""),
                    since=data.get("since"), until=data.get("until"),
                )
            except ProcessingLogUnavailable:
                messages.error(request, gettext("The processing log cannot be written, so the search shows nothing."))
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
