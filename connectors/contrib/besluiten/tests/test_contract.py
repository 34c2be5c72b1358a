"""Contract tests: the requests the Besluiten connector builds, and the sample answers its unit tests
parse, conform to the Besluiten API 1.1.0 and Catalogi API 1.3.1 specs (as served by Open Zaak;
URL filters typed as URLs, see tests/zgw_specs.py)."""

from __future__ import annotations

import pytest
import requests
import responses
from openapi_schema_validator import OAS30Validator

from connectors.base import ConnectorRequest, Status
from connectors.contrib.besluiten.fields import BESLUIT_FIELDS
from connectors.contrib.besluiten.plugin import BesluitenConnector
from tests.contracts import assert_request_conforms, assert_response_conforms
from tests.zgw_specs import zgw_spec, zgw_spec_dict

from . import samples as s

BESLUITEN = s.BESLUITEN_ROOT + "besluiten"
HEADERS = {"API-version": "1.1.0"}
CATALOGI_HEADERS = {"API-version": "1.3.1"}


def specs():
    return zgw_spec("zgw-besluiten/openapi.yaml", s.BESLUITEN_ROOT), zgw_spec("zgw-catalogi/openapi.yaml", s.CATALOGI_ROOT)


def replay(call) -> requests.Response:
    """The connector streamed and consumed the answer; ask the same mock again for a copy."""
    with requests.Session() as session:
        return session.send(call.request)


def assert_calls_conform() -> int:
    besluiten_spec, catalogi_spec = specs()
    calls = list(responses.calls)  # replaying adds calls
    for call in calls:
        spec = catalogi_spec if call.request.url.startswith(s.CATALOGI_ROOT) else besluiten_spec
        assert_request_conforms(spec, call.request)
        assert_response_conforms(spec, call.request, replay(call))
    return len(calls)


@responses.activate
def test_besluiten_van_zaak_request_and_answers_conform(besluiten_source):
    responses.get(BESLUITEN, json=s.page([s.besluit(1)]), headers=HEADERS)
    responses.get(s.besluittype_url(), json=s.besluittype(), headers=CATALOGI_HEADERS)

    result = BesluitenConnector(besluiten_source).run(ConnectorRequest("besluiten_van_zaak", {"zaak": s.zaak_url(1)}, BESLUIT_FIELDS))

    assert result.status is Status.OK and len(result.data) == 1, result.detail
    assert assert_calls_conform() == 2


@responses.activate
def test_besluit_and_besluiten_van_informatieobject_requests_and_answers_conform(besluiten_source):
    responses.get(s.BESLUITEN_ROOT + "besluitinformatieobjecten", json=[s.besluitinformatieobject(1, 5)], headers=HEADERS)
    responses.get(s.besluit_url(1), json=s.besluit(1), headers=HEADERS)
    responses.get(s.besluittype_url(), json=s.besluittype(), headers=CATALOGI_HEADERS)
    connector = BesluitenConnector(besluiten_source)

    one = connector.run(ConnectorRequest("besluit", {"url": s.besluit_url(1)}, BESLUIT_FIELDS))
    by_document = connector.run(ConnectorRequest("besluiten_van_informatieobject", {"informatieobject": s.document_url(5)}, BESLUIT_FIELDS))

    assert one.status is Status.OK and len(by_document.data) == 1, by_document.detail
    assert assert_calls_conform() == 4


@responses.activate
def test_check_connection_requests_conform(besluiten_source):
    nil = "00000000-0000-0000-0000-000000000000"
    fout = s.fout(404, "Niet gevonden.", "not_found")
    responses.get(f"{BESLUITEN}/{nil}", status=404, json=fout, content_type="application/problem+json")
    responses.get(f"{s.CATALOGI_ROOT}besluittypen/{nil}", status=404, json=fout, content_type="application/problem+json")

    assert BesluitenConnector(besluiten_source).check_connection().ok
    besluiten_spec, catalogi_spec = specs()
    assert_request_conforms(besluiten_spec, responses.calls[0].request)
    assert_request_conforms(catalogi_spec, responses.calls[1].request)


def test_the_error_sample_conforms_to_fout():
    components = zgw_spec_dict("zgw-besluiten/openapi.yaml")["components"]
    validator = OAS30Validator({"$ref": "#/components/schemas/Fout", "components": components})
    assert list(validator.iter_errors(s.fout(403, "Je hebt geen toestemming.", "permission_denied"))) == []


@responses.activate
def test_the_contract_check_is_not_vacuous(besluiten_source):
    """A wrong answer must fail validation, or the tests above prove nothing."""
    bad = dict(s.besluit(1), verantwoordelijkeOrganisatie="12345")  # minLength 9
    responses.get(BESLUITEN, json=s.page([bad]), headers=HEADERS)

    BesluitenConnector(besluiten_source).run(ConnectorRequest("besluiten_van_zaak", {"zaak": s.zaak_url(1)}, ("identificatie",)))

    besluiten_spec, _ = specs()
    call = responses.calls[0]
    assert_request_conforms(besluiten_spec, call.request)
    with pytest.raises(Exception, match="InvalidData|Invalid"):
        assert_response_conforms(besluiten_spec, call.request, replay(call))
