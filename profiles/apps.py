"""App config of profiles, purposes, grants, API clients and the processing log."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = _("Profiles and purposes")

    def ready(self):
        # Connects the signals that clear the grant cache when a grant, purpose, profile, API
        # client or group changes in this process.
        from profiles.access import grants  # noqa: F401
        # Counts the distinct subjects each principal looks up (subject lookup alerts).
        from profiles.processing_log import alerts  # noqa: F401
        # The search actions' inline on the profile admin.
        from profiles.admin.search_actions import register as register_search_admin

        register_search_admin()
