"""Registers the Objecten connector when Django starts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectenConnectorConfig(AppConfig):
    name = "connectors.contrib.objecten"
    label = "connectors_objecten"
    verbose_name = _("Objecten API connector")

    def ready(self) -> None:
        from . import plugin  # noqa: F401  (registers the connector)
