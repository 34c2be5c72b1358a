"""Contract tests of the Zaken connector's object-keyed operations: their requests (zaakobjecten,
zaken/_zoek, statussen, rollen, a zaak) and the sample answers their unit tests parse conform to
the Zaken API 1.5.1 and Catalogi API 1.3.1 specs (URL filters typed as URLs, see
tests/zgw_specs.py)."""

from __future__ import annotations

import pytest
import requests
import responses

from connectors.base import ConnectorRequest, Status
from connectors.contrib.zaken.fields_objects import (
    OBJECT_ZAAK_FIELDS,
    RELATED_ZAAK_FIELDS,
    ROL_FIELDS,
    STATUS_HISTORY_FIELDS,
    ZAAKOBJECT_FIELDS,
)
from connectors.contrib.zaken.plugin import ZakenConnector
from tests.contracts import assert_request_conforms, assert_response_conforms
from tests.zgw_specs import zgw_spec

from . import samples as s
from . import samples_objects as o

LIST_HEADERS = {"API-version": "1.5.1", "Content-Crs": "EPSG:4326"}
HEADERS = {"API-version": "1.5.1"}
CATALOGI_HEADERS = {"API-version": "1.3.1"}


def replay(call) -> requests.Response:
    """The connector streamed and consumed the answer; ask the same mock again for a copy."""
    with requests.Session() as session:
        return session.send(call.request)


def assert_calls_conform() -> int:
    zaken_spec = zgw_spec("zgw-zaken/openapi.yaml", s.ZAKEN_ROOT)
    catalogi_spec = zgw_spec("zgw-catalogi/openapi.yaml", s.CATALOGI_ROOT)
    calls = list(responses.calls)  # replaying adds calls
    for call in calls:
        spec = catalogi_spec if call.request.url.startswith(s.CATALOGI_ROOT) else zaken_spec
        assert_request_conforms(spec, call.request)
        assert_response_conforms(spec, call.request, replay(call))
    return len(calls)


@responses.activate
def test_zaken_over_object_requests_and_answers_conform(zaken_source):
    zaakobjecten = [o.zaakobject(1), o.zaakobject(2, o.PAND, object_type="pand"), o.zaakobject(3, o.BESLUIT, object_type="besluit")]
    responses.get(s.ZAKEN_ROOT + "zaakobjecten", json=s.page(zaakobjecten), headers=HEADERS)
    responses.post(s.ZAKEN_ROOT + "zaken/_zoek", json=s.page([s.expanded(s.zaak(1), 1)]), headers=LIST_HEADERS)

    result = ZakenConnector(zaken_source).run(ConnectorRequest("zaken_over_object", {"object": o.ADRES}, OBJECT_ZAAK_FIELDS))

    assert result.status is Status.OK and len(result.data) == 1, result.detail
    assert assert_calls_conform() == 2


@pytest.mark.parametrize(
    "operation, fields, resource, items",
    [
        ("statussen_van_zaak", STATUS_HISTORY_FIELDS, "statussen", [o.status_of(1, 0, "2025-03-01T09:00:00Z")]),
        ("rollen_van_zaak", ROL_FIELDS, "rollen", [s.persoon_rol(1), s.bedrijf_rol(1), s.medewerker_rol(1)]),
        ("zaakobjecten_van_zaak", ZAAKOBJECT_FIELDS, "zaakobjecten", [o.zaakobject(1), o.zaakobject(1, o.PAND, object_type="pand")]),
    ],
)
@responses.activate
def test_the_lists_of_a_zaak_requests_and_answers_conform(catalogi_source, operation, fields, resource, items):
    responses.get(s.ZAKEN_ROOT + resource, json=s.page(items), headers=HEADERS)
    responses.get(s.statustype_url("parkeervergunning"), json=s.statustype(), headers=CATALOGI_HEADERS)

    result = ZakenConnector(catalogi_source).run(ConnectorRequest(operation, {"zaak": s.zaak_url(1)}, fields))

    assert result.status is Status.OK and len(result.data) == len(items), result.detail
    assert assert_calls_conform() == (2 if operation == "statussen_van_zaak" else 1)


@responses.activate
def test_gerelateerde_zaken_requests_and_answers_conform(zaken_source):
    responses.get(s.zaak_url(3), json=o.with_related(s.zaak(3), (1, "vervolg")), headers=LIST_HEADERS)
    responses.post(s.ZAKEN_ROOT + "zaken/_zoek", json=s.page([s.expanded(s.zaak(1), 1)]), headers=LIST_HEADERS)

    result = ZakenConnector(zaken_source).run(ConnectorRequest("gerelateerde_zaken", {"zaak": s.zaak_url(3)}, RELATED_ZAAK_FIELDS))

    assert result.status is Status.OK and len(result.data) == 1, result.detail
    assert assert_calls_conform() == 2


@responses.activate
def test_the_contract_check_is_not_vacuous(zaken_source):
    """A wrong answer must fail validation, or the tests above prove nothing."""
    bad = dict(o.zaakobject(1), objectType="gebouw")  # not in ObjectTypeEnum
    responses.get(s.ZAKEN_ROOT + "zaakobjecten", json=s.page([bad]), headers=HEADERS)
    responses.post(s.ZAKEN_ROOT + "zaken/_zoek", json=s.page([]), headers=LIST_HEADERS)

    ZakenConnector(zaken_source).run(ConnectorRequest("zaken_over_object", {"object": o.ADRES}, ("identificatie",)))

    spec = zgw_spec("zgw-zaken/openapi.yaml", s.ZAKEN_ROOT)
    call = list(responses.calls)[0]
    assert_request_conforms(spec, call.request)
    with pytest.raises(Exception, match="InvalidData|Invalid"):
        assert_response_conforms(spec, call.request, replay(call))
