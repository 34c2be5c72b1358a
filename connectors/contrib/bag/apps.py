"""Registers the BAG connector when Django starts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BagConnectorConfig(AppConfig):
    name = "connectors.contrib.bag"
    label = "connectors_bag"
    verbose_name = _("BAG Individuele Bevragingen connector")

    def ready(self) -> None:
        from . import plugin  # noqa: F401  (registers the connector)
