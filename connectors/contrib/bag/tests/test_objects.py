"""Tests of the BAG connector's object operations with `responses`: the adresseerbaar object of an
address and the pand, what is sent, and that only the object asked for comes back."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from connectors.base import ConnectorRequest, Status
from connectors.contrib.bag.objects import ADRESSEERBAAR_OBJECT_FIELDS, PAND_FIELDS
from connectors.contrib.bag.plugin import BagConnector

from .examples import NUMMERAANDUIDING
from .examples_objects import (
    HEADERS,
    OBJECTEN_URL,
    PAND,
    PANDEN_URL,
    VERBLIJFSOBJECT,
    a_pand,
    a_verblijfsobject,
    collection,
)

HAL = "application/hal+json"


def run(source, operation, params, fields=()):
    return BagConnector(source.to_config()).run(ConnectorRequest(operation, params, tuple(fields)))


def query(call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query, keep_blank_values=True)


# --- adresseerbaar_object ----------------------------------------------------------------------
@responses.activate
def test_the_object_of_an_address_is_asked_by_nummeraanduiding_with_the_api_key(bag_source):
    responses.get(OBJECTEN_URL, json=collection([a_verblijfsobject()]), content_type=HAL, headers=HEADERS)

    result = run(bag_source, "adresseerbaar_object", {"nummeraanduidingIdentificatie": NUMMERAANDUIDING})

    sent = responses.calls[0].request
    assert query(responses.calls[0]) == {"nummeraanduidingIdentificatie": [NUMMERAANDUIDING]}
    assert sent.headers["X-Api-Key"] == "bag-secret" and sent.headers["Accept"] == HAL
    assert result.status is Status.OK, result.detail
    assert result.data == {
        "type": "Verblijfsobject", "identificatie": VERBLIJFSOBJECT, "status": "Verblijfsobject in gebruik",
        "gebruiksdoelen": ["woonfunctie"], "oppervlakte": 112, "pandIdentificaties": [PAND],
        "heeftAlsHoofdAdres": NUMMERAANDUIDING, "heeftAlsNevenAdres": [], "geconstateerd": "N",
        "documentdatum": "2010-09-09", "documentnummer": "2010-BAG-0913", "inOnderzoek": False,
    }


@responses.activate
def test_the_object_is_asked_by_its_own_id_when_given(bag_source):
    responses.get(f"{OBJECTEN_URL}/{VERBLIJFSOBJECT}", json=a_verblijfsobject(), content_type=HAL, headers=HEADERS)

    result = run(bag_source, "adresseerbaar_object", {"adresseerbaarObjectIdentificatie": VERBLIJFSOBJECT})

    assert responses.calls[0].request.url == f"{OBJECTEN_URL}/{VERBLIJFSOBJECT}"
    assert result.data["identificatie"] == VERBLIJFSOBJECT and result.data["pandIdentificaties"] == [PAND]


@responses.activate
def test_objects_without_the_address_are_dropped_when_the_filter_was_ignored(bag_source):
    other = a_verblijfsobject("0599010000208580", hoofdadres="0599200000219679")
    responses.get(OBJECTEN_URL, json=collection([other, a_verblijfsobject()]), content_type=HAL, headers=HEADERS)

    result = run(bag_source, "adresseerbaar_object", {"nummeraanduidingIdentificatie": NUMMERAANDUIDING})

    assert result.data["identificatie"] == VERBLIJFSOBJECT
    assert "Dropped 1 object(s) that do not have this address" in result.detail


@responses.activate
def test_only_objects_of_another_address_is_not_found(bag_source):
    other = a_verblijfsobject("0599010000208580", hoofdadres="0599200000219679")
    responses.get(OBJECTEN_URL, json=collection([other]), content_type=HAL, headers=HEADERS)

    result = run(bag_source, "adresseerbaar_object", {"nummeraanduidingIdentificatie": NUMMERAANDUIDING})

    assert result.status is Status.NOT_FOUND and result.data is None
    assert "Dropped 1 object(s) of another address" in result.detail


@responses.activate
def test_an_object_found_by_a_nevenadres_counts_but_the_hoofdadres_comes_first(bag_source):
    by_neven = a_verblijfsobject("0599010000208581", hoofdadres="0599200000219680", nevenadressen=(NUMMERAANDUIDING,))
    responses.get(OBJECTEN_URL, json=collection([by_neven, a_verblijfsobject()]), content_type=HAL, headers=HEADERS)

    result = run(bag_source, "adresseerbaar_object", {"nummeraanduidingIdentificatie": NUMMERAANDUIDING})

    assert result.data["identificatie"] == VERBLIJFSOBJECT
    assert "belongs to 2 objects" in result.detail


@responses.activate
def test_an_object_asked_by_id_must_have_the_address_when_both_are_given(bag_source):
    responses.get(f"{OBJECTEN_URL}/{VERBLIJFSOBJECT}", json=a_verblijfsobject(hoofdadres="0599200000219679"),
                  content_type=HAL, headers=HEADERS)

    result = run(bag_source, "adresseerbaar_object",
                 {"adresseerbaarObjectIdentificatie": VERBLIJFSOBJECT, "nummeraanduidingIdentificatie": NUMMERAANDUIDING})

    assert result.status is Status.ERROR and result.data is None


@responses.activate
def test_an_answer_about_another_object_is_dropped(bag_source):
    responses.get(f"{OBJECTEN_URL}/{VERBLIJFSOBJECT}", json=a_verblijfsobject("0599010000208580"),
                  content_type=HAL, headers=HEADERS)

    result = run(bag_source, "adresseerbaar_object", {"adresseerbaarObjectIdentificatie": VERBLIJFSOBJECT})

    assert result.status is Status.ERROR and result.data is None


@pytest.mark.parametrize(
    "params",
    [
        {"adresseerbaarObjectIdentificatie": "0599100000208579"},  # a pand id
        {"adresseerbaarObjectIdentificatie": 599010000208579},
        {"nummeraanduidingIdentificatie": "0599010000208579"},
        {"nummeraanduidingIdentificatie": "../panden/0599100000208579"},
        {"verblijfsobject": VERBLIJFSOBJECT},
    ],
)
@responses.activate
def test_invalid_or_unknown_params_are_an_error_without_a_call(bag_source, params):
    result = run(bag_source, "adresseerbaar_object", params)

    assert result.status is Status.ERROR
    assert len(responses.calls) == 0


@responses.activate
def test_nothing_to_look_up_is_skipped(bag_source):
    result = run(bag_source, "adresseerbaar_object", {"nummeraanduidingIdentificatie": None})

    assert result.status is Status.SKIPPED and len(responses.calls) == 0


# --- pand ------------------------------------------------------------------------------------
@responses.activate
def test_pand_reads_bouwjaar_and_status_of_one_pand(bag_source):
    responses.get(f"{PANDEN_URL}/{PAND}", json=a_pand(), content_type=HAL, headers=HEADERS)

    result = run(bag_source, "pand", {"pandIdentificatie": PAND}, PAND_FIELDS)

    assert responses.calls[0].request.headers["X-Api-Key"] == "bag-secret"
    assert result.status is Status.OK
    assert (result.data["identificatie"], result.data["oorspronkelijkBouwjaar"], result.data["status"]) == (
        PAND, "1932", "Pand in gebruik"
    )
    assert result.data["geometrie"]["type"] == "Polygon"
    assert "_links" not in result.data


@responses.activate
def test_a_pand_answer_about_another_pand_is_dropped(bag_source):
    responses.get(f"{PANDEN_URL}/{PAND}", json=a_pand("0599100000208580"), content_type=HAL, headers=HEADERS)

    assert run(bag_source, "pand", {"pandIdentificatie": PAND}).status is Status.ERROR


@responses.activate
def test_an_unknown_pand_is_not_found(bag_source):
    responses.get(f"{PANDEN_URL}/{PAND}", status=404, json={"status": 404}, content_type="application/problem+json")

    assert run(bag_source, "pand", {"pandIdentificatie": PAND}).status is Status.NOT_FOUND


@pytest.mark.parametrize("pand", ["0599010000208579", "059910000020857", "x"])
@responses.activate
def test_an_invalid_pand_id_is_an_error_without_a_call(bag_source, pand):
    result = run(bag_source, "pand", {"pandIdentificatie": pand})

    assert result.status is Status.ERROR and "pandIdentificatie is 16 digits" in result.detail
    assert len(responses.calls) == 0


def test_the_object_operations_declare_their_params_and_fields():
    operations = BagConnector.operations
    assert operations["adresseerbaar_object"].params == ("adresseerbaarObjectIdentificatie", "nummeraanduidingIdentificatie")
    assert operations["adresseerbaar_object"].fields == ADRESSEERBAAR_OBJECT_FIELDS
    assert operations["pand"].params == ("pandIdentificatie",) and operations["pand"].fields == PAND_FIELDS
    assert {"gebruiksdoelen", "oppervlakte", "status"} <= set(ADRESSEERBAAR_OBJECT_FIELDS)
    assert {"oorspronkelijkBouwjaar", "status"} <= set(PAND_FIELDS)


def test_the_parameter_schemas_let_a_front_door_refuse_a_caller_s_mistake_before_sending():
    from connectors.params import params_validate

    operations = BagConnector.operations
    assert params_validate(operation=operations["pand"], params={"pandIdentificatie": PAND}) == []
    assert [p.code for p in params_validate(operation=operations["pand"], params={"pandIdentificatie": VERBLIJFSOBJECT})] == ["pattern"]
    assert params_validate(operation=operations["adresseerbaar_object"], params={"nummeraanduidingIdentificatie": NUMMERAANDUIDING}) == []
