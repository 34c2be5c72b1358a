"""Settings for the test suite: the base settings with test defaults for the environment."""

import os

os.environ.setdefault("IKO_ENV", "test")
os.environ.setdefault("IKO_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "var", "test"))

from .base import *  # noqa: E402,F403

INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405  (the demo's own tests and the demo integration tests)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# The suite's assertions are written against the English source texts, so the tests run the admin
# in English unless they ask for Dutch (tests/test_translations.py checks the Dutch default and
# the Dutch admin with override_settings(IKO_ADMIN_LANGUAGE="nl") and the language switch).
IKO_ADMIN_LANGUAGE = "en"
