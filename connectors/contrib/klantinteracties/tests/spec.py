"""openapi-core objects for the Klantinteracties and Contactgegevens specs, for contract tests.

Loads tests/specs/klantinteracties/openapi.yaml and tests/specs/contactgegevens/openapi.yaml
through `tests.contracts.require_specs` (skipping when the specs are absent), like
`tests.contracts.source_spec`, with one workaround: Open Klant's specs write an optional object
as `{"allOf": [{"$ref": X}], "nullable": true}`, and openapi-core checks `nullable` per allOf
branch, so it rejects the `null` the spec allows (and Open Klant sends, e.g. for
`voorkeursDigitaalAdres`). Each such `X` is pointed at a nullable copy of `X` instead.
"""

from __future__ import annotations

import copy
import functools
import json
from typing import Any

import requests
import yaml

from tests.contracts import assert_request_conforms, assert_response_conforms, require_specs

KLANTINTERACTIES = "klantinteracties/openapi.yaml"
CONTACTGEGEVENS = "contactgegevens/openapi.yaml"
SCHEMA_PREFIX = "#/components/schemas/"


@functools.lru_cache(maxsize=None)
def _patched_dict(relative_path: str) -> dict:
    spec = yaml.safe_load((require_specs() / relative_path).read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    nullable_copies: dict[str, dict] = {}

    def fix(node: Any) -> None:
        if isinstance(node, dict):
            branches = node.get("allOf")
            if node.get("nullable") and isinstance(branches, list) and len(branches) == 1:
                ref = branches[0].get("$ref", "")
                if ref.startswith(SCHEMA_PREFIX):
                    name = ref[len(SCHEMA_PREFIX):]
                    if name not in nullable_copies:
                        nullable_copies[name] = dict(copy.deepcopy(schemas[name]), nullable=True)
                    branches[0] = {"$ref": f"{SCHEMA_PREFIX}{name}__nullable"}
            for value in node.values():
                fix(value)
        elif isinstance(node, list):
            for value in node:
                fix(value)

    fix(spec)
    schemas.update({f"{name}__nullable": schema for name, schema in nullable_copies.items()})
    return spec


@functools.lru_cache(maxsize=None)
def openklant_spec(relative_path: str, api_root: str):
    from openapi_core import OpenAPI

    spec = copy.deepcopy(_patched_dict(relative_path))
    spec["servers"] = [{"url": api_root.rstrip("/")}]
    return OpenAPI.from_dict(spec)


def raw_spec(relative_path: str) -> dict:
    """The spec as a dict (with the nullable workaround), e.g. to walk its schemas."""
    return _patched_dict(relative_path)


def schema_paths(relative_path: str, schema_name: str) -> set[str]:
    """Every dot path of a schema's properties through `$ref`, `allOf`, `oneOf` and array items."""
    schemas = raw_spec(relative_path)["components"]["schemas"]

    def properties(node: dict, seen: frozenset[str]) -> dict[str, list[dict]]:
        if "$ref" in node:
            name = node["$ref"][len(SCHEMA_PREFIX):]
            return {} if name in seen else properties(schemas[name], seen | {name})
        found: dict[str, list[dict]] = {}
        parts = [*node.get("allOf", []), *node.get("oneOf", []), *([node["items"]] if "items" in node else [])]
        for part in parts:
            for key, subs in properties(part, seen).items():
                found.setdefault(key, []).extend(subs)
        for key, sub in node.get("properties", {}).items():
            found.setdefault(key, []).append(sub)
        return found

    def walk(node: dict, prefix: str, seen: frozenset[str]) -> set[str]:
        paths: set[str] = set()
        for key, subs in properties(node, seen).items():
            paths.add(prefix + key)
            for sub in subs:
                paths |= walk(sub, f"{prefix}{key}.", seen)
        return paths

    return walk(schemas[schema_name], "", frozenset({schema_name}))


def declared_query_params(relative_path: str, api_root: str, url: str, method: str = "get") -> set[str]:
    """The query parameters the spec declares for the operation that `url` calls.

    openapi-core accepts undeclared query parameters (OpenAPI allows them), so this is how a
    test proves that no filter name is misspelt: Open Klant would silently ignore it.
    """
    import re
    from urllib.parse import urlsplit

    path = "/" + urlsplit(url).path[len(urlsplit(api_root).path):].strip("/")
    for template, operations in raw_spec(relative_path)["paths"].items():
        if re.fullmatch(re.sub(r"\\{[^/]+\\}", "[^/]+", re.escape(template)), path):
            parameters = operations[method].get("parameters", [])
            return {p["name"] for p in parameters if p["in"] == "query"}
    raise AssertionError(f"{path} is no path of {relative_path}")


def as_response(request: requests.PreparedRequest, payload: Any, status: int = 200) -> requests.Response:
    """A `requests.Response` to `request` carrying `payload` as JSON, for response validation."""
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(payload).encode()
    response.headers["Content-Type"] = "application/json"
    response.url = request.url
    response.request = request
    return response


__all__ = [
    "CONTACTGEGEVENS", "KLANTINTERACTIES", "as_response", "assert_request_conforms",
    "assert_response_conforms", "declared_query_params", "openklant_spec", "raw_spec",
    "schema_paths",
]
