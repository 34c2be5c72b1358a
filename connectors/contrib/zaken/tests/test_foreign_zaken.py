"""A Zaken server that ignores the subject filter lists everyone's zaken. When the connector drops
those foreign zaken and the list was cut at max_zaken, the subject's own zaken may lie beyond what
was read: the result is an error that says so, not "ok" with few or no zaken."""

import responses

from connectors.base import ConnectorRequest, Status
from connectors.contrib.zaken.plugin import ZakenConnector

from . import samples as s

ZAKEN = s.ZAKEN_ROOT + "zaken"
ROLLEN = s.ZAKEN_ROOT + "rollen"


def run(source, operation="zaken_van_persoon", params=None):
    params = {"bsn": s.BSN} if params is None else params
    return ZakenConnector(source).run(ConnectorRequest(operation, params, ("identificatie",)))


@responses.activate
def test_foreign_zaken_dropped_from_a_list_cut_at_max_zaken_are_an_error(make_zaken_source):
    source = make_zaken_source(max_zaken=3)
    responses.get(ZAKEN, json=s.page([s.zaak(n) for n in (1, 2, 3)], next_url=ZAKEN + "?page=2", count=50))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(n, s.OTHER_BSN) for n in (1, 2, 3)]))

    result = run(source)

    assert result.status is Status.ERROR and result.data is None
    assert "answered with 3 zaken that no rol of this subject confirms" in result.detail
    assert "seems to ignore the filter" in result.detail and "max_zaken" in result.detail
    assert s.BSN not in result.detail and s.OTHER_BSN not in result.detail


@responses.activate
def test_some_own_zaken_among_foreign_ones_in_a_cut_list_are_an_error_too(make_zaken_source):
    source = make_zaken_source(max_zaken=3)
    responses.get(ZAKEN, json=s.page([s.zaak(n) for n in (1, 2, 3)], next_url=ZAKEN + "?page=2", count=50))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(2)]))

    assert run(source).status is Status.ERROR


@responses.activate
def test_foreign_zaken_in_a_list_read_to_its_end_are_dropped_and_the_rest_is_complete(make_zaken_source):
    source = make_zaken_source(max_zaken=3)
    responses.get(ZAKEN, json=s.page([s.zaak(n) for n in (1, 2)]))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(2)]))

    result = run(source)

    assert result.status is Status.OK and [z["url"] for z in result.data] == [s.zaak_url(2)]
    assert "Dropped 1 zaken" in result.detail


@responses.activate
def test_zaken_op_identificatie_with_foreign_zaken_in_a_cut_list_is_an_error(make_zaken_source):
    source = make_zaken_source(max_zaken=2)
    responses.get(ZAKEN, json=s.page([s.zaak(7), s.zaak(8)], next_url=ZAKEN + "?page=2", count=900))

    result = run(source, "zaken_op_identificatie", {"identificatie": "ZAAK-2025-0000000007"})

    assert result.status is Status.ERROR
    assert "answered with 1 zaken with another identificatie or bronorganisatie" in result.detail
