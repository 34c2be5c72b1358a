"""Registers the Klantinteracties (Open Klant 2.x) connector when Django starts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KlantinteractiesConnectorConfig(AppConfig):
    name = "connectors.contrib.klantinteracties"
    label = "connectors_klantinteracties"
    verbose_name = _("Klantinteracties (Open Klant) connector")

    def ready(self) -> None:
        from . import plugin  # noqa: F401  (registers the connector)
