"""Registers the KVK Handelsregister connector when Django starts."""

from django.apps import AppConfig


class KvkConnectorConfig(AppConfig):
    name = "connectors.contrib.kvk"
    label = "connectors_kvk"
    verbose_name = "KVK Handelsregister connector"

    def ready(self) -> None:
        from . import plugin  # noqa: F401  (registers the connector)
