"""Registers the ZGW Documenten connector when Django starts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentenConnectorConfig(AppConfig):
    name = "connectors.contrib.documenten"
    label = "connectors_documenten"
    verbose_name = _("ZGW Documenten connector")

    def ready(self) -> None:
        from . import plugin  # noqa: F401  (registers the connector)
