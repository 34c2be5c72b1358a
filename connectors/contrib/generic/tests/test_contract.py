"""Contract test: what the generic connector sends for the demo inkomensregister options, and the
answers the unit tests feed it, conform to demo/servers/generic_openapi.yaml.

The generic connector has no official spec; the demo register's OpenAPI document is the contract
its test options describe. tests/contracts.py only loads the vendored specs, so openapi-core is
used directly here, with application/problem+json read as JSON (openapi-core 0.23 has no
deserializer for it).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
import requests
import responses
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from connectors.base import ConnectorRequest

from .answers import (
    INKOMENS_EVERYONE,
    INKOMENS_NONE,
    INKOMENS_PAGE_1,
    INKOMENS_PAGE_2,
    INKOMENS_PAGE_3,
    INKOMENS_SUZANNE,
    MEREL,
    PROBLEM_400,
    PROBLEM_404,
    ROOT,
    SUZANNE,
    exactly,
    UITKERINGEN_MEREL,
)

SPEC = Path(__file__).resolve().parents[4] / "demo" / "servers" / "generic_openapi.yaml"
INKOMENS_URL = ROOT + "inkomens"
PROBLEM = "application/problem+json"


@functools.lru_cache(maxsize=None)
def demo_openapi(api_root: str) -> OpenAPI:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    spec["servers"] = [{"url": api_root.rstrip("/")}]
    return OpenAPI.from_dict(spec, config=Config(extra_media_type_deserializers={PROBLEM: json.loads}))


def assert_conforms(call, answer, status=200, content_type="application/json") -> None:
    """The request sent validates (unless the answer is a 400 about it), and so does the fixture
    answer given for it."""
    openapi = demo_openapi(ROOT)
    request = RequestsOpenAPIRequest(call.request)
    if status != 400:
        openapi.validate_request(request)
    # The connector streams and consumes the body of `call.response`, so rebuild the answer.
    response = requests.Response()
    response.status_code = status
    response.headers["Content-Type"] = content_type
    response._content = json.dumps(answer).encode()
    response.request = call.request
    openapi.validate_response(request, RequestsOpenAPIResponse(response))


@pytest.mark.parametrize(
    "operation, params, url, answer, status",
    [
        ("inkomens", {"bsn": SUZANNE}, INKOMENS_URL, INKOMENS_SUZANNE, 200),
        ("inkomens", {"bsn": SUZANNE}, INKOMENS_URL, INKOMENS_EVERYONE, 200),
        ("inkomens", {"bsn": SUZANNE}, INKOMENS_URL, INKOMENS_NONE, 200),
        ("inkomens", {"bsn": SUZANNE}, INKOMENS_URL, INKOMENS_PAGE_3, 200),
        ("inkomens", {"bsn": "12345"}, INKOMENS_URL, PROBLEM_400, 400),
        ("inkomens_in_jaar", {"bsn": SUZANNE, "jaar": 2025}, INKOMENS_URL, INKOMENS_SUZANNE, 200),
        ("uitkeringen", {"bsn": MEREL}, ROOT + f"personen/{MEREL}/uitkeringen", UITKERINGEN_MEREL, 200),
        ("uitkeringen_overzicht", {"bsn": MEREL}, ROOT + f"personen/{MEREL}/uitkeringen", UITKERINGEN_MEREL, 200),
        ("uitkeringen", {"bsn": "999999990"}, ROOT + "personen/999999990/uitkeringen", PROBLEM_404, 404),
    ],
)
@responses.activate
def test_requests_and_answers_of_each_operation_conform_to_the_demo_spec(connector, operation, params, url, answer, status):
    content_type = PROBLEM if status >= 400 else "application/json"
    responses.get(url, json=answer, status=status, content_type=content_type)

    connector.run(ConnectorRequest(operation, params, ("jaar",)))

    assert len(responses.calls) == 1
    assert_conforms(responses.calls[0], answer, status, content_type)


@responses.activate
def test_following_next_links_sends_requests_that_conform_to_the_demo_spec(connector):
    pages = [("", INKOMENS_PAGE_1), ("&page=2", INKOMENS_PAGE_2), ("&page=3", INKOMENS_PAGE_3)]
    for query, answer in pages:
        responses.get(**exactly(f"{INKOMENS_URL}?bsn={SUZANNE}{query}"), json=answer)

    connector.run(ConnectorRequest("inkomens", {"bsn": SUZANNE}, ("jaar",)))

    assert len(responses.calls) == 3
    for call, (_, answer) in zip(responses.calls, pages):
        assert_conforms(call, answer)


@responses.activate
def test_the_connection_check_conforms_to_the_demo_spec(connector):
    info = {"naam": "Inkomensregister (demo)", "versie": "1.0.0"}
    responses.get(ROOT, json=info)

    assert connector.check_connection().ok

    assert_conforms(responses.calls[0], info)
