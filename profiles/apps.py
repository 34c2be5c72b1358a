"""App config of profiles, purposes, grants and the processing log."""

from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "Profiles and purposes"
