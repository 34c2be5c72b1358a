"""Contract tests: the KVK connector's requests and the unit tests' sample answers conform to the
vendored specs (tests/specs/kvk/), and every declared field exists in the spec's schemas.

The three spec files declare their servers differently (Zoeken `…/api/v2` + `/zoeken`,
Basisprofiel `…/api/v1` + `/basisprofielen/…`, Vestigingsprofiel `…/api` + `/v1/…`), so each is
pointed at the matching part of the one API root the connector uses.
"""

from __future__ import annotations

import json

import pytest
import requests
import responses

from connectors.base import ConnectorRequest
from connectors.contrib.kvk.fields import BASISPROFIEL_FIELDS, VESTIGING_FIELDS, VESTIGINGSPROFIEL_FIELDS, ZOEKEN_FIELDS
from connectors.contrib.kvk.plugin import KvkConnector
from tests.contracts import _spec_dict, assert_request_conforms, assert_response_conforms

from . import samples as s
from .conftest import KVK_ROOT
from .spec import kvk_specs

ZOEKEN_SPEC, BASISPROFIEL_SPEC, VESTIGINGSPROFIEL_SPEC = "zoeken", "basisprofiel", "vestigingsprofiel"


def spec(which):
    # Our own openapi-core objects: they read application/hal+json bodies (see spec.py).
    return kvk_specs(KVK_ROOT)[which]


def as_response(request, status, body, content_type=s.HAL):
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    response.headers["Content-Type"] = content_type
    response.request = request
    response.url = request.url
    return response


def get(url, **params):
    return requests.Request("GET", url, params=params).prepare()


@responses.activate
def test_zoeken_requests_conform_to_the_zoeken_spec(kvk_source):
    openapi = spec(ZOEKEN_SPEC)
    responses.get(s.ZOEKEN_URL, json=s.ZOEKEN_BAKKERIJ)
    connector = KvkConnector(kvk_source.to_config())
    searches = [
        {"kvk": s.KVK_NUMMER},
        {"rsin": s.RSIN, "inclusiefInactieveRegistraties": False},
        {"vestigingsnummer": s.HOOFDVESTIGING},
        {"naam": "Bakkerij Vogel", "plaats": "Rotterdam", "straatnaam": "Boterdiep"},
        {"postcode": "3077AW", "huisnummer": 33, "huisletter": "a", "type": ["hoofdvestiging", "rechtspersoon"]},
        {"postcode": "3077AW", "postbusnummer": 9292, "type": "nevenvestiging"},
    ]
    for params in searches:
        connector.run(ConnectorRequest("zoeken", params, ("naam",)))
    connector.check_connection()

    assert len(responses.calls) == len(searches) + 1
    for call in responses.calls:
        assert_request_conforms(openapi, call.request)


@responses.activate
def test_basisprofiel_requests_conform_to_the_basisprofiel_spec(kvk_source):
    openapi = spec(BASISPROFIEL_SPEC)
    responses.get(s.BASISPROFIEL_URL, json=s.BASISPROFIEL)
    connector = KvkConnector(kvk_source.to_config())

    connector.run(ConnectorRequest("basisprofiel", {"kvk": s.KVK_NUMMER}, ("naam",)))
    connector.run(ConnectorRequest("basisprofiel", {"kvk": s.KVK_NUMMER}, BASISPROFIEL_FIELDS))

    assert len(responses.calls) == 2
    for call in responses.calls:
        assert_request_conforms(openapi, call.request)


@responses.activate
def test_vestigingsprofiel_requests_conform_to_the_vestigingsprofiel_spec(kvk_source):
    openapi = spec(VESTIGINGSPROFIEL_SPEC)
    responses.get(s.VESTIGINGSPROFIEL_URL, json=s.VESTIGING)
    connector = KvkConnector(kvk_source.to_config())

    connector.run(ConnectorRequest("vestigingsprofiel", {"vestigingsnummer": s.HOOFDVESTIGING}, ("naam",)))
    connector.run(ConnectorRequest("vestigingsprofiel", {"vestigingsnummer": s.HOOFDVESTIGING}, VESTIGINGSPROFIEL_FIELDS))

    assert len(responses.calls) == 2
    for call in responses.calls:
        assert_request_conforms(openapi, call.request)


@pytest.mark.parametrize(
    "status, body",
    [
        (200, s.ZOEKEN_BAKKERIJ),
        (200, s.zoeken_page([s.resultaat_item()], per_pagina=1, totaal=2, volgende=s.ZOEKEN_URL + "?pagina=2")),
        (404, s.FOUT_GEEN_RESULTATEN),
        (400, s.FOUT_ONGELDIG),
        (401, s.FOUT_APIKEY),
    ],
)
def test_the_sample_zoeken_answers_conform_to_the_spec(status, body):
    request = get(s.ZOEKEN_URL, kvkNummer=s.KVK_NUMMER)
    assert_response_conforms(spec(ZOEKEN_SPEC), request, as_response(request, status, body))


@pytest.mark.parametrize(
    "status, body",
    [(200, s.BASISPROFIEL), (404, s.FOUT_NIET_LEVERBAAR), (400, s.FOUT_ONGELDIG), (401, s.FOUT_APIKEY), (500, s.FOUT_INTERN)],
)
def test_the_sample_basisprofiel_answers_conform_to_the_spec(status, body):
    request = get(s.BASISPROFIEL_URL, geoData="true")
    assert_response_conforms(spec(BASISPROFIEL_SPEC), request, as_response(request, status, body))


@pytest.mark.parametrize("status, body", [(200, s.VESTIGING), (404, s.FOUT_VESTIGING_NIET_LEVERBAAR)])
def test_the_sample_vestigingsprofiel_answers_conform_to_the_spec(status, body):
    request = get(s.VESTIGINGSPROFIEL_URL, geoData="true")
    assert_response_conforms(spec(VESTIGINGSPROFIEL_SPEC), request, as_response(request, status, body))


def _schema_paths(spec_dict, schema, prefix=""):
    """All dot paths of a schema's properties, through $refs and array items."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _schema_paths(spec_dict, spec_dict["components"]["schemas"][name], prefix)
    if schema.get("type") == "array":
        return _schema_paths(spec_dict, schema["items"], prefix)
    paths = set()
    for name, sub in (schema.get("properties") or {}).items():
        path = f"{prefix}{name}"
        paths.add(path)
        paths |= _schema_paths(spec_dict, sub, path + ".")
    return paths


@pytest.mark.parametrize(
    "spec_file, schema, declared",
    [
        ("kvk/zoeken-api-v2.yaml", "ResultaatItem", ZOEKEN_FIELDS),
        ("kvk/basisprofiel-api-v1.yaml", "Basisprofiel", BASISPROFIEL_FIELDS),
        ("kvk/basisprofiel-api-v1.yaml", "Vestiging", VESTIGING_FIELDS),
        ("kvk/vestigingsprofiel-api-v1.yaml", "Vestiging", VESTIGINGSPROFIEL_FIELDS),
    ],
)
def test_every_declared_field_exists_in_the_spec_schema(spec_file, schema, declared):
    spec_dict = _spec_dict(spec_file)
    known = _schema_paths(spec_dict, spec_dict["components"]["schemas"][schema])
    assert not sorted(set(declared) - known)
    # And nothing but HAL navigation is left out.
    left_out = {p for p in known - set(declared) if not {"links", "_links"} & set(p.split("."))}
    assert not sorted(left_out)
