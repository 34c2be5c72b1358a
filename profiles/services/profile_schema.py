"""The JSON Schema of what the Valtimo front door answers for a profile, as far as the caller's
grant reaches (`GET /aggregated-data-profiles/{name}/schema`, the reference IKO Server's path).

The front door answers a view's data itself, with IKO's status beside it under `_iko`
(api/valtimo.py), so this is the profile's data schema (profiles/definitions/schema.py) at the
root, narrowed to the paths of the caller's grant for its default purpose (a grant without paths
releases everything), plus `_iko`. It holds no personal data, so it leaves no processing record;
a caller without a grant on the profile learns nothing of its shape.
"""

from __future__ import annotations

from typing import Any

from connectors.registry import Registry
from connectors.registry import registry as default_registry

from profiles.access.grants import grant_exists, grant_resolve
from profiles.access.principals import Caller
from profiles.definitions.models import Profile
from profiles.definitions.schema import JSON_SCHEMA, profile_output_schema
from profiles.refusals import PurposeMissing, ViewDenied

STATUS_SCHEMA = {
    "type": "object",
    "description": "IKO's status of this view (never an array, so no client's first array lands on it).",
    "properties": {
        "complete": {"type": "boolean", "description": "False when a source failed, timed out or was skipped."},
        "traceId": {"type": "string"},
        "purpose": {"type": "string", "description": "The purpose the view was built for."},
        "sources": {"type": "object", "description": "Per source: status, durationMs, retrievedAt, detail, calls."},
        "detail": {"type": "string", "description": "Containers named in a containerParam that the view lacks."},
    },
}


def profile_front_door_schema(*, profile: Profile, caller: Caller, registry: Registry = default_registry) -> dict[str, Any]:
    """The schema for this caller; raises PurposeMissing (no single default purpose) or
    ViewDenied (no grant in force for its default purpose)."""
    try:
        decision = grant_resolve(principal=caller.grant_principal, profile=profile, purpose_code=None)
    except PurposeMissing:
        if grant_exists(principal=caller.grant_principal, profile=profile):
            raise  # grants, but no single default purpose: a configuration matter
        raise ViewDenied(f"No grant to use profile {profile.name}.", code="no-grant") from None
    if not decision.allowed:
        raise ViewDenied(decision.detail or f"No grant to use profile {profile.name}.", code="no-grant")
    data = profile_output_schema(profile, registry=registry, fields=decision.fields)["properties"]["data"]
    properties = dict(data.get("properties") or {})
    properties["_iko"] = STATUS_SCHEMA
    return {
        "$schema": JSON_SCHEMA,
        "title": f"Profile {profile.name} (version {profile.version}) for purpose {decision.purpose_code}",
        **{key: value for key, value in data.items() if key != "properties"},
        "type": "object",
        "properties": properties,
    }
