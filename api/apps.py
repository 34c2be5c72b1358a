"""App config of the API."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API clients"

    def ready(self) -> None:
        from api import schema  # noqa: F401  (the OpenAPI extension of our auth)
        from profiles.processing_log import alerts  # noqa: F401  (subject lookup alerts)
