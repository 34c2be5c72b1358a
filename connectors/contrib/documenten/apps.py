"""Registers the ZGW Documenten connector when Django starts."""

from django.apps import AppConfig


class DocumentenConnectorConfig(AppConfig):
    name = "connectors.contrib.documenten"
    label = "connectors_documenten"
    verbose_name = "ZGW Documenten connector"

    def ready(self) -> None:
        from . import plugin  # noqa: F401  (registers the connector)
