"""Integration tests of the demo inkomensregister: real loopback HTTP, answers checked against its
own OpenAPI document (demo/servers/generic_openapi.yaml), and the generic connector end to end.

tests/contracts.py only loads the vendored specs, so openapi-core is used directly, with
application/problem+json read as JSON (openapi-core 0.23 has no deserializer for it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from connectors.base import ConnectorRequest, Status
from connectors.contrib.generic.plugin import GenericJsonConnector
from demo.servers.generic import INKOMENS, UITKERINGEN, VERMOGENS, start_generic_server
from demo.universe import INKOMENSREGISTER_ONLY_PERSONS, PERSONS, PERSONS_BY_BSN

pytestmark = pytest.mark.integration

SPEC = Path(__file__).resolve().parents[1] / "servers" / "generic_openapi.yaml"
SUZANNE, MEREL, UNKNOWN = "999993653", "999993847", "999999990"

OPTIONS = {
    "operations": {
        "inkomens": {
            "path": "inkomens",
            "query": {"bsn": "{bsn}"},
            "subject_types": ["bsn"],
            "fields": ["bsn", "jaar", "bedrag", "bron", "soort"],
            "many": True,
            "items_pointer": "/results",
            "subject_pointer": "/bsn",
            "next_pointer": "/next",
        },
        "uitkeringen": {
            "path": "personen/{bsn}/uitkeringen",
            "subject_types": ["bsn"],
            "fields": ["regeling", "ingangsdatum", "einddatum", "bedragPerMaand", "status"],
            "many": True,
            "items_pointer": "/_embedded/uitkeringen",
            "subject_pointer": "/burgerservicenummer",
        },
        # A misspelt filter the register ignores, with small pages: it lists everyone.
        "inkomens_misspelt": {
            "path": "inkomens",
            "query": {"burgerservicenummer": "{bsn}", "pageSize": "3"},
            "subject_types": ["bsn"],
            "fields": ["jaar", "bedrag"],
            "many": True,
            "items_pointer": "/results",
            "subject_pointer": "/bsn",
            "next_pointer": "/next",
        },
    },
}


@pytest.fixture(scope="module")
def server():
    server = start_generic_server()
    yield server
    server.stop()


def demo_openapi(api_root: str) -> OpenAPI:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    spec["servers"] = [{"url": api_root.rstrip("/")}]
    config = Config(extra_media_type_deserializers={"application/problem+json": json.loads})
    return OpenAPI.from_dict(spec, config=config)


@pytest.fixture(scope="module")
def openapi(server):
    return demo_openapi(server.api_root)


def get(server, path, params=None, **headers):
    return requests.get(server.api_root + path, params=params, headers=headers, timeout=5)


def assert_conforms(openapi, answer, request_too=True):
    request = RequestsOpenAPIRequest(answer.request)
    if request_too:
        openapi.validate_request(request)
    openapi.validate_response(request, RequestsOpenAPIResponse(answer))


# --- the demo API and its spec ------------------------------------------------------------------


def test_the_api_root_answers_without_personal_data(server, openapi):
    answer = get(server, "")

    assert answer.status_code == 200
    assert answer.json() == {"naam": "Inkomensregister (demo)", "versie": "1.0.0"}
    assert_conforms(openapi, answer)


def test_the_incomes_of_one_person_are_found_and_conform_to_the_spec(server, openapi):
    answer = get(server, "inkomens", {"bsn": SUZANNE})

    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
    body = answer.json()
    assert body["count"] == 2 and body["next"] is None and body["previous"] is None
    assert {(r["bsn"], r["jaar"]) for r in body["results"]} == {(SUZANNE, 2024), (SUZANNE, 2025)}
    assert_conforms(openapi, answer)


def test_the_year_filter_narrows_the_list(server, openapi):
    answer = get(server, "inkomens", {"bsn": SUZANNE, "jaar": "2025"})

    assert [r["jaar"] for r in answer.json()["results"]] == [2025]
    assert_conforms(openapi, answer)


def test_an_unknown_query_parameter_is_ignored_and_lists_every_record_in_pages(server, openapi):
    first = get(server, "inkomens", {"burgerservicenummer": SUZANNE, "pageSize": "3"})
    body = first.json()

    assert body["count"] == len(INKOMENS)
    assert len({r["bsn"] for r in body["results"]}) > 1
    assert body["next"].startswith(server.api_root + "inkomens?")
    second = requests.get(body["next"], timeout=5)
    assert second.json()["previous"] and len(second.json()["results"]) == 3
    assert_conforms(openapi, first, request_too=False)
    assert_conforms(openapi, second, request_too=False)


def test_the_benefits_of_a_person_are_found_and_conform_to_the_spec(server, openapi):
    answer = get(server, f"personen/{MEREL}/uitkeringen")

    body = answer.json()
    assert body["burgerservicenummer"] == MEREL
    assert [u["regeling"] for u in body["_embedded"]["uitkeringen"]] == ["Participatiewet", "Bijzondere bijstand"]
    assert {u["burgerservicenummer"] for u in body["_embedded"]["uitkeringen"]} == {MEREL}
    assert_conforms(openapi, answer)


def test_a_person_without_benefits_gets_an_empty_list(server, openapi):
    answer = get(server, f"personen/{SUZANNE}/uitkeringen")

    assert answer.json() == {"burgerservicenummer": SUZANNE, "_embedded": {"uitkeringen": []}}
    assert_conforms(openapi, answer)


def test_an_unknown_person_is_a_404_problem(server, openapi):
    answer = get(server, f"personen/{UNKNOWN}/uitkeringen")

    assert answer.status_code == 404
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.json()["title"] == "Persoon is niet bekend in het inkomensregister."
    assert_conforms(openapi, answer)


@pytest.mark.parametrize("params", [{"bsn": "12345"}, {"jaar": "25"}, {"pageSize": "0"}, {"page": "x"}, {"pageSize": "101"}])
def test_invalid_parameters_are_a_400_problem_naming_the_parameter(server, openapi, params):
    answer = get(server, "inkomens", params)

    assert answer.status_code == 400
    assert answer.json()["invalidParams"][0]["name"] == next(iter(params))
    assert_conforms(openapi, answer, request_too=False)


def test_only_get_is_allowed_and_unknown_paths_are_404(server):
    posted = requests.post(server.api_root + "inkomens", json={"bsn": SUZANNE}, timeout=5)
    unknown = get(server, "belastingen")

    assert posted.status_code == 405 and posted.headers["Allow"] == "GET"
    assert unknown.status_code == 404
    assert posted.headers["Content-Type"] == unknown.headers["Content-Type"] == "application/problem+json"


def test_the_demo_data_is_about_the_demo_cast_and_the_register_only_persons_only():
    known = set(PERSONS_BY_BSN) | {p["bsn"] for p in INKOMENSREGISTER_ONLY_PERSONS}
    assert {r["bsn"] for r in INKOMENS} == known
    assert set(UITKERINGEN) <= set(PERSONS_BY_BSN)
    assert set(VERMOGENS) == known
    assert all(any(r["bsn"] == p["bsn"] for r in INKOMENS) for p in PERSONS)


def test_the_assets_of_a_person_are_found_and_conform_to_the_spec(server, openapi):
    answer = get(server, f"personen/{MEREL}/vermogen")

    assert answer.status_code == 200
    assert answer.json() == {"burgerservicenummer": MEREL, **VERMOGENS[MEREL]}
    assert_conforms(openapi, answer)


def test_a_person_without_an_assets_figure_is_a_404_problem(server, openapi):
    answer = get(server, f"personen/{UNKNOWN}/vermogen")

    assert answer.status_code == 404
    assert answer.json()["title"] == "Van deze persoon is geen vermogen bekend."
    assert_conforms(openapi, answer)


def test_injected_failures_answer_503_problems_that_conform_to_the_spec():
    failing = start_generic_server(failure_rate=1.0)
    try:
        answer = get(failing, "inkomens", {"bsn": SUZANNE})
        assert answer.status_code == 503
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert_conforms(demo_openapi(failing.api_root), answer)
    finally:
        failing.stop()


# --- the generic connector end to end ---------------------------------------------------------


@pytest.fixture
def connector(server, db):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    from connectors.models import Source

    service = Service.objects.create(
        label="Demo inkomensregister", slug="demo-inkomensregister", api_type=APITypes.orc,
        api_root=server.api_root, auth_type=AuthTypes.no_auth, timeout=5,
    )
    source = Source(name="inkomensregister", connector="generic", service=service, options=OPTIONS, timeout=3.0)
    source.full_clean()
    source.save()
    return GenericJsonConnector(source.to_config())


def test_the_connector_reads_a_persons_incomes_from_the_demo(connector):
    result = connector.run(ConnectorRequest("inkomens", {"bsn": SUZANNE}, ("jaar", "bedrag")))

    assert result.status is Status.OK
    assert [(r["jaar"], r["bedrag"]) for r in result.data] == [(2024, 41250.0), (2025, 43100.0)]
    assert result.detail == ""


def test_the_connector_reads_benefits_and_reports_an_unknown_person_as_not_found(connector):
    found = connector.run(ConnectorRequest("uitkeringen", {"bsn": MEREL}, ("regeling",)))
    missing = connector.run(ConnectorRequest("uitkeringen", {"bsn": UNKNOWN}, ("regeling",)))

    assert found.status is Status.OK and len(found.data) == 2
    assert missing.status is Status.NOT_FOUND


def test_a_misspelt_filter_leaks_nobody_through_the_connector(connector):
    result = connector.run(ConnectorRequest("inkomens_misspelt", {"bsn": SUZANNE}, ("jaar",)))

    # The register listed all its records over pages of 3; only the subject's 2 are kept.
    assert result.status is Status.OK
    assert {r["bsn"] for r in result.data} == {SUZANNE}
    assert len(result.data) == 2
    assert result.detail == (
        f"Dropped {len(INKOMENS) - 2} item(s) that did not belong to the subject (checked at /bsn)."
    )


def test_the_connection_check_passes_against_the_demo(connector):
    check = connector.check_connection()

    assert check.ok
    assert check.detail == "Source 'inkomensregister' answered (HTTP 200)."


def test_the_connector_reports_an_unavailable_demo_as_an_error(connector, server):
    server.set_faults(failure_rate=1.0)
    try:
        result = connector.run(ConnectorRequest("inkomens", {"bsn": SUZANNE}, ("jaar",)))
    finally:
        server.set_faults()

    assert result.status is Status.ERROR
    assert result.detail.startswith("Source 'inkomensregister' failed or is unavailable (HTTP 503)")
