"""The demo app: demo sources on loopback and the command that configures and starts IKO with them."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "Demo"
