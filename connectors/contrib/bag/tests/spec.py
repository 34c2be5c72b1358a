"""The BAG IB 2.6.0 spec for contract tests, with its one known typo fixed in a copy.

../shared/specs/bag-individuele-bevragingen/openapi.yaml lists `kortNaam` among the required
properties of `Adres`, while the property (and every real answer) is `korteNaam`. Validated as
vendored, no real address would conform; this copy requires `korteNaam` instead. The vendored
file itself stays untouched (see ../shared/specs/README.md).

openapi-core reads only `application/json` (and a few others) as JSON; the BAG answers in
`application/hal+json` and `application/problem+json`, so this OpenAPI object is told to read
those as JSON too.
"""

from __future__ import annotations

import copy
import functools
import json

import yaml

from tests.contracts import require_specs

SPEC = "bag-individuele-bevragingen/openapi.yaml"
JSON_MEDIA_TYPES = ("application/hal+json", "application/problem+json")


@functools.lru_cache(maxsize=None)
def _fixed_spec() -> dict:
    spec = yaml.safe_load((require_specs() / SPEC).read_text(encoding="utf-8"))
    adres = spec["components"]["schemas"]["Adres"]
    adres["required"] = ["korteNaam" if name == "kortNaam" else name for name in adres["required"]]
    return spec


@functools.lru_cache(maxsize=None)
def bag_spec(api_root: str):
    """An openapi-core `OpenAPI` of the fixed spec with its server at `api_root`."""
    from openapi_core import Config, OpenAPI

    spec = copy.deepcopy(_fixed_spec())
    spec["servers"] = [{"url": api_root.rstrip("/")}]
    as_json = {media_type: json.loads for media_type in JSON_MEDIA_TYPES}
    return OpenAPI.from_dict(spec, config=Config(extra_media_type_deserializers=as_json))
