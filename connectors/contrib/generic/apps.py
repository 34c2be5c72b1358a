"""Registers the generic JSON/REST connector when Django starts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GenericConnectorConfig(AppConfig):
    name = "connectors.contrib.generic"
    label = "connectors_generic"
    verbose_name = _("Generic JSON/REST connector")

    def ready(self) -> None:
        from . import plugin  # noqa: F401  (registers the connector)
