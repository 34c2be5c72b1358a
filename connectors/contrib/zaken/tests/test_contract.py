"""Contract tests: the requests the Zaken connector builds, and the sample answers its unit tests
parse, conform to the Zaken API 1.5.1 and Catalogi API 1.3.1 specs.

openapi-core validates JSON requests and answers. It does not deserialize
`application/problem+json`, so error bodies are checked with `openapi_schema_validator` against
the spec's `Fout` / `ValidatieFout` schemas instead.
"""

from __future__ import annotations

import pytest
import requests
import responses
from openapi_schema_validator import OAS30Validator

from connectors.base import ConnectorRequest, Status
from connectors.contrib.zaken.fields import SUBJECT_ZAAK_FIELDS, ZAAK_FIELDS
from connectors.contrib.zaken.plugin import ZakenConnector
from tests.contracts import _spec_dict, assert_request_conforms, assert_response_conforms, require_specs, source_spec

from . import samples as s

# Response headers the specs declare as required (`Content-Crs` on zaken) or always send.
ZAKEN_LIST_HEADERS = {"API-version": "1.5.1", "Content-Crs": "EPSG:4326"}
ZAKEN_HEADERS = {"API-version": "1.5.1"}
CATALOGI_HEADERS = {"API-version": "1.3.1"}
ZAKEN = s.ZAKEN_ROOT + "zaken"
ROLLEN = s.ZAKEN_ROOT + "rollen"


def specs():
    return (
        source_spec("zgw-zaken/openapi.yaml", s.ZAKEN_ROOT),
        source_spec("zgw-catalogi/openapi.yaml", s.CATALOGI_ROOT),
    )


def replay(call) -> requests.Response:
    """The connector streamed and consumed the answer; ask the same mock again for a copy."""
    with requests.Session() as session:
        return session.send(call.request)


def assert_calls_conform() -> int:
    zaken_spec, catalogi_spec = specs()
    calls = list(responses.calls)
    for call in calls:
        spec = catalogi_spec if call.request.url.startswith(s.CATALOGI_ROOT) else zaken_spec
        assert_request_conforms(spec, call.request)
        assert_response_conforms(spec, call.request, replay(call))
    return len(calls)


def problem_errors(spec_path: str, schema: str, instance) -> list[str]:
    # `_spec_dict` is the parsed spec with its one external $ref neutralised, cached per file.
    components = _spec_dict(spec_path)["components"]
    validator = OAS30Validator({"$ref": f"#/components/schemas/{schema}", "components": components})
    return [error.message for error in validator.iter_errors(instance)]


def mock_lists(*, expand: bool, subject: str = "persoon"):
    zaken = [s.zaak(1), s.zaak(2, with_status=False)]
    if expand:
        zaken = [s.expanded(zaak, n) for zaak, n in zip(zaken, (1, 2))]
    page2 = f"{ZAKEN}?page=2"
    responses.get(ZAKEN, match=[responses.matchers.query_param_matcher({"page": "2"})], json=s.page([zaken[1]], previous=ZAKEN, count=2), headers=ZAKEN_LIST_HEADERS)
    responses.get(ZAKEN, json=s.page([zaken[0]], next_url=page2, count=2), headers=ZAKEN_LIST_HEADERS)
    rollen = [s.persoon_rol(1), s.medewerker_rol(1), s.persoon_rol(2, s.OTHER_BSN), s.persoon_rol(2)]
    if subject == "bedrijf":
        rollen = [s.bedrijf_rol(1), s.bedrijf_rol(2), s.medewerker_rol(2)]
    responses.get(ROLLEN, json=s.page(rollen), headers=ZAKEN_HEADERS)


@pytest.mark.parametrize("operation, params, subject", [("zaken_van_persoon", {"bsn": s.BSN}, "persoon"), ("zaken_van_bedrijf", {"kvk": s.KVK}, "bedrijf")])
@responses.activate
def test_list_requests_and_answers_with_expand_conform(zaken_source, operation, params, subject):
    mock_lists(expand=True, subject=subject)

    result = ZakenConnector(zaken_source).run(ConnectorRequest(operation, params, SUBJECT_ZAAK_FIELDS))

    assert result.status is Status.OK and len(result.data) == 2, result.detail
    assert assert_calls_conform() == 3


@responses.activate
def test_list_status_and_catalogi_requests_and_answers_conform(catalogi_source):
    mock_lists(expand=False)
    responses.get(s.status_url(1), json=s.status(1), headers=ZAKEN_HEADERS)
    responses.get(s.zaaktype_url("parkeervergunning"), json=s.zaaktype(), headers=CATALOGI_HEADERS)
    responses.get(s.statustype_url("parkeervergunning"), json=s.statustype(), headers=CATALOGI_HEADERS)

    result = ZakenConnector(catalogi_source).run(ConnectorRequest("zaken_van_persoon", {"bsn": s.BSN}, SUBJECT_ZAAK_FIELDS))

    assert result.status is Status.OK and result.data[0]["status"]["omschrijving"] == "In behandeling", result.detail
    assert assert_calls_conform() == 6


