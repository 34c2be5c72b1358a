"""App config of regelingen: products and schemes with eligibility criteria, suggestions and
prefill attributes for forms. Its own app label, so its tables and migrations stand apart from
the profiles they read."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegelingenConfig(AppConfig):
    name = "profiles.regelingen"
    label = "regelingen"
    verbose_name = _("Regelingen and prefill")

    def ready(self):
        # Regelingen and prefill attributes are read through the short-lived configuration cache;
        # saving one in this process clears it at once (as for profiles).
        from . import signals  # noqa: F401

        # A regeling that needs consent needs it for its purpose: citizens can then give that consent.
        from profiles.consent.selectors import consent_purpose_need_register

        from .consent import regeling_needs_consent_for

        consent_purpose_need_register(regeling_needs_consent_for)
