"""The three vendored KVK specs, each pointed at its part of one KVK API root.

`tests.contracts.source_spec` already reads `application/hal+json` (KVK's main media type).
"""

from __future__ import annotations

from tests.contracts import source_spec

ZOEKEN = "kvk/zoeken-api-v2.yaml"
BASISPROFIEL = "kvk/basisprofiel-api-v1.yaml"
VESTIGINGSPROFIEL = "kvk/vestigingsprofiel-api-v1.yaml"


def kvk_specs(kvk_api_root: str) -> dict[str, object]:
    """The three specs for one KVK API root (ending in /api/): each file's servers differ."""
    root = kvk_api_root.rstrip("/") + "/"
    return {
        "zoeken": source_spec(ZOEKEN, root + "v2"),
        "basisprofiel": source_spec(BASISPROFIEL, root + "v1"),
        "vestigingsprofiel": source_spec(VESTIGINGSPROFIEL, root),
    }
