"""Profiles, their source relations, purposes, grants and the append-only processing log.

See ../shared/ARCHITECTURE.md, section 2. A profile names the sources a view calls and the fields
it may ask each for; a purpose (doelbinding) says why; a grant says which API client may use
which profile for which purpose (deny by default); the processing log records every view request,
allowed or denied, without the data itself.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from .expressions import ExpressionError, validate_expression
from .subjects import SUBJECT_TYPE_CHOICES, SUBJECT_TYPES


def _check_expression(field: str, expression: str) -> None:
    if expression.strip():
        try:
            validate_expression(expression)
        except ExpressionError as exc:
            raise ValidationError({field: f"This JQ expression does not compile: {exc}"}) from None


class Purpose(models.Model):
    code = models.SlugField(
        unique=True, help_text="Short code callers send as `purpose` (for example: kcc-vraag)."
    )
    name = models.CharField(max_length=200, help_text="What the processing is for, in words.")
    legal_basis = models.TextField(
        blank=True, help_text="The legal basis (grondslag) of this processing, for the register."
    )
    processing_activity_id = models.CharField(
        max_length=242,
        blank=True,
        help_text="Identifier or URL of the entry in the register of processing activities "
        "(verwerkingsactiviteit); it goes into every processing record.",
    )
    brp_doelbinding_consult = models.CharField(
        "BRP doelbinding (raadplegen)",
        max_length=242,
        blank=True,
        help_text="Value for the BRP gateway's x-doelbinding header when consulting by BSN.",
    )
    brp_doelbinding_search = models.CharField(
        "BRP doelbinding (zoeken)",
        max_length=242,
        blank=True,
        help_text="Value for x-doelbinding when searching (ZoekMet...); often differs from consulting.",
    )
    brp_verwerking = models.CharField(
        "BRP verwerking",
        max_length=242,
        blank=True,
        help_text="Value for x-verwerking: verwerkingsactiviteit@detail, at most one '@'.",
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        if self.brp_verwerking.count("@") > 1:
            raise ValidationError({"brp_verwerking": "Use at most one '@' (activiteit@detail)."})


class Profile(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft (not callable)"
        ACTIVE = "active", "Active"

    name = models.SlugField(
        help_text="Used in the API path, e.g. /api/v1/profiles/klantbeeld/view."
    )
    title = models.CharField(max_length=200, help_text="Readable name for admins and callers.")
    description = models.TextField(blank=True)
    subject_types = models.JSONField(
        default=list,
        help_text=f"Subject types this profile accepts, as a JSON list: {list(SUBJECT_TYPES)}.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1, editable=False)
    output_transform = models.TextField(
        blank=True,
        help_text="Optional JQ expression that shapes the whole view's data, e.g. "
        "{naam: .persoon.naam.volledigeNaam, zaken: [.zaken[]?.omschrijving]}.",
    )
    draft_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="drafts",
        editable=False,
        help_text="Set on a draft revision of a live profile; publishing copies it over the live one.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(draft_of__isnull=True),
                name="unique_profile_name",
            )
        ]

    def __str__(self) -> str:
        label = self.title or self.name
        return f"{label} (draft revision)" if self.draft_of_id else label

    def clean(self) -> None:
        _check_expression("output_transform", self.output_transform)
        types = self.subject_types
        if not isinstance(types, list) or not types:
            raise ValidationError({"subject_types": "Give at least one subject type as a JSON list."})
        unknown = [t for t in types if t not in SUBJECT_TYPES]
        if unknown:
            raise ValidationError(
                {"subject_types": f"Unknown subject types {unknown}; known: {list(SUBJECT_TYPES)}."}
            )

    def save(self, *args, **kwargs):
        if self.pk:
            self.version = models.F("version") + 1
        super().save(*args, **kwargs)
        if self.pk:
            self.refresh_from_db(fields=["version"])


class Relation(models.Model):
    """One source call of a profile: which operation, and which fields it may ask for."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="relations")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        help_text="Leave empty for a top-level relation. A child runs once per item of its "
        "parent's data and its result is placed in that item under this relation's name.",
    )
    name = models.SlugField(
        help_text="Property name of this relation's data in the view (for example: persoon)."
    )
    source = models.ForeignKey("connectors.Source", on_delete=models.PROTECT, related_name="+")
    operation = models.CharField(
        max_length=100, help_text="Operation of the source's API (see the connector's list)."
    )
    input_expression = models.TextField(
        blank=True,
        help_text="JQ expression that turns the parent's item into the call's parameters, e.g. "
        "{nummeraanduidingIdentificatie: .verblijfplaats.nummeraanduidingIdentificatie}. An array "
        "of objects means one call per element; null or no output means no call. Top-level "
        "relations get the subject ({type, value, bsn|kvk}) and may leave this empty.",
    )
    fields = models.JSONField(
        default=list,
        help_text="JSON list of the dot paths this relation may ask its source for, e.g. "
        '["naam.volledigeNaam", "geboorte.datum"]. Include what child relations need as input.',
    )
    release_fields = models.JSONField(
        default=list,
        blank=True,
        help_text="JSON list of the paths that may leave IKO; empty means the same as fields. "
        "Use it to ask for a linking field (a BSN, an id) without releasing it.",
    )
    output_transform = models.TextField(
        blank=True,
        help_text="Optional JQ expression that shapes this relation's (already minimised) data.",
    )
    max_calls = models.PositiveSmallIntegerField(
        default=20,
        help_text="At most this many calls of this relation per view (array inputs, list parents).",
    )
    required = models.BooleanField(
        default=False,
        help_text="If this relation fails, the whole view fails (502/504) instead of answering partially.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "name"], name="unique_relation_name")
        ]

    def __str__(self) -> str:
        return f"{self.profile.name}.{self.name}"

    @property
    def allowed_release_fields(self) -> list[str]:
        return list(self.release_fields or self.fields)

    def clean(self) -> None:
        _check_expression("input_expression", self.input_expression)
        _check_expression("output_transform", self.output_transform)
        if self.parent_id:
            if self.parent.profile_id != self.profile_id:
                raise ValidationError({"parent": "The parent must be a relation of the same profile."})
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    raise ValidationError({"parent": "A relation cannot be its own ancestor."})
                ancestor = ancestor.parent
            if not self.input_expression.strip():
                raise ValidationError(
                    {"input_expression": "A child relation needs an input expression that picks "
                     "its parameters from the parent's data."}
                )
        if not isinstance(self.release_fields, list):
            raise ValidationError({"release_fields": "Give a JSON list of paths (or leave it empty)."})
        outside = [f for f in self.release_fields if not _covered(f, self.fields)]
        if outside:
            raise ValidationError(
                {"release_fields": f"Release only fields this relation asks for; not asked: {outside}."}
            )
        connector_class = self.source.connector_class if self.source_id else None
        if connector_class is None:
            return
        operations = self.source.operations
        operation = operations.get(self.operation)
        if operation is None:
            raise ValidationError(
                {
                    "operation": f"{connector_class.title} has no operation {self.operation!r}; "
                    f"choose one of: {', '.join(operations)}."
                }
            )
        if not isinstance(self.fields, list) or not self.fields:
            raise ValidationError({"fields": "List at least one field, as a JSON list of paths."})
        known = set(operation.fields)
        unknown = [f for f in self.fields if f not in known]
        if unknown:
            raise ValidationError(
                {"fields": f"{connector_class.title} cannot deliver {unknown} for {operation.name}."}
            )
        profile_types = set(self.profile.subject_types or [])
        if (
            not self.parent_id
            and not self.input_expression.strip()
            and profile_types
            and not profile_types & set(operation.subject_types)
        ):
            raise ValidationError(
                {
                    "operation": f"{operation.name} takes {list(operation.subject_types)}, "
                    f"but the profile is for {sorted(profile_types)}."
                }
            )


