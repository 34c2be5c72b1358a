"""The `Organisation` (tenant) and the staff users that administer one.

Every piece of configuration (servers, sources, purposes, profiles with their relations, search
actions and grants, API clients, regelingen, consents) belongs to exactly one organisation, and so
does every processing record and lookup alert. The migration that introduced organisations made
one default organisation from `IKO_ORGANISATION_NAME` and `IKO_ORGANISATION_OIN` and gave it every
existing row; an installation with only that organisation shows no tenancy at all.

An organisation's pseudonym key is never stored: it is the value of an environment variable the
organisation names (`IKO_PSEUDONYM_KEY_<SUFFIX>`, see pseudonyms.py), or, when it names none, a key
derived from `IKO_PSEUDONYM_KEY` for this organisation alone (the default organisation uses
`IKO_PSEUDONYM_KEY` itself, so its existing pseudonyms stay valid).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from profiles.organisations.cache import cached_value, organisation_cache_clear

# The environment variables an organisation's pseudonym key may come from.
PSEUDONYM_KEY_ENV_PREFIX = "IKO_PSEUDONYM_KEY_"
_PSEUDONYM_KEY_ENV = re.compile(re.escape(PSEUDONYM_KEY_ENV_PREFIX) + r"[A-Z0-9_]{1,60}")


class OrganisationManager(models.Manager):
    def default_id(self) -> int:
        """The default organisation's id, made from IKO_ORGANISATION_NAME and IKO_ORGANISATION_OIN
        when there is none yet (the migration makes it; a test database emptied by hand gets it
        back). Cached for a few seconds: the default of every organisation field."""
        return cached_value(("organisation-default",), self._default_id_load)

    def _default_id_load(self) -> int:
        # Only the id: this runs in the migrations that add organisation fields, when later
        # columns of the organisation may not exist yet.
        found = self.filter(is_default=True).values_list("pk", flat=True).first()
        if found is not None:
            return found
        name = getattr(settings, "IKO_ORGANISATION_NAME", "") or "IKO"
        try:
            with transaction.atomic():
                return self.create(
                    name=name, slug=slugify(name)[:50] or "default",
                    oin=getattr(settings, "IKO_ORGANISATION_OIN", ""), is_default=True,
                ).pk
        except IntegrityError:  # made at the same moment by another request
            return self.get(is_default=True).pk


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(
        _("short name"), unique=True,
        help_text=_("Stable short name, used by `config_export --organisation` and in the OIDC "
                    "organisation claim (IKO_OIDC_ORGANISATION_CLAIM)."),
    )
    oin = models.CharField(
        "OIN", max_length=20, blank=True,
        help_text=_("The organisation's OIN (20 digits): x-origin-oin towards BRP gateways and the "
                    "uitvoerder in the Verwerkingenlogging API. The default organisation follows "
                    "IKO_ORGANISATION_OIN when that is set."),
    )
    pseudonym_key_env = models.CharField(
        _("pseudonym key variable"), max_length=80, blank=True,
        help_text=_("Name of the environment variable holding this organisation's pseudonym key "
                    "(IKO_PSEUDONYM_KEY_<SUFFIX>). Empty: a key derived from IKO_PSEUDONYM_KEY for this "
                    "organisation alone. The key itself is never stored."),
    )
    is_default = models.BooleanField(
        _("default organisation"), default=False, editable=False,
        help_text=_("The organisation of callers that name none (the organisation of a "
                    "single-organisation installation)."),
    )

    objects = OrganisationManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True),
                                    name="one_default_organisation"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.oin = self.oin.strip()
        if self.oin and not (len(self.oin) == 20 and self.oin.isdigit()):
            raise ValidationError({"oin": _("An OIN is 20 digits.")})
        self.pseudonym_key_env = self.pseudonym_key_env.strip()
        if self.pseudonym_key_env and self.is_default:
            raise ValidationError({"pseudonym_key_env": _(
                "The default organisation's pseudonym key is IKO_PSEUDONYM_KEY; leave this empty.")})
        if self.pseudonym_key_env and not _PSEUDONYM_KEY_ENV.fullmatch(self.pseudonym_key_env):
            raise ValidationError({"pseudonym_key_env": _(
                "Name an environment variable IKO_PSEUDONYM_KEY_<SUFFIX> (capitals, digits, _).")})


class OrganisationMember(models.Model):
    """A staff user who administers one organisation: the admin shows them only its configuration.

    A staff user without a membership belongs to the default organisation; a superuser sees all."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="iko_organisation",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="members", verbose_name=_("organisation"),
    )

    class Meta:
        verbose_name = _("organisation administrator")
        verbose_name_plural = _("organisation administrators")

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


def organisation_default_id() -> int:
    """The default organisation's id (made when missing): the default of every organisation field,
    so configuration made without naming an organisation belongs to the default one."""
    return Organisation.objects.default_id()


def organisation_field(**kwargs) -> models.ForeignKey:
    """The `organisation` field every organisation-owned model has, the same everywhere."""
    return models.ForeignKey(
        "profiles.Organisation", on_delete=models.PROTECT, related_name="+",
        default=organisation_default_id, verbose_name=_("organisation"), **kwargs,
    )


def organisation_mismatches(organisation_id: int | None, **related) -> dict[str, str]:
    """The fields among `related` (name -> a model instance or None) that belong to another
    organisation than `organisation_id`: configuration never joins two organisations."""
    return {
        name: str(_("This belongs to another organisation."))
        for name, obj in related.items()
        if obj is not None and organisation_id is not None
        and getattr(obj, "organisation_id", organisation_id) != organisation_id
    }


post_save.connect(organisation_cache_clear, sender=Organisation, dispatch_uid="iko-organisation-save")
post_delete.connect(organisation_cache_clear, sender=Organisation, dispatch_uid="iko-organisation-delete")
