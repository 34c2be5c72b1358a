"""The `Source` model: a named instance of a registered connector on a configured server.

A source also has the names a case system knows it by on the reference IKO Server's
`/endpoints/{connectorTag}/{instanceTag}/{operation}` path: its connector tag (by default the
connector id) and its instance tag (by default its own name), so that a Valtimo configuration
written for the reference server reaches a source named anything. Its front-door aliases of
operations are `OperationAlias` (aliases.py).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy as _

from .base import CONNECTOR_ID_MAX_LENGTH, Connector, SourceConfig
from .options import SERVICE_SUFFIX
from .registry import registry
from .server_owners import organisation_default_id, server_organisation_id


class Source(models.Model):
    # The organisation (tenant) this source belongs to; see profiles/organisations/models.py.
    organisation = models.ForeignKey(
        "profiles.Organisation", on_delete=models.PROTECT, related_name="+",
        default=organisation_default_id, verbose_name=_("organisation"),
    )
    name = models.SlugField(
        verbose_name=_("name"),
        help_text=_("Stable short name, used in profiles and in the per-source status of every view "
        "(for example: brp, zaken, openklant)."),
    )
    title = models.CharField(verbose_name=_("title"), max_length=200, blank=True, help_text=_("Readable name for admins."))
    connector = models.CharField(
        verbose_name=_("connector"),
        max_length=CONNECTOR_ID_MAX_LENGTH,
        help_text=_("Which kind of API this source speaks. The list shows the installed connectors."),
    )
    service = models.ForeignKey(
        "zgw_consumers.Service", verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The server (API root, credentials, certificates) this source calls. Calls never "
        "leave this server's API root."),
    )
    options = models.JSONField(
        verbose_name=_("options"),
        default=dict,
        blank=True,
        help_text=_("Connector-specific settings as JSON; the connector checks them when you save."),
    )
    timeout = models.FloatField(
        verbose_name=_("timeout"),
        default=5.0,
        validators=[MinValueValidator(0.1), MaxValueValidator(60)],
        help_text=_("Seconds IKO waits for this source before the view answers without it."),
    )
    enabled = models.BooleanField(
        verbose_name=_("enabled"),
        default=True,
        help_text=_("A disabled source is not called; views report it as skipped."),
    )
    connector_tag = models.SlugField(
        _("connector tag"),
        max_length=CONNECTOR_ID_MAX_LENGTH,
        blank=True,
        help_text=_(
            "The connector's name in the path /endpoints/{connectorTag}/{instanceTag}/{operation} that "
            "case systems written for the reference IKO Server call (Valtimo's connectorTag). Leave it "
            "empty to use the connector id."
        ),
    )
    instance_tag = models.SlugField(
        _("instance tag"),
        max_length=50,
        blank=True,
        help_text=_(
            "This source's name in that path (Valtimo's connectorInstanceTag, for example brp1). Leave it "
            "empty to use the source's name."
        ),
    )

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_source_name")]

    def __str__(self) -> str:
        return self.title or self.name

    @property
    def front_door_tags(self) -> tuple[str, str]:
        """(connector tag, instance tag) of this source on the front door, defaults filled in."""
        return (self.connector_tag or self.connector, self.instance_tag or self.name)

    @property
    def connector_class(self) -> type[Connector] | None:
        return registry[self.connector] if self.connector in registry else None

    def clean(self) -> None:
        """Checks the connector, the options (by the connector's options class), the linked
        servers named in the options, and that the servers are usable (their credentials aside,
        which may be set later); every problem at once."""
        connector_class = self.connector_class
        if connector_class is None:
            raise ValidationError(
                {"connector": gettext("No connector %(connector)r is installed in this IKO.") % {"connector": self.connector}}
            )
        from zgw_consumers.models import Service

        from .servers import server_problems

        errors: dict[str, list[str]] = {}
        slugs = self.linked_service_slugs()
        try:
            self.options = connector_class.validate_options(self.options or {})
        except ValidationError as exc:
            errors["options"] = list(exc.messages)
        by_slug = {s.slug: s for s in Service.objects.filter(slug__in=slugs.values())}
        missing = sorted(f"{key}={slug}" for key, slug in slugs.items() if slug not in by_slug)
        if missing:
            errors.setdefault("options", []).append(f"No server with these slugs: {', '.join(missing)}.")
        for key, slug in sorted(slugs.items()):
            if slug in by_slug and (problems := server_problems(by_slug[slug], credentials=False)):
                errors.setdefault("options", []).append(f"The server {slug} ({key}) is not usable: " + " ".join(problems))
        if self.service_id is not None and (problems := server_problems(self.service, credentials=False)):
            errors["service"] = ["This server is not usable: " + " ".join(problems)]
        # A source and its servers belong to one organisation.
        if self.service_id is not None and server_organisation_id(self.service) != self.organisation_id:
            errors.setdefault("service", []).append(gettext("This server belongs to another organisation."))
        for key, slug in sorted(slugs.items()):
            if slug in by_slug and server_organisation_id(by_slug[slug]) != self.organisation_id:
                errors.setdefault("options", []).append(
                    gettext("The server %(slug)s (%(key)s) belongs to another organisation.") % {"slug": slug, "key": key})
        clash = (
            sources_by_tags(*self.front_door_tags, organisation_id=self.organisation_id).exclude(pk=self.pk).first()
            if self.name else None
        )
        if clash is not None:
            errors["instance_tag"] = [
                gettext("Source %(other)s already answers on /endpoints/%(connector)s/%(instance)s; give this "
                        "source another instance tag.")
                % {"other": clash.name, "connector": self.front_door_tags[0], "instance": self.front_door_tags[1]}
            ]
        if errors:
            raise ValidationError(errors)

    @property
    def operations(self):
        """The operations this source offers (a generic source defines them in its options)."""
        connector_class = self.connector_class
        return connector_class.operations_for(self.options or {}) if connector_class else {}

    @property
    def circuit_key(self) -> str:
        """The source across organisations: its circuit breaker's and its metrics' name. A default
        organisation's source keeps its name (as before there were organisations); another's is
        `<name>.org<id>`, so two organisations' sources of one name never share a circuit."""
        if self.organisation_id in (None, organisation_default_id()):
            return self.name
        return f"{self.name}.org{self.organisation_id}"

    def linked_service_slugs(self) -> dict[str, str]:
        """Options naming another server by its slug: keys ending in `_service`."""
        options = self.options if isinstance(self.options, dict) else {}
        return {
            key: value.strip()
            for key, value in options.items()
            if key.endswith(SERVICE_SUFFIX) and isinstance(value, str) and value.strip()
        }

    def to_config(self) -> SourceConfig:
        """The plain snapshot that the runner's worker threads use (they do no ORM work)."""
        from zgw_consumers.models import Service

        slugs = self.linked_service_slugs()
        services = {}
        if slugs:
            by_slug = {s.slug: s for s in Service.objects.filter(slug__in=slugs.values())}
            services = {key: by_slug[slug] for key, slug in slugs.items() if slug in by_slug}
        return SourceConfig(
            name=self.name,
            connector_id=self.connector,
            service=self.service,
            options=dict(self.options or {}),
            timeout=float(min(self.timeout, self.service.timeout or self.timeout)),
            services=services,
            key=self.circuit_key,
        )


def sources_by_tags(connector_tag: str, instance_tag: str, *, organisation_id: int | None = None):
    """The sources of an organisation that answer on /endpoints/{connector_tag}/{instance_tag}/...:
    their own tags, or the defaults (connector id, source name) where they have none. At most one
    once saved through `Source.clean`. None: the default organisation."""
    if organisation_id is None:
        organisation_id = organisation_default_id()
    return Source.objects.filter(
        Q(organisation_id=organisation_id),
        Q(connector_tag=connector_tag) | Q(connector_tag="", connector=connector_tag),
        Q(instance_tag=instance_tag) | Q(instance_tag="", name=instance_tag),
    )


# Registered with this app's models (Django loads `connectors.models`).
from .aliases import OperationAlias  # noqa: E402,F401
from .server_owners import ServerOwner  # noqa: E402,F401
from .fsc_models import ServerFsc  # noqa: E402,F401
