"""Registers the ZGW Besluiten connector when Django starts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BesluitenConnectorConfig(AppConfig):
    name = "connectors.contrib.besluiten"
    label = "connectors_besluiten"
    verbose_name = _("ZGW Besluiten connector")

    def ready(self) -> None:
        from . import plugin  # noqa: F401  (registers the connector)
