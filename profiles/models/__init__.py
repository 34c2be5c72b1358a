"""The models of the `profiles` app, gathered here so Django registers them under the app label.

Each model lives in its concept's package (profiles/definitions, profiles/access,
profiles/processing_log); this module only imports them. Code should import a model from its
concept's home; this module exists for Django's app registry and the migrations.
"""

from profiles.definitions.models import (  # noqa: F401
    Grant,
    ProcessingRecord,
    ProcessingRecordQuerySet,
    Profile,
    Purpose,
    Relation,
    SearchAction,
)
