"""Contract checks against the official source API specs vendored in tests/specs/ (openapi-core).

`spec_path("zgw-zaken/openapi.yaml")` is the one place that knows where the vendored specs live
(tests/specs/PROVENANCE.md says where each file comes from). `source_spec("zgw-zaken/openapi.yaml",
api_root)` loads a spec once, points its `servers` at the API root under test (a demo server or a
`responses` URL), and returns an openapi-core `OpenAPI` object. `assert_request_conforms` /
`assert_response_conforms` validate a `requests` request or response against it. The specs are
part of the repository, so a missing file is an error, never a reason to skip.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path

import yaml

SPECS_DIR = Path(__file__).resolve().parent / "specs"
# openapi-core 0.23 reads only plain application/json as JSON; the sources' error and HAL
# bodies are JSON too, so every spec object gets these deserializers.
JSON_MEDIA_TYPES = ("application/problem+json", "application/hal+json")


def spec_path(relative_path: str) -> Path:
    """The vendored spec file `relative_path` (e.g. ``"kvk/zoeken-api-v2.yaml"``) under tests/specs/."""
    path = SPECS_DIR / relative_path
    if not path.is_file():
        raise FileNotFoundError(
            f"{relative_path} is not among the vendored specs in {SPECS_DIR}; "
            "add it there with its provenance (tests/specs/PROVENANCE.md)"
        )
    return path


def require_specs() -> Path:
    """The folder of the vendored specs, for callers that join paths themselves; new code asks
    `spec_path` for a file. The folder is part of the repository, so this never skips."""
    if not SPECS_DIR.is_dir():
        raise FileNotFoundError(f"the vendored specs folder {SPECS_DIR} is missing from this checkout")
    return SPECS_DIR


@functools.lru_cache(maxsize=None)
def _spec_dict(relative_path: str) -> dict:
    spec = yaml.safe_load(spec_path(relative_path).read_text(encoding="utf-8"))
    # The Zaken spec's one external $ref (to the Catalogi spec on the web, see
    # tests/specs/README.md) cannot be fetched offline; validators treat the expanded zaaktype
    # as any object.
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
