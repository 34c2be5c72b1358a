"""The BAG IB 2.6.0 spec for contract tests, with its one known typo fixed in a copy.

tests/specs/bag-individuele-bevragingen/openapi.yaml lists `kortNaam` among the required
properties of `Adres`, while the property (and every real answer) is `korteNaam`. Validated as
vendored, no real address would conform; this copy requires `korteNaam` instead. The vendored
file itself stays untouched (see tests/specs/PROVENANCE.md).

`tests.contracts.openapi_from_dict` reads its `hal+json` and `problem+json` answers as JSON.
"""

from __future__ import annotations

import functools

import yaml

from tests.contracts import openapi_from_dict, require_specs

SPEC = "bag-individuele-bevragingen/openapi.yaml"


@functools.lru_cache(maxsize=None)
def _fixed_spec() -> dict:
    spec = yaml.safe_load((require_specs() / SPEC).read_text(encoding="utf-8"))
    adres = spec["components"]["schemas"]["Adres"]
    adres["required"] = ["korteNaam" if name == "kortNaam" else name for name in adres["required"]]
    return spec


@functools.lru_cache(maxsize=None)
def bag_spec(api_root: str):
    """An openapi-core `OpenAPI` of the fixed spec with its server at `api_root`."""
    return openapi_from_dict(_fixed_spec(), api_root)
