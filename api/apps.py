"""App config of the API."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API clients"

    def ready(self) -> None:
        from . import alerts, schema  # noqa: F401  (subject lookup alerts; the OpenAPI extension of our auth)
