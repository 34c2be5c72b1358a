"""The staff's front door: the Django admin of profiles, purposes, grants and the processing log.

Django's admin autodiscovery imports this package; each module registers the admin of one concept.
Like api/, it sits above the services it calls (the profile preview, the privacy officer's search).
Last, every organisation-owned model's admin (those of the apps below too, imported here first) is
scoped to the staff user's organisation (organisations.py).
"""

import connectors.admin  # noqa: F401
import profiles.consent.admin  # noqa: F401
import profiles.regelingen.admin  # noqa: F401
from profiles.admin import (  # noqa: F401
    access, definitions, organisations, processing_log, search_actions, third_party, users,
)

organisations.scope_registered_admins()
