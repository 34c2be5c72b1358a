"""Registers the BRP connector when Django starts."""

from django.apps import AppConfig


class BrpConnectorConfig(AppConfig):
    name = "connectors.contrib.brp"
    label = "connectors_brp"
    verbose_name = "BRP Personen connector"

    def ready(self) -> None:
        from . import plugin  # noqa: F401  (registers the connector)
