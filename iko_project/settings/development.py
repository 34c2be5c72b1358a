"""Settings for a local trial and the demo: the base settings with development defaults."""

import os

os.environ.setdefault("IKO_ENV", "development")
os.environ.setdefault("IKO_DEBUG", "false")

from .base import *  # noqa: E402,F403

# The demo: `manage.py demo` and its sources (never in production, see base.py).
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405
