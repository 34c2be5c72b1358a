"""Consent records and the texts citizens agree to.

A `Consent` is IKO's own record that a data subject (found by the keyed pseudonym of their BSN or
KVK number, as in the processing log; never the number itself) consented to a scope: a purpose or
one relation of a profile (`profiles.consent.scopes`). It holds when and through which channel it
was given (self-service, or recorded by staff at the counter or by phone) and withdrawn, and the
version of the text agreed to. A `ConsentText` is that text, per scope and version, kept by the
privacy officer; a version once used is never changed. Relations and purposes marked
`needs_consent` (profiles.access.models, profiles.definitions.models) are only used while a
consent is in force.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from profiles.consent.scopes import PURPOSE, RELATION, ConsentScope
from profiles.organisations.models import organisation_field
from profiles.subjects import PERSON_SUBJECT_TYPE_CHOICES


class ScopeKind(models.TextChoices):
    PURPOSE = PURPOSE, _("a purpose")
    RELATION = RELATION, _("a relation of a profile")


class ScopedModel(models.Model):
    """The fields that name a scope: a purpose by code, or a relation by profile and name."""

    organisation = organisation_field()
    scope_kind = models.CharField(_("consent for"), max_length=10, choices=ScopeKind.choices)
    purpose_code = models.SlugField(_("purpose"), max_length=100, blank=True)
    profile_name = models.SlugField(_("profile"), max_length=100, blank=True)
    relation_name = models.SlugField(_("relation"), max_length=100, blank=True)

    class Meta:
        abstract = True

    def clean(self) -> None:
        if self.scope_kind == PURPOSE:
            self.profile_name = self.relation_name = ""
            if not self.purpose_code:
                raise ValidationError({"purpose_code": _("Name the purpose (its code).")})
        elif self.scope_kind == RELATION:
            self.purpose_code = ""
            if not (self.profile_name and self.relation_name):
                raise ValidationError({"relation_name": _("Name the profile and the relation.")})

    @property
    def scope(self) -> ConsentScope:
        return ConsentScope(self.scope_kind, self.purpose_code, self.profile_name, self.relation_name)

    @property
    def scope_key(self) -> str:
        return self.scope.key

    # The admin's column title (without it, the admin would title the column "Scope key", untranslated).
    scope_key.fget.short_description = _("what for")


class ConsentText(ScopedModel):
    version = models.CharField(
        _("version"), max_length=50,
        help_text=_("A new version for every change of the text: citizens agree to one version."),
    )
    title = models.CharField(_("title"), max_length=200, help_text=_("What the consent is for, in a few words."))
    text = models.TextField(_("text"), help_text=_("The text the citizen reads and agrees to."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "scope_kind", "purpose_code", "profile_name", "relation_name", "version"],
                name="consent_text_version_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope_key} v{self.version}: {self.title}"


class Consent(ScopedModel):
    class Channel(models.TextChoices):
        SELF_SERVICE = "self_service", _("self-service (the citizen logged in)")
        COUNTER = "counter", _("at the counter (recorded by staff)")
        PHONE = "phone", _("by phone (recorded by staff)")

    subject_type = models.CharField(_("subject type"), max_length=10, choices=PERSON_SUBJECT_TYPE_CHOICES)
    subject_pseudonym = models.CharField(
        _("subject pseudonym"), max_length=64, db_index=True,
        help_text=_("Keyed pseudonym of the BSN or KVK number, as in the processing log."),
    )
    text_version = models.CharField(_("text version"), max_length=50)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    recorded_by = models.CharField(
        _("recorded by"), max_length=200, blank=True,
        help_text=_("The staff member who recorded a consent given at the counter or by phone."),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_channel = models.CharField(_("withdrawn through"), max_length=20, choices=Channel.choices, blank=True)
    withdrawn_by = models.CharField(
        _("withdrawal recorded by"), max_length=200, blank=True,
        help_text=_("The staff member who recorded a withdrawal at the counter or by phone."),
    )

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["subject_type", "subject_pseudonym", "withdrawn_at"])]
        constraints = [
            # Two requests giving the same consent at once cannot both create one.
            models.UniqueConstraint(
                fields=["organisation", "subject_type", "subject_pseudonym", "scope_kind", "purpose_code", "profile_name", "relation_name"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="consent_one_in_force_per_scope",
            )
        ]

    def __str__(self) -> str:
        state = _("withdrawn") if self.withdrawn_at else _("in force")
        return f"{self.scope_key} ({self.subject_type} {self.subject_pseudonym[:12]}…, {state})"

    @property
    def in_force(self) -> bool:
        return self.withdrawn_at is None and self.given_at <= timezone.now()
