"""Registers the ZGW Zaken connector when Django starts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZakenConnectorConfig(AppConfig):
    name = "connectors.contrib.zaken"
    label = "connectors_zaken"
    verbose_name = _("ZGW Zaken connector")

    def ready(self) -> None:
        from . import plugin  # noqa: F401  (registers the connector)
