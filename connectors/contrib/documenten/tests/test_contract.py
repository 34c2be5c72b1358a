"""Contract tests: the requests the Documenten connector builds, and the sample answers its unit
tests parse, conform to the Documenten API 1.4.2, Zaken API 1.5.1 and Catalogi API 1.3.1 specs (as
served by Open Zaak; URL filters typed as URLs, see tests/zgw_specs.py)."""

from __future__ import annotations

import pytest
import requests
import responses

from connectors.base import ConnectorRequest, Status
from connectors.contrib.documenten.fields import DOCUMENT_FIELDS
from connectors.contrib.documenten.plugin import DocumentenConnector
from tests.contracts import assert_request_conforms, assert_response_conforms
from tests.zgw_specs import zgw_spec

from . import samples as s

HEADERS = {"documenten": {"API-version": "1.4.2"}, "zaken": {"API-version": "1.5.1"}, "catalogi": {"API-version": "1.3.1"}}
ROOTS = {"documenten": s.DOCUMENTEN_ROOT, "zaken": s.ZAKEN_ROOT, "catalogi": s.CATALOGI_ROOT}


def spec_for(url: str):
    api = next(name for name, root in ROOTS.items() if url.startswith(root))
    return zgw_spec(f"zgw-{api}/openapi.yaml", ROOTS[api])


def replay(call) -> requests.Response:
    """The connector streamed and consumed the answer; ask the same mock again for a copy."""
    with requests.Session() as session:
        return session.send(call.request)


def assert_calls_conform() -> int:
    calls = list(responses.calls)  # replaying adds calls
    for call in calls:
        spec = spec_for(call.request.url)
        assert_request_conforms(spec, call.request)
        assert_response_conforms(spec, call.request, replay(call))
    return len(calls)


def mock(via: str):
    if via == "zaken":
        responses.get(s.ZAKEN_ROOT + "zaakinformatieobjecten", json=[s.zaakinformatieobject(1, 1), s.zaakinformatieobject(1, 2)],
                      headers=HEADERS["zaken"])
    else:
        responses.get(s.DOCUMENTEN_ROOT + "objectinformatieobjecten",
                      json=[s.objectinformatieobject(1, 1), s.objectinformatieobject(1, 2)], headers=HEADERS["documenten"])
    responses.post(s.DOCUMENTEN_ROOT + "enkelvoudiginformatieobjecten/_zoek",
                   json=s.page([s.document(1), s.document(2, vertrouwelijkheid="vertrouwelijk")]), headers=HEADERS["documenten"])
    responses.get(s.informatieobjecttype_url(), json=s.informatieobjecttype(), headers=HEADERS["catalogi"])


@pytest.mark.parametrize("source_fixture, via", [("documenten_source", "zaken"), ("oio_source", "documenten")])
@responses.activate
def test_documenten_van_zaak_requests_and_answers_conform(request, source_fixture, via):
    mock(via)
    source = request.getfixturevalue(source_fixture)

    result = DocumentenConnector(source).run(ConnectorRequest(
        "documenten_van_zaak", {"zaak": s.zaak_url(1), "maximaleVertrouwelijkheidaanduiding": "zaakvertrouwelijk"},
        DOCUMENT_FIELDS,
    ))

    assert result.status is Status.OK and len(result.data) == 1, result.detail
    assert assert_calls_conform() == 3


@responses.activate
def test_check_connection_requests_conform(documenten_source):
    nil = "00000000-0000-0000-0000-000000000000"
    fout = s.fout(404, "Niet gevonden.", "not_found")
    for url in (f"{s.DOCUMENTEN_ROOT}enkelvoudiginformatieobjecten/{nil}", f"{s.ZAKEN_ROOT}zaakinformatieobjecten/{nil}",
                f"{s.CATALOGI_ROOT}informatieobjecttypen/{nil}"):
        responses.get(url, status=404, json=fout, content_type="application/problem+json")

    assert DocumentenConnector(documenten_source).check_connection().ok
    for call in list(responses.calls):
        assert_request_conforms(spec_for(call.request.url), call.request)


@responses.activate
def test_the_contract_check_is_not_vacuous(documenten_source):
    """A wrong answer must fail validation, or the tests above prove nothing."""
    bad = dict(s.document(1), vertrouwelijkheidaanduiding="topgeheim")
    responses.get(s.ZAKEN_ROOT + "zaakinformatieobjecten", json=[s.zaakinformatieobject(1, 1)], headers=HEADERS["zaken"])
    responses.post(s.DOCUMENTEN_ROOT + "enkelvoudiginformatieobjecten/_zoek", json=s.page([bad]), headers=HEADERS["documenten"])

    DocumentenConnector(documenten_source).run(ConnectorRequest("documenten_van_zaak", {"zaak": s.zaak_url(1)}, ("titel",)))

    zoek = list(responses.calls)[1]
    spec = spec_for(zoek.request.url)
    assert_request_conforms(spec, zoek.request)
    with pytest.raises(Exception, match="InvalidData|Invalid"):
        assert_response_conforms(spec, zoek.request, replay(zoek))
