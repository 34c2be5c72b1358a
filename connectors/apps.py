"""App config of the connector framework."""

from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    name = "connectors"
    verbose_name = "Sources"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from .http import install_log_redaction

        # Again after Django's logging setup, in case the settings replaced the loggers' filters.
        install_log_redaction()
