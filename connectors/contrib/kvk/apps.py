"""Registers the KVK Handelsregister connector when Django starts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KvkConnectorConfig(AppConfig):
    name = "connectors.contrib.kvk"
    label = "connectors_kvk"
    verbose_name = _("KVK Handelsregister connector")

    def ready(self) -> None:
        from . import plugin  # noqa: F401  (registers the connector)
