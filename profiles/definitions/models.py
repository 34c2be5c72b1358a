"""Profile definitions: profiles, their tree of source relations, and their search actions.

See docs/developer/architecture.md. A profile names the sources a view calls and the fields
it may ask each for; a relation is one node of that tree; a search action finds the subject
before its view is opened. Who may use a profile, and why, is in profiles/access; what was done
with it, in profiles/processing_log.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from profiles.definitions.expressions import ExpressionError, validate_expression
from profiles.subjects import SUBJECT_TYPE_CHOICES, SUBJECT_TYPE_MAX_LENGTH, SUBJECT_TYPES


def _check_expression(field: str, expression: str) -> None:
    if expression.strip():
        try:
            validate_expression(expression)
        except ExpressionError as exc:
            raise ValidationError({field: f"This JQ expression does not compile: {exc}"}) from None


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
    always_pass_markers = models.BooleanField(
        _("always pass on data markers"),
        default=False,
        help_text=_(
            "Pass on the markers a source delivers about a person's data, whatever else is released: the "
            "BRP's geheimhoudingPersoonsgegevens (the person asked that their data is not provided to third "
            "parties), inOnderzoek (data under investigation) and opschortingBijhouding. A group's marker "
            "(naam.inOnderzoek) goes with that group when any of it is released."
        ),
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
        permissions = [
            # A preview asks the real sources about a real subject: it needs this permission and,
            # like any view, a grant of the staff user for the profile and purpose.
            ("preview_profile", "Can preview a profile's view of a subject (with a grant for the purpose)"),
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
    # Consent (profiles/consent): without the subject's consent in force, this relation (and
    # everything below it) is not called and the view reports it as consent_required.
    needs_consent = models.BooleanField(
        _("needs consent"), default=False,
        help_text=_("This relation is only called when the citizen or company has given consent for "
                    "it; otherwise the view reports it as consent_required and calls nothing."),
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


# --- search actions (search, and the Valtimo-compatible front door) --------------------------
# A search action is how a case worker finds the subject before opening its view: criteria in,
# rows with a few columns out, one column identifying the subject. Service: profiles/services/search.py.

SEARCH_CRITERION_TYPES = ("string", "date", "integer", "boolean", "postcode", "bsn", "kvk", "choice")
SEARCH_CRITERION_KEYS = ("name", "label", "type", "required", "param", "validation", "help")
SEARCH_VALIDATION_KEYS = ("pattern", "minLength", "maxLength", "minimum", "maximum", "choices")
SEARCH_COLUMN_KEYS = ("name", "field", "label")
_SEARCH_NAME = r"^[A-Za-z][A-Za-z0-9_]{0,49}$"


class SearchAction(models.Model):
    """A search a profile offers: criteria (typed, validated) -> one source search -> rows."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="search_actions")
    name = models.SlugField(help_text="Used in the API path: /api/v1/profiles/<profile>/search/<name>.")
    title = models.CharField(max_length=200, help_text="Readable name, e.g. 'Zoek op naam en geboortedatum'.")
    description = models.TextField(blank=True)
    source = models.ForeignKey("connectors.Source", on_delete=models.PROTECT, related_name="+")
    operation = models.CharField(
        max_length=100, help_text="The source's search operation (see the connector's list)."
    )
    criteria = models.JSONField(
        default=list,
        help_text='JSON list of criteria, e.g. [{"name": "geslachtsnaam", "type": "string", '
        '"required": true, "label": "Achternaam", "validation": {"minLength": 2}}]. Types: '
        f"{', '.join(SEARCH_CRITERION_TYPES)}. \"param\" names the operation's parameter when it "
        "differs from the name; validation keys: " + ", ".join(SEARCH_VALIDATION_KEYS) + ".",
    )
    columns = models.JSONField(
        default=list,
        help_text='JSON list of the columns of a result row, e.g. [{"name": "naam", "field": '
        '"naam.volledigeNaam", "label": "Naam"}]. IKO asks the source for exactly these fields.',
    )
    identifier_column = models.CharField(
        max_length=50, blank=True,
        help_text="The column whose value opens the detail view (e.g. the column with the BSN). "
        "Empty for a search whose rows open no view (an address search).",
    )
    identifier_type = models.CharField(
        max_length=SUBJECT_TYPE_MAX_LENGTH, choices=SUBJECT_TYPE_CHOICES, blank=True,
        help_text="The subject type of that identifier; the profile's view must accept it.",
    )
    brp_doelbinding = models.CharField(
        "BRP doelbinding (zoeken)",
        max_length=242,
        blank=True,
        help_text="Optional x-doelbinding for this search; empty uses the purpose's search value.",
    )
    max_results = models.PositiveSmallIntegerField(
        default=50, help_text="At most this many rows are returned (the answer says when more were found)."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "name"], name="unique_search_action_name")
        ]

    def __str__(self) -> str:
        return f"{self.profile.name}: {self.title or self.name}"

    @property
    def column_fields(self) -> list[str]:
        return [c["field"] for c in self.columns if isinstance(c, dict) and c.get("field")]

    def criterion_params(self) -> dict[str, str]:
        """Criterion name -> the operation parameter it fills."""
        return {c["name"]: c.get("param") or c["name"] for c in self.criteria if isinstance(c, dict) and "name" in c}

    def clean(self) -> None:
        import re

        errors: dict[str, list[str]] = {}

        def add(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        if self.max_results < 1 or self.max_results > 1000:
            add("max_results", "Give a number from 1 to 1000.")

        # Criteria: shape and types first, so the operation check below can trust them.
        criteria = self.criteria
        if not isinstance(criteria, list) or not criteria:
            add("criteria", "Give at least one criterion, as a JSON list of objects.")
            criteria = []
        names: set[str] = set()
        for index, criterion in enumerate(criteria):
            where = f"criterion {index + 1}"
            if not isinstance(criterion, dict):
                add("criteria", f"{where}: must be an object with at least a name and a type.")
                continue
            unknown = sorted(set(criterion) - set(SEARCH_CRITERION_KEYS))
            if unknown:
                add("criteria", f"{where}: unknown keys {unknown}; allowed: {list(SEARCH_CRITERION_KEYS)}.")
            name = criterion.get("name")
            if not isinstance(name, str) or not re.match(_SEARCH_NAME, name):
                add("criteria", f"{where}: a name starts with a letter and has letters, digits or _ (max 50).")
                continue
            if name in names:
                add("criteria", f"{where}: the name {name!r} is used twice.")
            names.add(name)
            if criterion.get("type") not in SEARCH_CRITERION_TYPES:
                add("criteria", f"{name}: type must be one of {list(SEARCH_CRITERION_TYPES)}.")
            if "required" in criterion and not isinstance(criterion["required"], bool):
                add("criteria", f"{name}: required is true or false.")
            param = criterion.get("param", name)
            if not isinstance(param, str) or not param:
                add("criteria", f"{name}: param must be a parameter name.")
            validation = criterion.get("validation", {})
            if not isinstance(validation, dict):
                add("criteria", f"{name}: validation must be an object.")
                continue
            unknown = sorted(set(validation) - set(SEARCH_VALIDATION_KEYS))
            if unknown:
                add("criteria", f"{name}: unknown validation keys {unknown}; allowed: {list(SEARCH_VALIDATION_KEYS)}.")
            if "pattern" in validation:
                try:
                    re.compile(validation["pattern"])
                except (re.error, TypeError):
                    add("criteria", f"{name}: the pattern is not a valid regular expression.")
            for key in ("minLength", "maxLength"):
                value = validation.get(key)
                if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                    add("criteria", f"{name}: {key} is a whole number of 0 or more.")
            for key in ("minimum", "maximum"):
                value = validation.get(key)
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    add("criteria", f"{name}: {key} is a whole number.")
            if criterion.get("type") == "choice":
                choices = validation.get("choices")
                if not isinstance(choices, list) or not choices or not all(isinstance(c, str) for c in choices):
                    add("criteria", f"{name}: a choice criterion needs validation.choices, a list of texts.")

        # Columns.
        columns = self.columns
        if not isinstance(columns, list) or not columns:
            add("columns", "Give at least one column, as a JSON list of {name, field, label}.")
            columns = []
        column_names: set[str] = set()
        for index, column in enumerate(columns):
            where = f"column {index + 1}"
            if not isinstance(column, dict):
                add("columns", f"{where}: must be an object {{name, field, label}}.")
                continue
            unknown = sorted(set(column) - set(SEARCH_COLUMN_KEYS))
            if unknown:
                add("columns", f"{where}: unknown keys {unknown}; allowed: {list(SEARCH_COLUMN_KEYS)}.")
            name = column.get("name")
            if not isinstance(name, str) or not re.match(_SEARCH_NAME, name):
                add("columns", f"{where}: a name starts with a letter and has letters, digits or _ (max 50).")
                continue
            if name in column_names:
                add("columns", f"{where}: the name {name!r} is used twice.")
            column_names.add(name)
            if not isinstance(column.get("field"), str) or not column["field"].strip():
                add("columns", f"{name}: give the field, a dot path such as naam.volledigeNaam.")
            if "label" in column and not isinstance(column["label"], str):
                add("columns", f"{name}: the label is a text.")
        if bool(self.identifier_column) != bool(self.identifier_type):
            add("identifier_type", "Give both the identifier column and its subject type, or neither.")
        if self.identifier_column and column_names and self.identifier_column not in column_names:
            add("identifier_column", f"Choose one of the columns: {sorted(column_names)}.")
        if self.identifier_type and self.profile_id and self.identifier_type not in (self.profile.subject_types or []):
            add(
                "identifier_type",
                f"The profile's view takes {self.profile.subject_types}; a {self.identifier_type} "
                "identifier could not open it.",
            )
        if errors:
            raise ValidationError(errors)

        # Against the connector: the operation exists, takes these parameters, has these fields.
        connector_class = self.source.connector_class if self.source_id else None
        if connector_class is None:
            return
        operation = self.source.operations.get(self.operation)
        if operation is None:
            raise ValidationError(
                {"operation": f"{connector_class.title} has no operation {self.operation!r}; "
                 f"choose one of: {', '.join(self.source.operations)}."}
            )
        accepted = set(operation.params) | set(operation.subject_types)
        unknown_params = sorted({p for p in self.criterion_params().values() if p not in accepted})
        if unknown_params:
            add(
                "criteria",
                f"{operation.name} takes no parameter(s) {unknown_params}; it takes: "
                f"{', '.join(sorted(accepted)) or 'none'}.",
            )
        known = set(operation.fields)
        unknown_fields = [f for f in self.column_fields if f not in known]
        if unknown_fields:
            add("columns", f"{connector_class.title} cannot deliver {unknown_fields} for {operation.name}.")
        if errors:
            raise ValidationError(errors)

