"""Regelingen (products, schemes, benefits) with eligibility criteria as data, prefill attributes
for forms, and the record of which regelingen an evaluation looked at.

- A `Regeling` reads the view of one profile under its own purpose (for example
  `proactieve-dienstverlening`, with its own legal basis) and may need the citizen's consent.
- Its `Criterion`s are ordered JQ predicates over that view, each with a human text; a regeling
  holds when every criterion gives true. Each predicate is compiled at save time and the field
  names it reads are derived from its paths (`profiles/definitions/jq_paths.py`), for the
  explanation and to know which sources it depends on.
- A `PrefillAttribute` maps an attribute name a form engine asks for onto a path in a profile's
  view and the source it comes from.
- A `SuggestionRecord` sits beside a processing record (same trace and span id): which
  regelingen were evaluated and how many had each outcome. Never a value, never an outcome per
  regeling. Append-only, like the processing log.

Evaluation happens per request and nothing of it is stored (`services.py`).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from profiles.access.narrowing import grant_fields_outside_profile
from profiles.organisations.models import organisation_field, organisation_mismatches
from profiles.definitions.expressions import ExpressionError, validate_expression
from profiles.definitions.jq_paths import WHOLE_VIEW, expression_read_paths

from .paths import relation_of, relation_paths

ATTRIBUTE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*")
VIEW_PATH = re.compile(r"[^\s.]+(\.[^\s.]+)*")
# Printable text without line breaks: a UPL code is a name or a URI.
ONE_LINE = re.compile(r"[^\x00-\x1f\x7f]*")


class Regeling(models.Model):
    organisation = organisation_field()
    name = models.SlugField(
        _("name"), max_length=100,
        help_text=_("A short, stable name used in the API answer and the configuration file, for "
                    "example bijzondere-bijstand."),
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("The regeling's name as citizens know it, for example Bijzondere bijstand."),
    )
    description = models.TextField(
        _("short description"), blank=True,
        help_text=_("One or two sentences about what the regeling offers; shown with a suggestion."),
    )
    product_url = models.URLField(
        _("product page"), max_length=500, blank=True,
        help_text=_("The link to the product page on the municipality's website."),
    )
    upl_code = models.CharField(
        _("UPL code"), max_length=300, blank=True,
        help_text=_("The product's name or URI in the Uniforme Productnamenlijst (UPL), when it has one."),
    )
    profile = models.ForeignKey(
        "profiles.Profile", on_delete=models.PROTECT, related_name="regelingen", verbose_name=_("profile"),
        limit_choices_to={"draft_of__isnull": True},
        help_text=_("The profile whose view the criteria read."),
    )
    purpose = models.ForeignKey(
        "profiles.Purpose", on_delete=models.PROTECT, related_name="+", verbose_name=_("purpose"),
        help_text=_("The purpose the data are fetched under to evaluate this regeling, for example "
                    "proactieve-dienstverlening with its own legal basis. A caller needs a grant on the "
                    "profile for this purpose."),
    )
    needs_consent = models.BooleanField(
        _("needs consent"), default=False,
        help_text=_("Evaluate this regeling only when the citizen or company has given consent for its "
                    "purpose. Without consent it is reported as not evaluated and nothing is fetched for it."),
    )
    enabled = models.BooleanField(_("enabled"), default=True, help_text=_("Only enabled regelingen are evaluated."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("regeling")
        verbose_name_plural = _("regelingen")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_regeling_name")]

    def __str__(self) -> str:
        return self.title or self.name

    def clean(self) -> None:
        if problems := organisation_mismatches(
            self.organisation_id,
            profile=self.profile if self.profile_id else None, purpose=self.purpose if self.purpose_id else None,
        ):
            raise ValidationError(problems)
        if not ONE_LINE.fullmatch(self.upl_code or ""):
            raise ValidationError({"upl_code": _("Give the UPL name or URI on one line.")})
        self.upl_code = (self.upl_code or "").strip()
        if self.profile_id and self.profile.draft_of_id:
            raise ValidationError({"profile": _("Choose a live profile, not a draft revision.")})


class Criterion(models.Model):
    regeling = models.ForeignKey(Regeling, on_delete=models.CASCADE, related_name="criteria",
                                 verbose_name=_("regeling"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    expression = models.TextField(
        _("JQ predicate"),
        help_text=_("A JQ expression over the profile's view data that gives true when the criterion "
                    "holds, for example .persoon.leeftijd >= 18. false or null: it does not hold; an "
                    "error or any other answer: the regeling cannot be evaluated."),
    )
    text = models.CharField(
        _("explanation"), max_length=300,
        help_text=_("What the criterion means, in words a citizen understands, for example: Uw inkomen "
                    "is lager dan 24.000 euro per jaar. Shown with a suggestion; it must not hold "
                    "anyone's personal data."),
    )
    fields_read = models.JSONField(
        _("fields read"), default=list, editable=False,
        help_text=_("The field names the predicate reads, derived from its paths when it is saved."),
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        self.expression = (self.expression or "").strip()
        if not self.expression:
            raise ValidationError({"expression": _("Write the predicate, for example .persoon.leeftijd >= 18.")})
        try:
            validate_expression(self.expression)
        except ExpressionError as exc:
            raise ValidationError(
                {"expression": _("This JQ expression does not compile: %(error)s") % {"error": exc}}
            ) from None
        reads = [p for p in expression_read_paths(self.expression) if p != WHOLE_VIEW]
        # In the admin, a new regeling's criteria are checked before the regeling is saved.
        regeling = getattr(self, "regeling", None)
        profile = getattr(regeling, "profile", None) if regeling is not None else None
        if profile is not None and profile.pk and reads:
            outside = grant_fields_outside_profile(profile=profile, fields=reads)
            if outside:
                raise ValidationError({"expression": _(
                    "This predicate reads %(fields)s, which the view of profile %(profile)s does not have. "
                    "Paths start with the relation's name, for example .persoon.leeftijd."
                ) % {"fields": ", ".join(outside), "profile": profile.name}})

    def save(self, *args, **kwargs):
        self.fields_read = list(expression_read_paths(self.expression.strip()))
        super().save(*args, **kwargs)


class PrefillAttribute(models.Model):
    profile = models.ForeignKey(
        "profiles.Profile", on_delete=models.CASCADE, related_name="prefill_attributes",
        verbose_name=_("profile"), limit_choices_to={"draft_of__isnull": True},
        help_text=_("The profile whose view holds the value."),
    )
    name = models.CharField(
        _("attribute"), max_length=100,
        help_text=_("The attribute name a form engine asks for, for example inkomen.brutoJaar."),
    )
    path = models.CharField(
        _("path in the view"), max_length=300,
        help_text=_("The dot path of the value in the view's data, for example persoon.inkomen.brutoJaar."),
    )
    source = models.ForeignKey(
        "connectors.Source", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("source"),
        help_text=_("The source the value comes from; the answer names it with the time it was retrieved. "
                    "Leave it empty to take the source of the relation the path lies in."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["profile__name", "order", "name"]
        verbose_name = _("prefill attribute")
        verbose_name_plural = _("prefill attributes")
        constraints = [
            models.UniqueConstraint(fields=["profile", "name"], name="unique_prefill_attribute_name"),
        ]

    def __str__(self) -> str:
        return f"{self.profile.name}: {self.name}" if self.profile_id else self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.name = (self.name or "").strip()
        self.path = (self.path or "").strip()
        if not ATTRIBUTE_NAME.fullmatch(self.name):
            errors["name"] = _("Use letters, digits and _ in parts joined by dots, for example inkomen.brutoJaar.")
        if not VIEW_PATH.fullmatch(self.path):
            errors["path"] = _("Give a dot path without spaces, for example persoon.naam.voornamen.")
        if errors or not self.profile_id:
            if errors:
                raise ValidationError(errors)
            return
        profile = self.profile
        if profile.draft_of_id:
            raise ValidationError({"profile": _("Choose a live profile, not a draft revision.")})
        if grant_fields_outside_profile(profile=profile, fields=[self.path]):
            raise ValidationError({"path": _(
                "The view of profile %(profile)s has no %(path)s. Paths start with the relation's name, "
                "for example persoon.naam.voornamen."
            ) % {"profile": profile.name, "path": self.path}})
        if profile.output_transform.strip():
            if self.source_id is None:
                raise ValidationError({"source": _(
                    "Name the source: the profile's output transform gives the view its own shape, so "
                    "IKO cannot tell which source a path comes from."
                )})
            return
        relations = {r.name: r for r in profile.relations.all()}
        relation = relation_of(self.path, relation_paths(profile))
        if relation is None:
            raise ValidationError({"path": _("The path must lie in one of the profile's relations.")})
        derived = relations[relation].source
        if self.source_id is None:
            self.source = derived
        elif self.source_id != derived.pk:
            raise ValidationError({"source": _(
                "The path lies in relation %(relation)s, whose data come from source %(source)s."
            ) % {"relation": relation, "source": derived.name}})


class SuggestionRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Suggestion records are append-only.")

    def delete(self):
        raise TypeError("Suggestion records are append-only; the processing log purge removes old ones.")

    def purge_created_before(self, cutoff) -> int:
        """Delete the records created before `cutoff` (the processing log's retention)."""
        count, _ = models.QuerySet.delete(self.model.objects.filter(created_at__lt=cutoff))
        return count


class SuggestionRecord(models.Model):
    """Which regelingen one evaluation looked at and how many had each outcome: beside the
    processing record with the same trace id, span id and purpose. Never values."""

    organisation = organisation_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=30, help_text=_("suggestions, or preview (in the admin)."))
    trace_id = models.CharField(_("trace id"), max_length=32, db_index=True)
    span_id = models.CharField(_("span id"), max_length=16)
    profile_name = models.CharField(_("profile"), max_length=100)
    purpose_code = models.CharField(_("purpose"), max_length=100)
    regelingen = models.JSONField(_("regelingen evaluated"), default=list)
    eligible = models.PositiveIntegerField(_("eligible"), default=0)
    not_eligible = models.PositiveIntegerField(_("not eligible"), default=0)
    not_evaluated = models.PositiveIntegerField(_("could not be evaluated"), default=0)
    fields_read = models.JSONField(_("fields read"), default=list, help_text=_("Field names, never values."))

    objects = SuggestionRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("suggestion record")
        verbose_name_plural = _("suggestion records")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.profile_name} {self.purpose_code}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Suggestion records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Suggestion records are append-only.")
