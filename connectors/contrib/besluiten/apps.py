"""Registers the ZGW Besluiten connector when Django starts."""

from django.apps import AppConfig


class BesluitenConnectorConfig(AppConfig):
    name = "connectors.contrib.besluiten"
    label = "connectors_besluiten"
    verbose_name = "ZGW Besluiten connector"

    def ready(self) -> None:
        from . import plugin  # noqa: F401  (registers the connector)
