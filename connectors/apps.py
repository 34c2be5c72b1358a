"""App config of the connector framework."""

from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    name = "connectors"
    verbose_name = "Sources"

    def ready(self) -> None:
        from . import credentials

        # Servers' secrets and API keys are encrypted at rest and decrypted when loaded.
        credentials.connect_signals()