@pytest.mark.parametrize("source_fixture", ["zaken_source", "catalogi_source"])
@responses.activate
def test_zaak_by_url_request_and_answer_conform(request, source_fixture):
    source = request.getfixturevalue(source_fixture)
    expand = source_fixture == "zaken_source"
    responses.get(s.zaak_url(7), json=s.expanded(s.zaak(7), 7) if expand else s.zaak(7), headers=ZAKEN_LIST_HEADERS)
    responses.get(s.status_url(7), json=s.status(7), headers=ZAKEN_HEADERS)
    responses.get(s.zaaktype_url("parkeervergunning"), json=s.zaaktype(), headers=CATALOGI_HEADERS)
    responses.get(s.statustype_url("parkeervergunning"), json=s.statustype(), headers=CATALOGI_HEADERS)

    result = ZakenConnector(source).run(ConnectorRequest("zaak", {"url": s.zaak_url(7)}, ZAAK_FIELDS))

    assert result.status is Status.OK, result.detail
    assert assert_calls_conform() == (1 if expand else 4)


@pytest.mark.parametrize("source_fixture", ["zaken_source", "catalogi_source"])
@responses.activate
def test_zaken_op_identificatie_request_and_answer_conform(request, source_fixture):
    source = request.getfixturevalue(source_fixture)
    expand = source_fixture == "zaken_source"
    zaak = s.expanded(s.zaak(7), 7) if expand else s.zaak(7)
    responses.get(ZAKEN, json=s.page([zaak]), headers=ZAKEN_LIST_HEADERS)
    responses.get(s.status_url(7), json=s.status(7), headers=ZAKEN_HEADERS)
    responses.get(s.zaaktype_url("parkeervergunning"), json=s.zaaktype(), headers=CATALOGI_HEADERS)
    responses.get(s.statustype_url("parkeervergunning"), json=s.statustype(), headers=CATALOGI_HEADERS)

    result = ZakenConnector(source).run(ConnectorRequest(
        "zaken_op_identificatie", {"identificatie": "ZAAK-2025-0000000007", "bronorganisatie": "002220647"}, ZAAK_FIELDS,
    ))

    assert result.status is Status.OK and len(result.data) == 1, result.detail
    assert assert_calls_conform() == (1 if expand else 4)


@responses.activate
def test_check_connection_requests_conform(zaken_source):
    nil = "00000000-0000-0000-0000-000000000000"
    responses.get(f"{ZAKEN}/{nil}", status=404, json=s.fout(404, "Niet gevonden.", "not_found"), content_type="application/problem+json")
    responses.get(f"{s.CATALOGI_ROOT}zaaktypen/{nil}", status=404, json=s.fout(404, "Niet gevonden.", "not_found"), content_type="application/problem+json")

    assert ZakenConnector(zaken_source).check_connection().ok
    zaken_spec, catalogi_spec = specs()
    assert_request_conforms(zaken_spec, responses.calls[0].request)
    assert_request_conforms(catalogi_spec, responses.calls[1].request)


def test_the_error_samples_conform_to_fout_and_validatiefout():
    require_specs()
    fout = s.fout(403, "Je hebt geen toestemming.", "permission_denied")
    assert problem_errors("zgw-zaken/openapi.yaml", "Fout", fout) == []
    validatie = dict(s.fout(400, "Invalid input.", "invalid"), invalidParams=[{"name": "ordering", "code": "invalid_choice", "reason": "Ongeldige keuze."}])
    assert problem_errors("zgw-zaken/openapi.yaml", "ValidatieFout", validatie) == []
    assert problem_errors("zgw-catalogi/openapi.yaml", "Fout", fout) == []


@responses.activate
def test_the_contract_check_is_not_vacuous(zaken_source):
    """A wrong answer must fail validation, or the tests above prove nothing."""
    bad = s.persoon_rol(1)
    bad["betrokkeneIdentificatie"]["inpBsn"] = "9999936530"  # maxLength 9
    responses.get(ZAKEN, json=s.page([s.zaak(1)]), headers=ZAKEN_LIST_HEADERS)
    responses.get(ROLLEN, json=s.page([bad]), headers=ZAKEN_HEADERS)

    ZakenConnector(zaken_source).run(ConnectorRequest("zaken_van_persoon", {"bsn": s.BSN}, ("identificatie",)))

    zaken_spec, _ = specs()
    # The zaken and rollen requests go out together: which was first is not fixed.
    [zaken_call] = [c for c in responses.calls if c.request.url.startswith(ZAKEN + "?")]
    [rollen_call] = [c for c in responses.calls if c.request.url.startswith(ROLLEN + "?")]
    assert_response_conforms(zaken_spec, zaken_call.request, replay(zaken_call))
    with pytest.raises(Exception, match="InvalidData|Invalid"):
        assert_response_conforms(zaken_spec, rollen_call.request, replay(rollen_call))
    assert problem_errors("zgw-zaken/openapi.yaml", "Fout", {"title": "x"})
