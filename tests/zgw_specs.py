"""The ZGW specs (Zaken, Documenten, Besluiten, Catalogi as served by Open Zaak 1.30) for contract
tests, with one known flaw of their generation repaired in a copy.

Open Zaak's generated specs type the query filters that take the URL of another resource
(`zaak` on `statussen`, `rollen`, `zaakobjecten`, `zaakinformatieobjecten`; `besluit` on
`besluitinformatieobjecten`; `informatieobject` on `objectinformatieobjecten`...) as `integer`,
while their description says "URL-referentie naar ..." and the VNG standards declare them as
URIs: every real client sends a URL there, and Open Zaak filters on it. Validated as vendored, no
correct request would conform. The copy declares exactly those parameters (integer-typed, and
described as a URL reference) as `string` with format `uri`; nothing else changes, and the
vendored files stay untouched.
"""

from __future__ import annotations

import copy
import functools

from tests.contracts import _spec_dict, openapi_from_dict


def _url_filters_as_strings(spec: dict) -> dict:
    spec = copy.deepcopy(spec)
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema") or {}
                if (
                    parameter.get("in") == "query"
                    and schema.get("type") == "integer"
                    and "URL-referentie" in (parameter.get("description") or "")
                ):
                    parameter["schema"] = {"type": "string", "format": "uri"}
    return spec


@functools.lru_cache(maxsize=None)
def zgw_spec_dict(relative_path: str) -> dict:
    return _url_filters_as_strings(_spec_dict(relative_path))


@functools.lru_cache(maxsize=None)
def zgw_spec(relative_path: str, api_root: str):
    """An openapi-core `OpenAPI` of the repaired spec, its server pointed at `api_root`."""
    return openapi_from_dict(zgw_spec_dict(relative_path), api_root)
