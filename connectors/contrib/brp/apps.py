"""Registers the BRP connector when Django starts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrpConnectorConfig(AppConfig):
    name = "connectors.contrib.brp"
    label = "connectors_brp"
    verbose_name = _("BRP Personen connector")

    def ready(self) -> None:
        from . import plugin  # noqa: F401  (registers the connector)