def _covered(path: str, allowed: list[str]) -> bool:
    return any(path == a or path.startswith(a + ".") for a in allowed)


class Grant(models.Model):
    """Permission for one API client to use one profile for one purpose. Nothing else is allowed."""

    api_client = models.ForeignKey("api.ApiClient", on_delete=models.CASCADE, related_name="grants")
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="grants")
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="grants")
    enabled = models.BooleanField(default=True)
    note = models.CharField(
        max_length=242, blank=True, help_text="Why this grant exists (decision, ticket)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["api_client", "profile", "purpose"], name="unique_grant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.api_client} may use {self.profile.name} for {self.purpose.code}"


class ProcessingRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The processing log is append-only.")

    def delete(self):
        raise TypeError("The processing log is append-only; use the purge command for retention.")


class ProcessingRecord(models.Model):
    """One processing of personal data (or a refusal to do it). Never the data itself."""

    class Outcome(models.TextChoices):
        COMPLETE = "complete", "Complete view"
        PARTIAL = "partial", "Partial view (a source failed)"
        FAILED = "failed", "No view (all sources failed)"
        DENIED = "denied", "Denied (no grant)"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    trace_id = models.CharField(max_length=32, db_index=True)
    span_id = models.CharField(max_length=16)
    actor = models.CharField(max_length=200, help_text="The API client or user that asked.")
    on_behalf_of = models.CharField(
        max_length=242, blank=True, help_text="The end user the caller acted for, if it said so."
    )
    purpose_code = models.CharField(max_length=100, db_index=True)
    processing_activity_id = models.CharField(max_length=242, blank=True)
    profile_name = models.CharField(max_length=100)
    profile_version = models.PositiveIntegerField(null=True)
    subject_type = models.CharField(max_length=10, choices=SUBJECT_TYPE_CHOICES)
    subject_pseudonym = models.CharField(max_length=64, db_index=True)
    sources = models.JSONField(default=dict, help_text="Source name to call status.")
    fields_released = models.JSONField(default=list, help_text="Names of the fields released.")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    http_status = models.PositiveSmallIntegerField()
    duration_ms = models.FloatField()

    objects = ProcessingRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["actor", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor} {self.profile_name} {self.outcome}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The processing log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The processing log is append-only.")
