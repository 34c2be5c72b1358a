"""App config of the connector framework."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectorsConfig(AppConfig):
    name = "connectors"
    verbose_name = _("Sources")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from . import credentials
        from .http import install_log_redaction

        # Again after Django's logging setup, in case the settings replaced the loggers' filters.
        install_log_redaction()
        # Servers' secrets and API keys are encrypted at rest and decrypted when loaded.
        credentials.connect_signals()
