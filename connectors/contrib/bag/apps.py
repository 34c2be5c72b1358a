"""Registers the BAG connector when Django starts."""

from django.apps import AppConfig


class BagConnectorConfig(AppConfig):
    name = "connectors.contrib.bag"
    label = "connectors_bag"
    verbose_name = "BAG Individuele Bevragingen connector"

    def ready(self) -> None:
        from . import plugin  # noqa: F401  (registers the connector)
