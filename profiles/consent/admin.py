"""The privacy officer's screens for consent: the consent records, the consent texts, and a form to
record a consent (or its withdrawal) that a citizen gave at the counter or by phone.

Consent records are never edited or deleted here: a consent changes only through the services
(profiles/consent/services.py), which log every change with the staff member as actor. The form is
sent by POST, so a BSN never appears in a URL; the list shows pseudonyms, never numbers.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from profiles.consent.models import Consent, ConsentText
from profiles.consent.scopes import ConsentScope, InvalidScope
from profiles.consent.selectors import consent_text_current, consents_of_subject
from profiles.consent.services import ConsentActor, ConsentRefused, consent_give, consent_withdraw
from profiles.refusals import InvalidSubject, ProcessingLogUnavailable
from profiles.subjects import PERSON_SUBJECT_TYPE_CHOICES, subject_parse
from profiles.tracing import trace_from_header


class InForceFilter(admin.SimpleListFilter):
    title = _("in force")
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return [("yes", _("In force")), ("no", _("Withdrawn"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(withdrawn_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(withdrawn_at__isnull=False)
        return queryset


class RecordForm(forms.Form):
    GIVE, WITHDRAW = "give", "withdraw"
    what = forms.ChoiceField(
        label=_("What the citizen said"),
        choices=[(GIVE, _("gives consent")), (WITHDRAW, _("withdraws consent"))],
    )
    subject_type = forms.ChoiceField(label=_("Subject type"), choices=PERSON_SUBJECT_TYPE_CHOICES)
    subject_value = forms.CharField(label=_("BSN or KVK number"), max_length=20)
    scope = forms.CharField(
        label=_("Consent for"), max_length=220,
        help_text=_("purpose:<purpose code> or relation:<profile>.<relation>, e.g. relation:mijn-omgeving.inkomens."),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(Consent.Channel.COUNTER, Consent.Channel.COUNTER.label), (Consent.Channel.PHONE, Consent.Channel.PHONE.label)],
    )
    text_version = forms.CharField(
        label=_("Text version"), max_length=50, required=False,
        help_text=_("The version of the consent text read to or by the citizen (needed to give consent)."),
    )

    def clean(self):
        data = super().clean()
        try:
            data["subject"] = subject_parse(subject_type=data.get("subject_type", ""), value=data.get("subject_value", ""))
        except InvalidSubject as exc:
            raise ValidationError({"subject_value": str(exc)}) from None
        try:
            data["consent_scope"] = ConsentScope.parse(data.get("scope", ""))
        except InvalidScope as exc:
            raise ValidationError({"scope": str(exc)}) from None
        if data.get("what") == self.GIVE and not data.get("text_version"):
            raise ValidationError({"text_version": _("Give the version of the text the citizen agreed to.")})
        return data


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["scope_key", "subject_type", "short_pseudonym", "channel", "given_at", "withdrawn_at", "text_version"]
    list_filter = ["scope_kind", "channel", InForceFilter]
    search_fields = ["=subject_pseudonym", "purpose_code", "profile_name", "relation_name"]
    readonly_fields = [f.name for f in Consent._meta.fields]
    change_list_template = "admin/consent/consent/change_list.html"

    @admin.display(description=_("pseudonym"))
    def short_pseudonym(self, obj):
        return f"{obj.subject_pseudonym[:16]}…"

    def has_add_permission(self, request):
        return False  # through the record form, which logs it

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        own = [path("record/", self.admin_site.admin_view(self.record_view), name="consent_consent_record")]
        return own + super().get_urls()

    def record_view(self, request):
        if not request.user.has_perm("consent.add_consent"):
            raise PermissionDenied
        form = RecordForm(request.POST or None)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "title": _("Record a consent given or withdrawn at the counter or by phone")}
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            username = request.user.get_username()
            by = ConsentActor(actor=f"user:{username}", actor_type="user", calling_system="admin",
                              on_behalf_of=username, channel=data["channel"], recorded_by=username)
            subject, scope = data["subject"], data["consent_scope"]
            trace = trace_from_header(None)
            try:
                if data["what"] == RecordForm.GIVE:
                    consent_give(subject=subject, scope=scope, text_version=data["text_version"], by=by, trace=trace)
                    messages.success(request, _("The consent for %(scope)s is recorded.") % {"scope": scope.key})
                else:
                    consent_withdraw(subject=subject, scope=scope, by=by, trace=trace)
                    messages.success(request, _("The consent for %(scope)s is withdrawn.") % {"scope": scope.key})
            except ConsentRefused as refusal:
                messages.error(request, refusal.detail)
            except ProcessingLogUnavailable:
                messages.error(request, _("The processing log cannot be written, so nothing was changed."))
            else:
                context["consents"] = list(consents_of_subject(subject=subject))
        return TemplateResponse(request, "admin/consent/consent/record.html", context)


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    list_display = ["scope_key", "version", "title", "created_at", "is_current"]
    list_filter = ["scope_kind"]
    search_fields = ["purpose_code", "profile_name", "relation_name", "title"]
    fields = ["scope_kind", "purpose_code", "profile_name", "relation_name", "version", "title", "text", "created_at"]
    readonly_fields = ["created_at"]

    @admin.display(description=_("current"), boolean=True)
    def is_current(self, obj):
        current = consent_text_current(scope=obj.scope)
        return current is not None and current.pk == obj.pk

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            # Citizens agreed to this version as it reads: change the text by adding a version.
            return [*self.fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False
