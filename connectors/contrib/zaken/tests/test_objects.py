"""Tests of the Zaken connector's object-keyed operations with `responses`: the exact filters sent,
and that only zaken, statussen, rollen and zaakobjecten of what was asked for come back."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from connectors.base import ConnectorRequest, Status
from connectors.contrib.zaken.fields_objects import ROL_FIELDS, STATUS_HISTORY_FIELDS
from connectors.contrib.zaken.plugin import ZakenConnector

from . import samples as s
from . import samples_objects as o

ZAKEN = s.ZAKEN_ROOT + "zaken"
ZOEK = s.ZAKEN_ROOT + "zaken/_zoek"
ZAAKOBJECTEN = s.ZAKEN_ROOT + "zaakobjecten"
STATUSSEN = s.ZAKEN_ROOT + "statussen"
ROLLEN = s.ZAKEN_ROOT + "rollen"
ZAAK_FIELDS = ("identificatie", "omschrijving", "zaaktype.omschrijving", "status.omschrijving", "zaakobjecten.objectType")


def run(source, operation, params, fields=ZAAK_FIELDS):
    return ZakenConnector(source).run(ConnectorRequest(operation, params, tuple(fields)))


def query(call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query, keep_blank_values=True)


def expanded(*numbers):
    return [s.expanded(s.zaak(n), n) for n in numbers]


# --- zaken_over_object -----------------------------------------------------------------------
@responses.activate
def test_zaken_over_object_asks_the_zaakobjecten_of_the_object_then_the_zaken_in_one_zoek(zaken_source):
    responses.get(ZAAKOBJECTEN, json=s.page([o.zaakobject(1), o.zaakobject(2)]))
    responses.post(ZOEK, json=s.page(expanded(1, 2)))

    result = run(zaken_source, "zaken_over_object", {"object": o.ADRES})

    assert result.status is Status.OK, result.detail
    zaakobjecten_call, zoek_call = responses.calls
    assert query(zaakobjecten_call) == {"object": [o.ADRES]}
    assert zoek_call.request.method == "POST"
    assert query(zoek_call) == {"expand": ["zaaktype,status,status.statustype"]}
    assert json.loads(zoek_call.request.body) == {"uuid__in": [s.uid("zaak", 1), s.uid("zaak", 2)]}
    headers = zoek_call.request.headers
    assert (headers["Content-Crs"], headers["Accept-Crs"], headers["Content-Type"]) == ("EPSG:4326", "EPSG:4326", "application/json")
    assert headers["Authorization"].startswith("Bearer ")
    assert {z["identificatie"] for z in result.data} == {"ZAAK-2025-0000000001", "ZAAK-2025-0000000002"}
    assert result.data[0]["zaakobjecten"] == [{"objectType": "adres", "relatieomschrijving": "Locatie van de aanvraag"}]
    assert result.data[0]["zaaktype"]["omschrijving"] == "Aanvraag parkeervergunning"


@responses.activate
def test_zaakobjecten_about_another_object_are_dropped_and_their_zaken_never_asked_for(zaken_source):
    responses.get(ZAAKOBJECTEN, json=s.page([o.zaakobject(1), o.zaakobject(2, o.PAND, object_type="pand")]))
    responses.post(ZOEK, json=s.page(expanded(1)))

    result = run(zaken_source, "zaken_over_object", {"object": o.ADRES})

    assert json.loads(responses.calls[1].request.body) == {"uuid__in": [s.uid("zaak", 1)]}
    assert [z["identificatie"] for z in result.data] == ["ZAAK-2025-0000000001"]
    assert "Dropped 1 zaakobject(en) about another object" in result.detail


@responses.activate
def test_zaken_the_zoek_was_not_asked_for_are_ignored(zaken_source):
    responses.get(ZAAKOBJECTEN, json=s.page([o.zaakobject(1)]))
    responses.post(ZOEK, json=s.page(expanded(1, 3)))

    result = run(zaken_source, "zaken_over_object", {"object": o.ADRES})

    assert [z["identificatie"] for z in result.data] == ["ZAAK-2025-0000000001"]


@responses.activate
def test_a_zaak_linked_twice_comes_once_with_both_relations(zaken_source):
    responses.get(ZAAKOBJECTEN, json=s.page([o.zaakobject(1), o.zaakobject(1, n=1)]))
    responses.post(ZOEK, json=s.page(expanded(1)))

    [zaak] = run(zaken_source, "zaken_over_object", {"object": o.ADRES}).data

    assert len(zaak["zaakobjecten"]) == 2


@responses.activate
def test_zaken_of_another_server_are_not_followed(zaken_source):
    foreign = dict(o.zaakobject(1), zaak="https://elders.example.org/zaken/api/v1/zaken/" + s.uid("zaak", 1))
    responses.get(ZAAKOBJECTEN, json=s.page([foreign]))

    result = run(zaken_source, "zaken_over_object", {"object": o.ADRES})

    assert len(responses.calls) == 1 and result.data == []
    assert "1 zaak URL(s) outside the Zaken server were not followed" in result.detail


@responses.activate
def test_no_zaakobjecten_is_an_empty_list_without_a_zoek(zaken_source):
    responses.get(ZAAKOBJECTEN, json=s.page([]))

    result = run(zaken_source, "zaken_over_object", {"object": o.ADRES})

    assert result.status is Status.OK and result.data == [] and len(responses.calls) == 1


@pytest.mark.parametrize("value", ["0599200000219678", "", None])
@responses.activate
def test_an_object_that_is_no_url_is_refused_or_skipped_without_a_call(zaken_source, value):
    result = run(zaken_source, "zaken_over_object", {"object": value})

    assert result.status in (Status.ERROR, Status.SKIPPED)
    assert len(responses.calls) == 0


@responses.activate
def test_the_cap_limits_the_zaken_read(make_zaken_source):
    source = make_zaken_source(max_zaken=1, catalogi_service="openzaak-catalogi")
    responses.get(ZAAKOBJECTEN, json=s.page([o.zaakobject(1), o.zaakobject(2)]))
    responses.post(ZOEK, json=s.page(expanded(1)))

    result = run(source, "zaken_over_object", {"object": o.ADRES})

    assert json.loads(responses.calls[1].request.body) == {"uuid__in": [s.uid("zaak", 1)]}
    assert "Only the first 1 zaken were read (max_zaken)" in result.detail


# --- statussen, rollen, zaakobjecten of a zaak -------------------------------------------------
@responses.activate
def test_statussen_van_zaak_gives_the_history_oldest_first_with_statustype_names(zaken_source):
    history = [o.status_of(1, 1, "2025-03-04T10:00:00Z"), o.status_of(1, 0, "2025-03-01T09:00:00Z")]
    responses.get(STATUSSEN, json=s.page(history))
    responses.get(s.statustype_url("parkeervergunning"), json=s.statustype())

    result = run(zaken_source, "statussen_van_zaak", {"zaak": s.zaak_url(1)}, STATUS_HISTORY_FIELDS)

    assert query(responses.calls[0]) == {"zaak": [s.zaak_url(1)]}
    assert [st["datumStatusGezet"] for st in result.data] == ["2025-03-01T09:00:00Z", "2025-03-04T10:00:00Z"]
    assert result.data[0]["statustype"] == {
        "url": s.statustype_url("parkeervergunning"), "omschrijving": "In behandeling", "volgnummer": 2, "isEindstatus": False,
    }
    assert len(responses.calls) == 2  # one statustype lookup for both statussen


@responses.activate
def test_statussen_of_another_zaak_are_dropped(zaken_source):
    responses.get(STATUSSEN, json=s.page([o.status_of(1, 0, "2025-03-01T09:00:00Z"), o.status_of(2, 0, "2025-03-02T09:00:00Z")]))

    result = run(zaken_source, "statussen_van_zaak", {"zaak": s.zaak_url(1)}, ("datumStatusGezet",))

    assert len(result.data) == 1 and "Dropped 1 of the statussen of another zaak" in result.detail
    assert len(responses.calls) == 1  # no statustype name asked for, none looked up


@responses.activate
def test_rollen_van_zaak_keeps_only_names_and_identifiers_of_each_betrokkene(zaken_source):
    responses.get(ROLLEN, json=s.page([s.persoon_rol(1), s.bedrijf_rol(1), s.medewerker_rol(1), s.persoon_rol(2)]))

    result = run(zaken_source, "rollen_van_zaak", {"zaak": s.zaak_url(1)}, ROL_FIELDS)

    assert query(responses.calls[0]) == {"zaak": [s.zaak_url(1)]}
    persoon, bedrijf, medewerker = result.data
    assert persoon["betrokkeneIdentificatie"] == {
        "inpBsn": s.BSN, "geslachtsnaam": "Moulin", "voorvoegselGeslachtsnaam": "", "voorletters": "S.", "voornamen": "Suzanne",
    }
    assert "geboortedatum" not in persoon["betrokkeneIdentificatie"]
    assert bedrijf["betrokkeneIdentificatie"]["kvkNummer"] == s.KVK
    assert "bezoekadres" not in bedrijf["betrokkeneIdentificatie"]
    assert medewerker["betrokkeneIdentificatie"]["identificatie"] == "m.devries"
    assert persoon["omschrijvingGeneriek"] == "initiator"
    assert "Dropped 1 of the rollen of another zaak" in result.detail


@responses.activate
def test_zaakobjecten_van_zaak_lists_the_objects_of_the_zaak(zaken_source):
    responses.get(ZAAKOBJECTEN, json=s.page([o.zaakobject(1), o.zaakobject(1, o.PAND, object_type="pand"), o.zaakobject(2)]))

    result = run(zaken_source, "zaakobjecten_van_zaak", {"zaak": s.zaak_url(1)}, ("object", "objectType", "objectIdentificatie.identificatie"))

    assert query(responses.calls[0]) == {"zaak": [s.zaak_url(1)]}
    assert [(z["objectType"], z["objectIdentificatie"]) for z in result.data] == [
        ("adres", {"identificatie": "0599200000219678"}), ("pand", {"identificatie": "0599100000208579"}),
    ]
    assert "Dropped 1 of the zaakobjecten of another zaak" in result.detail


@pytest.mark.parametrize("operation", ["statussen_van_zaak", "rollen_van_zaak", "zaakobjecten_van_zaak", "gerelateerde_zaken"])
@pytest.mark.parametrize(
    "zaak",
    [
        "https://elders.example.org/zaken/api/v1/zaken/" + s.uid("zaak", 1),
        s.ZAKEN_ROOT + "rollen/" + s.uid("zaak", 1),
        s.ZAKEN_ROOT + "zaken/../statussen/" + s.uid("zaak", 1),
        "ZAAK-2025-0000000001",
    ],
)
@responses.activate
def test_a_zaak_that_is_not_a_zaak_of_the_server_is_refused_without_a_call(zaken_source, operation, zaak):
    result = run(zaken_source, operation, {"zaak": zaak})

    assert result.status is Status.ERROR
    assert len(responses.calls) == 0


@responses.activate
def test_a_misspelt_parameter_is_refused_rather_than_dropped(zaken_source):
    result = run(zaken_source, "rollen_van_zaak", {"zaak_url": s.zaak_url(1)})

    assert result.status is Status.ERROR and "zaak_url" in result.detail
    assert len(responses.calls) == 0


# --- gerelateerde_zaken ----------------------------------------------------------------------
@responses.activate
def test_gerelateerde_zaken_reads_the_related_zaken_of_the_zaak_with_their_relation(zaken_source):
    zaak = o.with_related(s.zaak(3), (1, "vervolg"), (2, "onderwerp"))
    responses.get(s.zaak_url(3), json=zaak)
    responses.post(ZOEK, json=s.page(expanded(1, 2)))

    result = run(zaken_source, "gerelateerde_zaken", {"zaak": s.zaak_url(3)}, ("identificatie", "aardRelatie"))

    assert responses.calls[0].request.url == s.zaak_url(3)
    assert json.loads(responses.calls[1].request.body) == {"uuid__in": [s.uid("zaak", 1), s.uid("zaak", 2)]}
    assert {(z["identificatie"], z["aardRelatie"]) for z in result.data} == {
        ("ZAAK-2025-0000000001", "vervolg"), ("ZAAK-2025-0000000002", "onderwerp"),
    }


@responses.activate
def test_a_zaak_without_related_zaken_gives_an_empty_list(zaken_source):
    responses.get(s.zaak_url(3), json=s.zaak(3))

    result = run(zaken_source, "gerelateerde_zaken", {"zaak": s.zaak_url(3)})

    assert result.data == [] and len(responses.calls) == 1


def test_the_existing_operations_are_unchanged_and_the_new_ones_declared():
    operations = ZakenConnector.operations
    assert list(operations)[:4] == ["zaken_van_persoon", "zaken_van_bedrijf", "zaak", "zaken_op_identificatie"]
    assert {name: operations[name].params for name in list(operations)[4:]} == {
        "zaken_over_object": ("object",), "statussen_van_zaak": ("zaak",), "rollen_van_zaak": ("zaak",),
        "zaakobjecten_van_zaak": ("zaak",), "gerelateerde_zaken": ("zaak",),
    }
    assert "betrokkeneIdentificatie.inpBsn" in operations["rollen_van_zaak"].fields
    assert "betrokkeneIdentificatie.geboortedatum" not in operations["rollen_van_zaak"].fields


def test_the_parameter_schemas_let_a_front_door_refuse_a_caller_s_mistake_before_sending():
    from connectors.params import params_validate

    operations = ZakenConnector.operations
    assert params_validate(operation=operations["zaken_over_object"], params={"object": o.ADRES}) == []
    assert [p.name for p in params_validate(operation=operations["zaken_over_object"], params={"object": "0599200000219678"})] == ["object"]
    assert [p.code for p in params_validate(operation=operations["statussen_van_zaak"], params={})] == ["required"]
