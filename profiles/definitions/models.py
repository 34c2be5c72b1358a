"""Profile definitions: profiles, their tree of source relations, and their search actions.

See docs/developer/architecture.md. A profile names the sources a view calls and the fields
it may ask each for; a relation is one node of that tree; a search action finds the subject
before its view is opened. Who may use a profile, and why, is in profiles/access; what was done
with it, in profiles/processing_log.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy as _, gettext_noop

from profiles.definitions.expressions import ExpressionError, validate_expression
from profiles.organisations.models import organisation_field, organisation_mismatches
from profiles.subjects import SUBJECT_TYPE_CHOICES, SUBJECT_TYPE_MAX_LENGTH, SUBJECT_TYPES


def _check_expression(field: str, expression: str) -> None:
    if expression.strip():
        try:
            validate_expression(expression)
        except ExpressionError as exc:
            raise ValidationError({field: gettext("This JQ expression does not compile: %(error)s") % {"error": exc}}) from None


class Profile(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (not callable)")
        ACTIVE = "active", _("Active")

    organisation = organisation_field()

    name = models.SlugField(
        verbose_name=_("name"),
        help_text=_("Used in the API path, e.g. /api/v1/profiles/klantbeeld/view.")
    )
    title = models.CharField(verbose_name=_("title"), max_length=200, help_text=_("Readable name for admins and callers."))
    description = models.TextField(verbose_name=_("description"), blank=True)
    subject_types = models.JSONField(
        verbose_name=_("subject types"),
        default=list,
        help_text=format_lazy(_("Subject types this profile accepts, as a JSON list: {types}."), types=list(SUBJECT_TYPES)),
    )
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(verbose_name=_("version"), default=1, editable=False)
    output_transform = models.TextField(
        verbose_name=_("output transform"),
        blank=True,
        help_text=_("Optional JQ expression that shapes the whole view's data, e.g. "
        "{naam: .persoon.naam.volledigeNaam, zaken: [.zaken[]?.omschrijving]}."),
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
        "self", verbose_name=_("draft of"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="drafts",
        editable=False,
        help_text=_("Set on a draft revision of a live profile; publishing copies it over the live one."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                condition=models.Q(draft_of__isnull=True),
                name="unique_profile_name",
            )
        ]
        permissions = [
            # A preview asks the real sources about a real subject: it needs this permission and,
            # like any view, a grant of the staff user for the profile and purpose. (The names are
            # stored in English; the admin shows them translated: profiles/admin/users.py.)
            ("preview_profile", gettext_noop("Can preview a profile's view of a subject (with a grant for the purpose)")),
        ]

    def __str__(self) -> str:
        label = self.title or self.name
        return gettext("%(profile)s (draft revision)") % {"profile": label} if self.draft_of_id else label

    def clean(self) -> None:
        _check_expression("output_transform", self.output_transform)
        types = self.subject_types
        if not isinstance(types, list) or not types:
            raise ValidationError({"subject_types": gettext("Give at least one subject type as a JSON list.")})
        unknown = [t for t in types if t not in SUBJECT_TYPES]
        if unknown:
            raise ValidationError(
                {"subject_types": gettext("Unknown subject types %(unknown)s; known: %(known)s.")
                 % {"unknown": unknown, "known": list(SUBJECT_TYPES)}}
            )

    def save(self, *args, **kwargs):
        if self.pk:
            self.version = models.F("version") + 1
        super().save(*args, **kwargs)
        if self.pk:
            self.refresh_from_db(fields=["version"])


class Relation(models.Model):
    """One source call of a profile: which operation, and which fields it may ask for."""

    profile = models.ForeignKey(Profile, verbose_name=_("profile"), on_delete=models.CASCADE, related_name="relations")
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("Leave empty for a top-level relation. A child runs once per item of its "
        "parent's data and its result is placed in that item under this relation's name."),
    )
    name = models.SlugField(
        verbose_name=_("name"),
        help_text=_("Property name of this relation's data in the view (for example: persoon).")
    )
    source = models.ForeignKey("connectors.Source", verbose_name=_("source"), on_delete=models.PROTECT, related_name="+")
    operation = models.CharField(
        verbose_name=_("operation"),
        max_length=100, help_text=_("Operation of the source's API (see the connector's list).")
    )
    input_expression = models.TextField(
        verbose_name=_("input expression"),
        blank=True,
        help_text=_("JQ expression that turns the parent's item into the call's parameters, e.g. "
        "{nummeraanduidingIdentificatie: .verblijfplaats.nummeraanduidingIdentificatie}. An array "
        "of objects means one call per element; null or no output means no call. Top-level "
        "relations get the subject ({type, value, bsn|kvk}) and may leave this empty."),
    )
    fields = models.JSONField(
        verbose_name=_("fields"),
        default=list,
        help_text=_("JSON list of the dot paths this relation may ask its source for, e.g. "
        '["naam.volledigeNaam", "geboorte.datum"]. Include what child relations need as input.'),
    )
    release_fields = models.JSONField(
        verbose_name=_("release fields"),
        default=list,
        blank=True,
        help_text=_("JSON list of the paths that may leave IKO; empty means the same as fields. "
        "Use it to ask for a linking field (a BSN, an id) without releasing it."),
    )
    output_transform = models.TextField(
        verbose_name=_("output transform"),
        blank=True,
        help_text=_("Optional JQ expression that shapes this relation's (already minimised) data."),
    )
    max_calls = models.PositiveSmallIntegerField(
        verbose_name=_("max calls"),
        default=20,
        help_text=_("At most this many calls of this relation per view (array inputs, list parents)."),
    )
    required = models.BooleanField(
        verbose_name=_("required"),
        default=False,
        help_text=_("If this relation fails, the whole view fails (502/504) instead of answering partially."),
    )
    # Consent (profiles/consent): without the subject's consent in force, this relation (and
    # everything below it) is not called and the view reports it as consent_required.
    needs_consent = models.BooleanField(
        _("needs consent"), default=False,
        help_text=_("This relation is only called when the citizen or company has given consent for "
                    "it; otherwise the view reports it as consent_required and calls nothing."),
    )
    order = models.PositiveSmallIntegerField(verbose_name=_("order"), default=0)

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
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
        if self.profile_id and self.source_id and (
            problems := organisation_mismatches(self.profile.organisation_id, source=self.source)
        ):
            raise ValidationError(problems)
        _check_expression("input_expression", self.input_expression)
        _check_expression("output_transform", self.output_transform)
        if self.parent_id:
            if self.parent.profile_id != self.profile_id:
                raise ValidationError({"parent": gettext("The parent must be a relation of the same profile.")})
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    raise ValidationError({"parent": gettext("A relation cannot be its own ancestor.")})
                ancestor = ancestor.parent
            if not self.input_expression.strip():
                raise ValidationError(
                    {"input_expression": gettext("A child relation needs an input expression that picks "
                     "its parameters from the parent's data.")}
                )
        if not isinstance(self.release_fields, list):
            raise ValidationError({"release_fields": gettext("Give a JSON list of paths (or leave it empty).")})
        outside = [f for f in self.release_fields if not _covered(f, self.fields)]
        if outside:
            raise ValidationError(
                {"release_fields": gettext("Release only fields this relation asks for; not asked: %(fields)s.")
                 % {"fields": outside}}
            )
        connector_class = self.source.connector_class if self.source_id else None
        if connector_class is None:
            return
        operations = self.source.operations
        operation = operations.get(self.operation)
        if operation is None:
            raise ValidationError(
                {
                    "operation": gettext("%(connector)s has no operation %(operation)r; choose one of: %(known)s.")
                    % {"connector": connector_class.title, "operation": self.operation, "known": ", ".join(operations)}
                }
            )
        if not isinstance(self.fields, list) or not self.fields:
            raise ValidationError({"fields": gettext("List at least one field, as a JSON list of paths.")})
        known = set(operation.fields)
        unknown = [f for f in self.fields if f not in known]
        if unknown:
            raise ValidationError(
                {"fields": gettext("%(connector)s cannot deliver %(fields)s for %(operation)s.")
                 % {"connector": connector_class.title, "fields": unknown, "operation": operation.name}}
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
                    "operation": gettext("%(operation)s takes %(takes)s, but the profile is for %(types)s.")
                    % {"operation": operation.name, "takes": list(operation.subject_types), "types": sorted(profile_types)}
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

    profile = models.ForeignKey(Profile, verbose_name=_("profile"), on_delete=models.CASCADE, related_name="search_actions")
    name = models.SlugField(verbose_name=_("name"), help_text=_("Used in the API path: /api/v1/profiles/<profile>/search/<name>."))
    title = models.CharField(verbose_name=_("title"), max_length=200, help_text=_("Readable name, e.g. 'Zoek op naam en geboortedatum'."))
    description = models.TextField(verbose_name=_("description"), blank=True)
    source = models.ForeignKey("connectors.Source", verbose_name=_("source"), on_delete=models.PROTECT, related_name="+")
    operation = models.CharField(
        verbose_name=_("operation"),
        max_length=100, help_text=_("The source's search operation (see the connector's list).")
    )
    criteria = models.JSONField(
        verbose_name=_("criteria"),
        default=list,
        help_text=format_lazy(
            _('JSON list of criteria, e.g. [{{"name": "geslachtsnaam", "type": "string", "required": true, '
              '"label": "Achternaam", "validation": {{"minLength": 2}}}}]. Types: {types}. "param" names the '
              "operation's parameter when it differs from the name; validation keys: {keys}."),
            types=", ".join(SEARCH_CRITERION_TYPES), keys=", ".join(SEARCH_VALIDATION_KEYS),
        ),
    )
    columns = models.JSONField(
        verbose_name=_("columns"),
        default=list,
        help_text=_('JSON list of the columns of a result row, e.g. [{"name": "naam", "field": '
        '"naam.volledigeNaam", "label": "Naam"}]. IKO asks the source for exactly these fields.'),
    )
    identifier_column = models.CharField(
        verbose_name=_("identifier column"),
        max_length=50, blank=True,
        help_text=_("The column whose value opens the detail view (e.g. the column with the BSN). "
        "Empty for a search whose rows open no view (an address search)."),
    )
    identifier_type = models.CharField(
        verbose_name=_("identifier type"),
        max_length=SUBJECT_TYPE_MAX_LENGTH, choices=SUBJECT_TYPE_CHOICES, blank=True,
        help_text=_("The subject type of that identifier; the profile's view must accept it."),
    )
    brp_doelbinding = models.CharField(
        _("BRP doelbinding (zoeken)"),
        max_length=242,
        blank=True,
        help_text=_("Optional x-doelbinding for this search; empty uses the purpose's search value."),
    )
    max_results = models.PositiveSmallIntegerField(
        verbose_name=_("max results"),
        default=50, help_text=_("At most this many rows are returned (the answer says when more were found).")
    )
    order = models.PositiveSmallIntegerField(verbose_name=_("order"), default=0)

    class Meta:
        verbose_name = _("search action")
        verbose_name_plural = _("search actions")
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

        if self.profile_id and self.source_id:
            for field, problem in organisation_mismatches(self.profile.organisation_id, source=self.source).items():
                add(field, problem)
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
                add("criteria", gettext("%(where)s: must be an object with at least a name and a type.") % {"where": where})
                continue
            unknown = sorted(set(criterion) - set(SEARCH_CRITERION_KEYS))
            if unknown:
                add("criteria", gettext("%(where)s: unknown keys %(unknown)s; allowed: %(value1)s.") % {"where": where, "unknown": unknown, "value1": list(SEARCH_CRITERION_KEYS)})
            name = criterion.get("name")
            if not isinstance(name, str) or not re.match(_SEARCH_NAME, name):
                add("criteria", gettext("%(where)s: a name starts with a letter and has letters, digits or _ (max 50).") % {"where": where})
                continue
            if name in names:
                add("criteria", gettext("%(where)s: the name %(name)r is used twice.") % {"where": where, "name": name})
            names.add(name)
            if criterion.get("type") not in SEARCH_CRITERION_TYPES:
                add("criteria", gettext("%(name)s: type must be one of %(value1)s.") % {"name": name, "value1": list(SEARCH_CRITERION_TYPES)})
            if "required" in criterion and not isinstance(criterion["required"], bool):
                add("criteria", gettext("%(name)s: required is true or false.") % {"name": name})
            param = criterion.get("param", name)
            if not isinstance(param, str) or not param:
                add("criteria", gettext("%(name)s: param must be a parameter name.") % {"name": name})
            validation = criterion.get("validation", {})
            if not isinstance(validation, dict):
                add("criteria", gettext("%(name)s: validation must be an object.") % {"name": name})
                continue
            unknown = sorted(set(validation) - set(SEARCH_VALIDATION_KEYS))
            if unknown:
                add("criteria", gettext("%(name)s: unknown validation keys %(unknown)s; allowed: %(value1)s.") % {"name": name, "unknown": unknown, "value1": list(SEARCH_VALIDATION_KEYS)})
            if "pattern" in validation:
                try:
                    re.compile(validation["pattern"])
                except (re.error, TypeError):
                    add("criteria", gettext("%(name)s: the pattern is not a valid regular expression.") % {"name": name})
            for key in ("minLength", "maxLength"):
                value = validation.get(key)
                if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                    add("criteria", gettext("%(name)s: %(key)s is a whole number of 0 or more.") % {"name": name, "key": key})
            for key in ("minimum", "maximum"):
                value = validation.get(key)
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    add("criteria", gettext("%(name)s: %(key)s is a whole number.") % {"name": name, "key": key})
            if criterion.get("type") == "choice":
                choices = validation.get("choices")
                if not isinstance(choices, list) or not choices or not all(isinstance(c, str) for c in choices):
                    add("criteria", gettext("%(name)s: a choice criterion needs validation.choices, a list of texts.") % {"name": name})

        # Columns.
        columns = self.columns
        if not isinstance(columns, list) or not columns:
            add("columns", "Give at least one column, as a JSON list of {name, field, label}.")
            columns = []
        column_names: set[str] = set()
        for index, column in enumerate(columns):
            where = f"column {index + 1}"
            if not isinstance(column, dict):
                add("columns", gettext("%(where)s: must be an object {name, field, label}.") % {"where": where})
                continue
            unknown = sorted(set(column) - set(SEARCH_COLUMN_KEYS))
            if unknown:
                add("columns", gettext("%(where)s: unknown keys %(unknown)s; allowed: %(value1)s.") % {"where": where, "unknown": unknown, "value1": list(SEARCH_COLUMN_KEYS)})
            name = column.get("name")
            if not isinstance(name, str) or not re.match(_SEARCH_NAME, name):
                add("columns", gettext("%(where)s: a name starts with a letter and has letters, digits or _ (max 50).") % {"where": where})
                continue
            if name in column_names:
                add("columns", gettext("%(where)s: the name %(name)r is used twice.") % {"where": where, "name": name})
            column_names.add(name)
            if not isinstance(column.get("field"), str) or not column["field"].strip():
                add("columns", gettext("%(name)s: give the field, a dot path such as naam.volledigeNaam.") % {"name": name})
            if "label" in column and not isinstance(column["label"], str):
                add("columns", gettext("%(name)s: the label is a text.") % {"name": name})
        if bool(self.identifier_column) != bool(self.identifier_type):
            add("identifier_type", "Give both the identifier column and its subject type, or neither.")
        if self.identifier_column and column_names and self.identifier_column not in column_names:
            add("identifier_column", gettext("Choose one of the columns: %(value1)s.") % {"value1": sorted(column_names)})
        if self.identifier_type and self.profile_id and self.identifier_type not in (self.profile.subject_types or []):
            add(
                "identifier_type",
                gettext("The profile's view takes %(subject_types)s; a %(identifier_type)s identifier could not open it.") % {"subject_types": self.profile.subject_types, "identifier_type": self.identifier_type},
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
                {"operation": gettext("%(title)s has no operation %(operation)r; choose one of: %(value1)s.") % {"title": connector_class.title, "operation": self.operation, "value1": ', '.join(self.source.operations)}}
            )
        accepted = set(operation.params) | set(operation.subject_types)
        unknown_params = sorted({p for p in self.criterion_params().values() if p not in accepted})
        if unknown_params:
            add(
                "criteria",
                gettext("%(name)s takes no parameter(s) %(unknown_params)s; it takes: %(value1)s.") % {"name": operation.name, "unknown_params": unknown_params, "value1": ', '.join(sorted(accepted)) or 'none'},
            )
        known = set(operation.fields)
        unknown_fields = [f for f in self.column_fields if f not in known]
        if unknown_fields:
            add("columns", gettext("%(title)s cannot deliver %(unknown_fields)s for %(name)s.") % {"title": connector_class.title, "unknown_fields": unknown_fields, "name": operation.name})
        if errors:
            raise ValidationError(errors)

