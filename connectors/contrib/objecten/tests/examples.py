"""Spec-conformant Objects API 2.7.0 answers used by the Objecten connector tests.

They follow `PaginatedObjectList` / `Object` / `ObjectRecord` of
tests/specs/objecten/openapi.yaml; test_contract.py validates them against it. They hold no
`geometry`: the connector never asks for it in `fields`, and the spec's `nullable` beside an
`allOf` cannot express the `null` the API sends for an object without one.
"""

from __future__ import annotations

API_ROOT = "https://objecten.example.nl/api/v2/"
OBJECTS_URL = API_ROOT + "objects"
OBJECTTYPE = "https://objecten.example.nl/api/v2/objecttypes/feeaa795-d212-4fa2-bb38-2c34996e5702"
OTHER_OBJECTTYPE = "https://objecten.example.nl/api/v2/objecttypes/0c1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b"
BSN = "999993653"
OTHER_BSN = "999993847"


def an_object(uuid: str, *, bsn=BSN, objecttype=OBJECTTYPE, data=None, index=1) -> dict:
    return {
        "url": f"{API_ROOT}objects/{uuid}",
        "uuid": uuid,
        "type": objecttype,
        "record": {
            "index": index,
            "typeVersion": 1,
            "data": data if data is not None else {"bsn": bsn, "soort": "parkeervergunning"},
            "startAt": "2025-01-01",
            "endAt": None,
            "registrationAt": "2025-01-02",
        },
    }


PARKEERVERGUNNING = an_object("2d1f3c4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f")
AFVALPAS = an_object(
    "3e2a4d5f-6b7c-4d8e-9fa0-1b2c3d4e5f60", data={"bsn": BSN, "soort": "afvalpas", "pasnummer": "A-1001"}
)


def page(results, *, count=None, next_url=None, previous=None) -> dict:
    return {
        "count": len(results) if count is None else count,
        "next": next_url,
        "previous": previous,
        "results": results,
    }
