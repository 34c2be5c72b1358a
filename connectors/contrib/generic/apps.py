"""Registers the generic JSON/REST connector when Django starts."""

from django.apps import AppConfig


class GenericConnectorConfig(AppConfig):
    name = "connectors.contrib.generic"
    label = "connectors_generic"
    verbose_name = "Generic JSON/REST connector"

    def ready(self) -> None:
        from . import plugin  # noqa: F401  (registers the connector)
