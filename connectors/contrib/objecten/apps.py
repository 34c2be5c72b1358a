"""Registers the Objecten connector when Django starts."""

from django.apps import AppConfig


class ObjectenConnectorConfig(AppConfig):
    name = "connectors.contrib.objecten"
    label = "connectors_objecten"
    verbose_name = "Objecten API connector"

    def ready(self) -> None:
        from . import plugin  # noqa: F401  (registers the connector)
