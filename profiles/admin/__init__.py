"""The staff's front door: the Django admin of profiles, purposes, grants and the processing log.

Django's admin autodiscovery imports this package; each module registers the admin of one concept.
Like api/, it sits above the services it calls (the profile preview, the privacy officer's search).
"""

from profiles.admin import access, definitions, processing_log, search_actions  # noqa: F401
