"""App config of consent (toestemming), an app of its own (label `consent`)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "profiles.consent"
    label = "consent"
    verbose_name = _("Consent")
