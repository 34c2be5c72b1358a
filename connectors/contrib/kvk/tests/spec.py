"""The vendored KVK specs as openapi-core objects that also read `application/hal+json` bodies.

openapi-core 0.23 has no deserializer for `application/hal+json` (KVK's main media type) and
would treat those bodies as bytes, so these objects register the JSON one for it. Otherwise the
same as `tests.contracts.source_spec` (servers pointed at the API root under test; skipped when
../shared/specs is absent).
"""

from __future__ import annotations

import copy
import functools

from tests.contracts import _spec_dict

ZOEKEN = "kvk/zoeken-api-v2.yaml"
BASISPROFIEL = "kvk/basisprofiel-api-v1.yaml"
VESTIGINGSPROFIEL = "kvk/vestigingsprofiel-api-v1.yaml"


@functools.lru_cache(maxsize=None)
def kvk_spec(relative_path: str, api_root: str):
    from openapi_core import Config, OpenAPI
    from openapi_core.deserializing.media_types.util import json_loads

    spec = copy.deepcopy(_spec_dict(relative_path))
    spec["servers"] = [{"url": api_root.rstrip("/")}]
    config = Config(extra_media_type_deserializers={"application/hal+json": json_loads})
    return OpenAPI.from_dict(spec, config=config)


def kvk_specs(kvk_api_root: str) -> dict[str, object]:
    """The three specs for one KVK API root (ending in /api/): each file's servers differ."""
    root = kvk_api_root.rstrip("/") + "/"
    return {
        "zoeken": kvk_spec(ZOEKEN, root + "v2"),
        "basisprofiel": kvk_spec(BASISPROFIEL, root + "v1"),
        "vestigingsprofiel": kvk_spec(VESTIGINGSPROFIEL, root),
    }
