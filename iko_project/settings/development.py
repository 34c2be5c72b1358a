"""Settings for a local trial and the demo: the base settings with development defaults."""

import os

os.environ.setdefault("IKO_ENV", "development")
os.environ.setdefault("IKO_DEBUG", "false")

from .base import *  # noqa: E402,F403
