"""Tests of the KVK connector's `vestigingen_op_adres` with `responses`: the exact Zoeken query, that
only vestigingen at exactly that address come back, and that its requests and the answers used
here conform to the API Zoeken spec."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from connectors.base import ConnectorRequest, Status
from connectors.contrib.kvk.plugin import KvkConnector
from tests.contracts import assert_request_conforms, assert_response_conforms

from . import samples as s
from .conftest import API_KEY, KVK_ROOT
from .spec import kvk_specs
from .test_contract import as_response

ADRES = {"postcode": "3077 aw", "huisnummer": "33"}


def run(source, params=ADRES, fields=("naam", "vestigingsnummer", "type")):
    return KvkConnector(source.to_config()).run(ConnectorRequest("vestigingen_op_adres", dict(params), tuple(fields)))


def query(call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query, keep_blank_values=True)


def item_at(vestigingsnummer, *, huisnummer=33, huisletter=None, adres_type="bezoekadres", type_="nevenvestiging", kvk="12345678"):
    item = s.resultaat_item(vestigingsnummer, kvk_nummer=kvk, type_=type_, naam=f"Winkel {vestigingsnummer[-2:]}")
    adres = item["adres"]["binnenlandsAdres"]
    adres.update(huisnummer=huisnummer, type=adres_type)
    if huisletter:
        adres["huisletter"] = huisletter
    return item


@responses.activate
def test_it_searches_zoeken_by_postcode_and_huisnummer_for_vestigingen_only(kvk_source):
    responses.get(s.ZOEKEN_URL, json=s.zoeken_page([s.resultaat_item()]))

    result = run(kvk_source)

    assert result.status is Status.OK, result.detail
    call = responses.calls[0]
    assert query(call) == {
        "postcode": ["3077AW"], "huisnummer": ["33"], "type": ["hoofdvestiging", "nevenvestiging"],
        "pagina": ["1"], "resultatenPerPagina": ["100"],
    }
    assert call.request.headers["apikey"] == API_KEY
    assert [v["vestigingsnummer"] for v in result.data] == [s.HOOFDVESTIGING]


@responses.activate
def test_the_huisletter_is_sent_when_given(kvk_source):
    responses.get(s.ZOEKEN_URL, json=s.zoeken_page([item_at("000011112222", huisletter="A")]))

    result = run(kvk_source, {**ADRES, "huisletter": "a"})

    assert query(responses.calls[0])["huisletter"] == ["a"]
    assert len(result.data) == 1


@responses.activate
def test_results_not_at_exactly_this_address_are_dropped_and_counted(kvk_source):
    answer = [
        s.resultaat_item(),
        item_at("000011112222", huisletter="A"),  # 33A is another address
        item_at("000011113333", huisnummer=35),
        item_at("000011114444", adres_type="postadres"),
        dict(s.resultaat_item("000011115555"), type="rechtspersoon"),
    ]
    responses.get(s.ZOEKEN_URL, json=s.zoeken_page(answer))

    result = run(kvk_source)

    assert [v["vestigingsnummer"] for v in result.data] == [s.HOOFDVESTIGING]
    assert "Dropped 4 result(s) that are not a vestiging at exactly this address" in result.detail


@responses.activate
def test_no_registration_at_the_address_is_an_empty_list(kvk_source):
    responses.get(s.ZOEKEN_URL, status=404, json=s.FOUT_GEEN_RESULTATEN)

    result = run(kvk_source)

    assert result.status is Status.OK and result.data == []
    assert "no vestiging at this address" in result.detail


@pytest.mark.parametrize(
    "params, status",
    [
        ({}, Status.SKIPPED),
        ({"postcode": "3077AW"}, Status.ERROR),
        ({"postcode": "3077A", "huisnummer": 33}, Status.ERROR),
        ({"postcode": "3077AW", "huisnummer": 33, "kvkNummer": "90004760"}, Status.ERROR),
    ],
)
@responses.activate
def test_incomplete_or_unknown_params_are_refused_without_a_call(kvk_source, params, status):
    result = run(kvk_source, params)

    assert result.status is status
    assert len(responses.calls) == 0


@responses.activate
def test_the_request_and_the_answers_used_here_conform_to_the_zoeken_spec(kvk_source):
    openapi = kvk_specs(KVK_ROOT)["zoeken"]
    responses.get(s.ZOEKEN_URL, json=s.zoeken_page([s.resultaat_item(), item_at("000011112222", huisletter="A")]))

    run(kvk_source, {**ADRES, "huisletter": "A"})

    call = list(responses.calls)[0]
    assert_request_conforms(openapi, call.request)
    body = s.zoeken_page([s.resultaat_item(), item_at("000011112222", huisletter="A"), item_at("000011113333", adres_type="postadres")])
    assert_response_conforms(openapi, call.request, as_response(call.request, 200, body))
    assert_response_conforms(openapi, call.request, as_response(call.request, 404, s.FOUT_GEEN_RESULTATEN))


def test_the_operation_declares_its_address_params_and_the_zoeken_fields():
    operation = KvkConnector.operations["vestigingen_op_adres"]
    assert operation.params == ("postcode", "huisnummer", "huisletter") and operation.many
    assert operation.fields == KvkConnector.operations["zoeken"].fields


def test_the_parameter_schemas_need_postcode_and_huisnummer():
    from connectors.params import params_validate

    operation = KvkConnector.operations["vestigingen_op_adres"]
    assert params_validate(operation=operation, params={"postcode": "3077 AW", "huisnummer": "33"}) == []
    assert [(p.name, p.code) for p in params_validate(operation=operation, params={"postcode": "3077AW"})] == [("huisnummer", "required")]
