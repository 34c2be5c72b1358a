"""The models of the `profiles` app, gathered here so Django registers them under the app label.

Each model lives in its concept's package; this module only imports them. Code imports a model
from its concept's home (profiles.definitions.models, profiles.access.models,
profiles.access.api_clients, profiles.processing_log.models); this module exists for Django's app
registry.
"""

from profiles.access.api_clients import ApiClient  # noqa: F401
from profiles.access.models import Grant, Purpose  # noqa: F401
from profiles.definitions.models import Profile, Relation, SearchAction  # noqa: F401
from profiles.processing_log.models import ProcessingRecord, SubjectLookupAlert  # noqa: F401
from profiles.organisations.models import Organisation, OrganisationMember  # noqa: F401
