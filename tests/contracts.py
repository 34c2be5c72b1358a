"""Contract checks against the official source API specs in ../shared/specs/ (openapi-core).

`source_spec("zgw-zaken/openapi.yaml", api_root)` loads a vendored spec once, points its
`servers` at the API root under test (a demo server or a `responses` URL), and returns an
openapi-core `OpenAPI` object. `assert_request_conforms` / `assert_response_conforms` validate a
`requests` request or response against it. When the specs folder is absent the calling test is
skipped with the reason; CI always has it beside the clone.
"""

from __future__ import annotations

import copy
import functools
import json
import os
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
# openapi-core 0.23 reads only plain application/json as JSON; the sources' error and HAL
# bodies are JSON too, so every spec object gets these deserializers.
JSON_MEDIA_TYPES = ("application/problem+json", "application/hal+json")


def specs_dir() -> Path | None:
    configured = os.environ.get("IKO_SHARED_SPECS")
    candidate = Path(configured) if configured else REPO_ROOT.parent / "shared" / "specs"
    return candidate if candidate.is_dir() else None


def require_specs() -> Path:
    found = specs_dir()
    if found is None:
        pytest.skip("the official specs (../shared/specs or IKO_SHARED_SPECS) are not on this machine")
    return found


@functools.lru_cache(maxsize=None)
def _spec_dict(relative_path: str) -> dict:
    text = (require_specs() / relative_path).read_text(encoding="utf-8")
    spec = yaml.safe_load(text)
    # The Zaken spec's one external $ref (see ../shared/specs/README.md) cannot be fetched
    # offline; validators treat the expanded zaaktype as any object.
    _replace_external_refs(spec)
    return spec


def _replace_external_refs(node) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            node.clear()
            node["type"] = "object"
            return
        for value in node.values():
            _replace_external_refs(value)
    elif isinstance(node, list):
        for value in node:
            _replace_external_refs(value)


def openapi_from_dict(spec: dict, api_root: str):
    """An openapi-core object of a spec dict, with its servers pointed at `api_root`."""
    from openapi_core import Config, OpenAPI

    spec = copy.deepcopy(spec)
    spec["servers"] = [{"url": api_root.rstrip("/")}]
    as_json = {media_type: json.loads for media_type in JSON_MEDIA_TYPES}
    return OpenAPI.from_dict(spec, config=Config(extra_media_type_deserializers=as_json))


@functools.lru_cache(maxsize=None)
def source_spec(relative_path: str, api_root: str):
    return openapi_from_dict(_spec_dict(relative_path), api_root)


def assert_request_conforms(openapi, request) -> None:
    """`request` is a `requests.PreparedRequest` (e.g. `responses.calls[0].request`)."""
    from openapi_core.contrib.requests import RequestsOpenAPIRequest

    openapi.validate_request(RequestsOpenAPIRequest(request))


def assert_response_conforms(openapi, request, response) -> None:
    """`request` a `requests.PreparedRequest`, `response` a `requests.Response`."""
    from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

    openapi.validate_response(RequestsOpenAPIRequest(request), RequestsOpenAPIResponse(response))
