"""Registers the ZGW Zaken connector when Django starts."""

from django.apps import AppConfig


class ZakenConnectorConfig(AppConfig):
    name = "connectors.contrib.zaken"
    label = "connectors_zaken"
    verbose_name = "ZGW Zaken connector"

    def ready(self) -> None:
        from . import plugin  # noqa: F401  (registers the connector)
