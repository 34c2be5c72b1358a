"""Purposes and grants: why a view may be built, and who may build it.

A purpose (doelbinding) says why; a grant says which principal (API client, group, OIDC role or
citizen portal) may use which profile for which purpose, optionally with fewer fields and for a
period (deny by default), and may cap the confidentiality of the documents its views show.
Resolution is in profiles/access/grants.py.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, gettext_lazy as _

from connectors.base import VERTROUWELIJKHEIDAANDUIDINGEN
from profiles.access.narrowing import grant_fields_outside_profile
from profiles.definitions.models import Profile
from profiles.access.principals import SELF_SERVICE_SUBJECT_TYPES
from profiles.organisations.models import organisation_field, organisation_mismatches

# The ZGW values as the APIs spell them (in both languages), from most open to most secret.
VERTROUWELIJKHEID_CHOICES = [(value, value) for value in VERTROUWELIJKHEIDAANDUIDINGEN]

# A value fit for an HTTP header: printable Latin-1, no control characters (RFC 9110, 5.5).
HEADER_VALUE = re.compile(r"[\x20-\x7e\xa0-\xff]*")


class Purpose(models.Model):
    organisation = organisation_field()
    code = models.SlugField(
        verbose_name=_("code"),
        help_text=_("Short code callers send as `purpose` (for example: kcc-vraag).")
    )
    name = models.CharField(verbose_name=_("name"), max_length=200, help_text=_("What the processing is for, in words."))
    legal_basis = models.TextField(
        verbose_name=_("legal basis"),
        blank=True, help_text=_("The legal basis (grondslag) of this processing, for the register.")
    )
    processing_activity_id = models.CharField(
        verbose_name=_("processing activity ID"),
        max_length=242,
        blank=True,
        help_text=_("Identifier or URL of the entry in the register of processing activities "
        "(verwerkingsactiviteit); it goes into every processing record."),
    )
    brp_doelbinding_consult = models.CharField(
        _("BRP doelbinding (raadplegen)"),
        max_length=242,
        blank=True,
        help_text=_("Value for the BRP gateway's x-doelbinding header when consulting by BSN."),
    )
    brp_doelbinding_search = models.CharField(
        _("BRP doelbinding (zoeken)"),
        max_length=242,
        blank=True,
        help_text=_("Value for x-doelbinding when searching (ZoekMet...); often differs from consulting."),
    )
    brp_verwerking = models.CharField(
        _("BRP verwerking"),
        max_length=242,
        blank=True,
        help_text=_("Value for x-verwerking: verwerkingsactiviteit@detail, at most one '@'."),
    )
    # Consent (profiles/consent): without the subject's consent in force, a view for this purpose
    # is refused before any source is called.
    needs_consent = models.BooleanField(
        _("needs consent"), default=False,
        help_text=_("Views for this purpose are refused unless the citizen or company has given "
                    "consent for it (and not withdrawn it)."),
    )

    class Meta:
        verbose_name = _("purpose")
        verbose_name_plural = _("purposes")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="unique_purpose_code")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        errors = {}
        for name in ("brp_doelbinding_consult", "brp_doelbinding_search", "brp_verwerking"):
            value = getattr(self, name).strip()
            setattr(self, name, value)
            # These go out as HTTP header values: printable Latin-1 only, so nothing can be
            # injected into the request and every gateway can read them.
            if not HEADER_VALUE.fullmatch(value):
                errors[name] = "Use printable characters only (no line breaks or control characters)."
        if "brp_verwerking" not in errors and self.brp_verwerking.count("@") > 1:
            errors["brp_verwerking"] = "Use at most one '@' (activiteit@detail)."
        for name in ("brp_doelbinding_consult", "brp_doelbinding_search"):
            if name not in errors and " " in getattr(self, name):
                errors[name] = "A doelbinding is a code without spaces, e.g. BRPACT-AlgemeneTaken."
        if errors:
            raise ValidationError(errors)


class Grant(models.Model):
    """Permission for one principal to use one profile for one purpose. Nothing else is allowed.

    The principal is an API client, a Django group, an OIDC role, or (self-service) a citizen
    portal acting for the citizen who logged in. A grant may narrow the view to fewer fields and
    may hold only for a period. Resolution: `profiles.access.grants.grant_resolve`.
    """

    class Kind(models.TextChoices):
        API_CLIENT = "api_client", _("API client")
        GROUP = "group", _("Django group (also an OIDC role of the same name)")
        ROLE = "role", _("OIDC role (also a Django group of the same name)")
        SELF_SERVICE = "self_service", _("Citizen self-service portal")

    kind = models.CharField(
        _("who"), max_length=20, choices=Kind.choices, default=Kind.API_CLIENT,
        help_text=_("Which kind of principal this grant is for; fill in the matching field below."),
    )
    api_client = models.ForeignKey(
        "profiles.ApiClient", verbose_name=_("API client"), on_delete=models.CASCADE, related_name="grants", null=True, blank=True
    )
    group = models.ForeignKey(
        "auth.Group", verbose_name=_("group"), on_delete=models.CASCADE, related_name="iko_grants", null=True, blank=True,
        help_text=_("Staff users in this group (their session), and bearer tokens with a role of this name."),
    )
    role = models.CharField(
        _("OIDC role"), max_length=150, blank=True,
        help_text=_("A role in the roles claim of bearer tokens (IKO_OIDC_ROLES_CLAIM); also matches "
        "staff users in the Django group of this name."),
    )
    portal_client_id = models.CharField(
        _("portal client id"), max_length=200, blank=True,
        help_text=_("Self-service: the OIDC client id (azp) of the portal that passes on the citizen's "
        "token. The subject asked for must equal the BSN or KVK number in that token."),
    )
    profile = models.ForeignKey(Profile, verbose_name=_("profile"), on_delete=models.CASCADE, related_name="grants")
    purpose = models.ForeignKey(Purpose, verbose_name=_("purpose"), on_delete=models.PROTECT, related_name="grants")
    is_default = models.BooleanField(
        _("default purpose"), default=False,
        help_text=_("A request for this profile that names no purpose uses this grant's purpose "
        "(an API client's own default purpose comes first)."),
    )
    fields = models.JSONField(
        verbose_name=_("fields"),
        default=list, blank=True,
        help_text=_("Narrow the view to these paths of its data (a JSON list, e.g. "
        '["persoon.naam.volledigeNaam"]); empty means everything the profile releases. Paths start '
        "with the relation's name; a path includes everything below it."),
    )
    max_vertrouwelijkheidaanduiding = models.CharField(
        _("maximum vertrouwelijkheidaanduiding"), max_length=20, blank=True, choices=VERTROUWELIJKHEID_CHOICES,
        help_text=_("Documents (Documenten API) more confidential than this are left out of every view "
        "served under this grant. It lowers the Documenten source's own maximum, never raises it; "
        "empty: only the source's maximum applies."),
    )
    valid_from = models.DateTimeField(verbose_name=_("valid from"), null=True, blank=True, help_text=_("Empty: valid from now on."))
    valid_until = models.DateTimeField(verbose_name=_("valid until"), null=True, blank=True, help_text=_("Empty: no end."))
    enabled = models.BooleanField(verbose_name=_("enabled"), default=True)
    note = models.CharField(
        verbose_name=_("note"),
        max_length=242, blank=True, help_text=_("Why this grant exists (decision, ticket).")
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.UniqueConstraint(
                fields=["api_client", "profile", "purpose"], condition=models.Q(kind="api_client"),
                name="unique_grant_api_client",
            ),
            models.UniqueConstraint(
                fields=["group", "profile", "purpose"], condition=models.Q(kind="group"),
                name="unique_grant_group",
            ),
            models.UniqueConstraint(
                fields=["role", "profile", "purpose"], condition=models.Q(kind="role"),
                name="unique_grant_role",
            ),
            models.UniqueConstraint(
                fields=["portal_client_id", "profile", "purpose"], condition=models.Q(kind="self_service"),
                name="unique_grant_self_service",
            ),
            # Exactly the field of its kind names the principal: a grant never means "anyone".
            models.CheckConstraint(
                condition=(
                    models.Q(kind="api_client", api_client__isnull=False, group__isnull=True, role="", portal_client_id="")
                    | models.Q(kind="group", api_client__isnull=True, group__isnull=False, role="", portal_client_id="")
                    | (models.Q(kind="role", api_client__isnull=True, group__isnull=True, portal_client_id="") & ~models.Q(role=""))
                    | (models.Q(kind="self_service", api_client__isnull=True, group__isnull=True, role="") & ~models.Q(portal_client_id=""))
                ),
                name="grant_names_one_principal",
            ),
        ]

    def __str__(self) -> str:
        narrowed = " (narrowed)" if self.fields else ""
        return f"{self.principal_label} may use {self.profile.name} for {self.purpose.code}{narrowed}"

    @property
    def principal_label(self) -> str:
        if self.kind == self.Kind.API_CLIENT:
            return f"API client {self.api_client}"
        if self.kind == self.Kind.GROUP:
            return f"group {self.group}"
        if self.kind == self.Kind.ROLE:
            return f"role {self.role}"
        return f"self-service portal {self.portal_client_id}"

    def organisation_problems(self) -> dict[str, str]:
        """The API client and the purpose must belong to the profile's organisation."""
        if not self.profile_id:
            return {}
        return organisation_mismatches(
            self.profile.organisation_id,
            api_client=self.api_client if self.api_client_id else None,
            purpose=self.purpose if self.purpose_id else None,
        )

    def save(self, *args, **kwargs):
        # Refused on every save, not only through a form: a grant never joins an organisation's
        # client to another organisation's profile.
        if problems := self.organisation_problems():
            raise ValidationError(problems)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, str] = dict(self.organisation_problems())
        principal_field = {
            self.Kind.API_CLIENT: "api_client", self.Kind.GROUP: "group",
            self.Kind.ROLE: "role", self.Kind.SELF_SERVICE: "portal_client_id",
        }.get(self.kind)
        if principal_field is None:
            raise ValidationError({"kind": gettext("Choose who this grant is for.")})
        # Only the field of the chosen kind counts; the others are emptied.
        if principal_field != "api_client":
            self.api_client = None
        if principal_field != "group":
            self.group = None
        if principal_field != "role":
            self.role = ""
        if principal_field != "portal_client_id":
            self.portal_client_id = ""
        self.role = self.role.strip()
        self.portal_client_id = self.portal_client_id.strip()
        if not getattr(self, f"{principal_field}_id" if principal_field in ("api_client", "group") else principal_field):
            errors[principal_field] = f"A grant of this kind needs {self._meta.get_field(principal_field).verbose_name}."
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            errors["valid_until"] = "The end must lie after the start."
        if self.fields in (None, ""):
            self.fields = []
        if not isinstance(self.fields, list) or not all(isinstance(f, str) and f.strip() for f in self.fields):
            errors["fields"] = "Give a JSON list of paths (or leave it empty for all released fields)."
        elif self.fields and self.profile_id:
            outside = grant_fields_outside_profile(profile=self.profile, fields=self.fields)
            if outside:
                errors["fields"] = (
                    f"Narrow only to fields the profile releases; not released: {outside}. "
                    "Paths start with the relation's name, e.g. persoon.naam.volledigeNaam."
                )
        if self.kind == self.Kind.SELF_SERVICE and self.profile_id:
            if not set(self.profile.subject_types or []) & set(SELF_SERVICE_SUBJECT_TYPES):
                errors["profile"] = "Self-service works for profiles about a person (BSN) or a company (KVK number)."
        if self.is_default and self.profile_id and self.purpose_id and not errors:
            others = Grant.objects.filter(
                kind=self.kind, profile_id=self.profile_id, is_default=True,
                api_client=self.api_client, group=self.group, role=self.role,
                portal_client_id=self.portal_client_id,
            ).exclude(pk=self.pk).exclude(purpose_id=self.purpose_id)
            if others.exists():
                errors["is_default"] = "This principal already has another default purpose for this profile."
        if errors:
            raise ValidationError(errors)
