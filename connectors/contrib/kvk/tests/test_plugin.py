"""Tests of the KVK connector with `responses`: what it sends and how it reads KVK's answers."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from django.core.exceptions import ValidationError

from connectors.base import ConnectorRequest, Status
from connectors.contrib.kvk.fields import BASISPROFIEL_FIELDS, VESTIGING_FIELDS, VESTIGINGSPROFIEL_FIELDS, ZOEKEN_FIELDS
from connectors.contrib.kvk.plugin import KvkConnector
from connectors.registry import registry

from . import samples as s
from .conftest import API_KEY, KVK_ROOT


def connector(kvk_source, **options):
    if options:
        kvk_source.options = options
        kvk_source.save()
    return KvkConnector(kvk_source.to_config())


def call(operation, params, fields=("naam",)):
    return ConnectorRequest(operation=operation, params=params, fields=tuple(fields))


def sent_query(index=0):
    return parse_qs(urlsplit(responses.calls[index].request.url).query, keep_blank_values=True)


def sent_path(index=0):
    return urlsplit(responses.calls[index].request.url).path


# --- registration and options ------------------------------------------------------------


def test_the_connector_is_registered_as_kvk_with_its_four_operations():
    assert registry["kvk"] is KvkConnector
    assert set(KvkConnector.operations) == {"zoeken", "basisprofiel", "vestigingsprofiel", "vestigingen_op_adres"}
    assert KvkConnector.operations["zoeken"].many is True
    assert KvkConnector.operations["zoeken"].subject_types == ("kvk",)
    assert "postcode" in KvkConnector.operations["zoeken"].params
    assert KvkConnector.operations["basisprofiel"].subject_types == ("kvk",)
    assert KvkConnector.operations["vestigingsprofiel"].params == ("vestigingsnummer",)


def test_options_get_defaults_and_are_checked_with_readable_messages():
    assert KvkConnector.validate_options({}) == {"max_results": 100, "page_size": 100, "geo_data": "auto"}
    assert KvkConnector.validate_options({"max_results": 1000, "page_size": 10, "geo_data": False})["page_size"] == 10
    with pytest.raises(ValidationError, match="max_results must be a whole number from 1 to 1000"):
        KvkConnector.validate_options({"max_results": 5000})
    with pytest.raises(ValidationError, match="page_size must be a whole number from 1 to 100"):
        KvkConnector.validate_options({"page_size": True})
    with pytest.raises(ValidationError, match="geo_data must be"):
        KvkConnector.validate_options({"geo_data": "yes"})
    with pytest.raises(ValidationError, match="Unknown options: maxresults"):
        KvkConnector.validate_options({"maxresults": 10})


def test_the_source_model_refuses_bad_options_with_the_connectors_message(kvk_source):
    kvk_source.options = {"max_results": 0}

    with pytest.raises(ValidationError) as excinfo:
        kvk_source.full_clean()

    assert "max_results must be a whole number from 1 to 1000" in str(excinfo.value)


@responses.activate
def test_options_that_became_invalid_give_an_error_result_not_a_crash(kvk_source):
    kvk_source.options = {"page_size": 500}
    kvk_source.save()

    result = KvkConnector(kvk_source.to_config()).run(call("zoeken", {"kvk": s.KVK_NUMMER}))

    assert result.status is Status.ERROR
    assert "options are invalid: Option page_size" in result.detail
    assert len(responses.calls) == 0


def test_the_declared_fields_leave_out_hal_links():
    for fields in (ZOEKEN_FIELDS, BASISPROFIEL_FIELDS, VESTIGING_FIELDS, VESTIGINGSPROFIEL_FIELDS):
        assert not [f for f in fields if "links" in f.split(".") or "_links" in f.split(".")]
    assert "_embedded.hoofdvestiging.adressen.geoData.nummerAanduidingId" in BASISPROFIEL_FIELDS
    assert "_embedded.eigenaar.rechtsvorm" in BASISPROFIEL_FIELDS
    assert "adres.binnenlandsAdres.postcode" in ZOEKEN_FIELDS


# --- zoeken ------------------------------------------------------------------------------


@responses.activate
def test_zoeken_with_a_kvk_subject_sends_kvknummer_paging_and_the_apikey_header(kvk_source):
    responses.get(s.ZOEKEN_URL, json=s.ZOEKEN_BAKKERIJ, content_type=s.HAL)

    result = connector(kvk_source).run(call("zoeken", {"kvk": s.KVK_NUMMER}, ("naam", "vestigingsnummer")))

    request = responses.calls[0].request
    assert request.method == "GET"
    assert sent_path() == "/api/v2/zoeken"
    assert sent_query() == {"kvkNummer": [s.KVK_NUMMER], "pagina": ["1"], "resultatenPerPagina": ["100"]}
    assert request.headers["apikey"] == API_KEY
    assert "application/hal+json" in request.headers["Accept"]
    assert result.status is Status.OK
    assert [item["vestigingsnummer"] for item in result.data] == [s.HOOFDVESTIGING, s.NEVENVESTIGING]
    assert result.detail == ""
    assert result.fields_requested == ("naam", "vestigingsnummer")


@responses.activate
def test_zoeken_by_address_sends_exactly_the_spec_parameter_names(kvk_source):
    responses.get(s.ZOEKEN_URL, json=s.ZOEKEN_BAKKERIJ)

    connector(kvk_source).run(
        call(
            "zoeken",
            {
                "postcode": "3077 aw", "huisnummer": "33", "huisletter": "B",
                "type": ["hoofdvestiging", "nevenvestiging"], "inclusiefInactieveRegistraties": True,
            },
        )
    )

    assert sent_query() == {
        "postcode": ["3077AW"], "huisnummer": ["33"], "huisletter": ["B"],
        "type": ["hoofdvestiging", "nevenvestiging"], "inclusiefInactieveRegistraties": ["true"],
        "pagina": ["1"], "resultatenPerPagina": ["100"],
    }


@responses.activate
def test_zoeken_by_naam_and_plaats_passes_them_on(kvk_source):
    responses.get(s.ZOEKEN_URL, json=s.ZOEKEN_BAKKERIJ)

    result = connector(kvk_source).run(call("zoeken", {"naam": " Vogel ", "plaats": "Rotterdam", "rsin": None}))

    assert result.status is Status.OK
    assert sent_query()["naam"] == ["Vogel"] and sent_query()["plaats"] == ["Rotterdam"]
    assert "rsin" not in sent_query()


@pytest.mark.parametrize(
    "params, words",
    [
        ({"kvknummer": "90004760"}, "has no parameter(s) kvknummer"),
        ({"kvk": "9000476"}, "kvkNummer must be 8 digits"),
        ({"kvk": "90004760", "kvkNummer": "90004761"}, "subject and the kvkNummer parameter differ"),
        ({"rsin": "86001420x"}, "rsin must be 9 digits"),
        ({"postcode": "3077AW"}, "postcode only with a huisnummer"),
        ({"postcode": "3077", "huisnummer": 1}, "four digits and two letters"),
        ({"postcode": "3077AW", "huisnummer": 1, "postbusnummer": 2}, "not both"),
        ({"huisnummer": 33, "plaats": "Rotterdam"}, "only with a postcode"),
        ({"naam": "Vogel", "type": "eenmanszaak"}, "type must be one or more of"),
        ({"naam": "x" * 201}, "at most 200 characters"),
    ],
)
@responses.activate
def test_zoeken_refuses_unknown_or_invalid_parameters_without_calling_kvk(kvk_source, params, words):
    result = connector(kvk_source).run(call("zoeken", params))

    assert result.status is Status.ERROR
    assert words in result.detail
    assert "9000476" not in result.detail and "86001420" not in result.detail
    assert len(responses.calls) == 0


@responses.activate
def test_zoeken_without_criteria_is_skipped_without_a_call(kvk_source):
    result = connector(kvk_source).run(call("zoeken", {"naam": "", "type": "hoofdvestiging"}))

    assert result.status is Status.SKIPPED
    assert "No search criteria" in result.detail
    assert len(responses.calls) == 0


@responses.activate
def test_zoeken_follows_pages_until_the_total_is_reached(kvk_source):
    items = [s.resultaat_item(f"0000592185{n:02d}") for n in range(5)]
    for pagina in (1, 2, 3):
        responses.get(
            s.ZOEKEN_URL,
            json=s.zoeken_page(items[(pagina - 1) * 2 : pagina * 2], pagina=pagina, per_pagina=2, totaal=5),
            match=[responses.matchers.query_param_matcher({"kvkNummer": s.KVK_NUMMER, "pagina": str(pagina), "resultatenPerPagina": "2"})],
        )

    result = connector(kvk_source, page_size=2).run(call("zoeken", {"kvk": s.KVK_NUMMER}))

    assert [sent_query(i)["pagina"] for i in range(3)] == [["1"], ["2"], ["3"]]
    assert result.status is Status.OK
    assert len(result.data) == 5
    assert result.detail == ""


@responses.activate
def test_zoeken_stops_at_max_results_and_says_so(kvk_source):
    items = [s.resultaat_item(f"0000592185{n:02d}") for n in range(5)]
    for pagina in (1, 2):
        responses.get(
            s.ZOEKEN_URL,
            json=s.zoeken_page(items[(pagina - 1) * 2 : pagina * 2], pagina=pagina, per_pagina=2, totaal=5),
            match=[responses.matchers.query_param_matcher({"kvkNummer": s.KVK_NUMMER, "pagina": str(pagina), "resultatenPerPagina": "2"})],
        )

    result = connector(kvk_source, page_size=2, max_results=3).run(call("zoeken", {"kvk": s.KVK_NUMMER}))

    assert len(responses.calls) == 2
    assert len(result.data) == 3
    assert "Showing the first 3 of 5 results" in result.detail


@responses.activate
def test_the_page_size_never_exceeds_max_results(kvk_source):
    responses.get(s.ZOEKEN_URL, json=s.zoeken_page([s.resultaat_item()], per_pagina=1, totaal=4))

    result = connector(kvk_source, max_results=1).run(call("zoeken", {"kvk": s.KVK_NUMMER}))

    assert sent_query()["resultatenPerPagina"] == ["1"]
    assert len(responses.calls) == 1
    assert "Showing the first 1 of 4 results" in result.detail


@responses.activate
def test_zoeken_without_hits_is_not_found_with_a_readable_detail(kvk_source):
    responses.get(s.ZOEKEN_URL, status=404, json=s.FOUT_GEEN_RESULTATEN, content_type=s.HAL)

    result = connector(kvk_source).run(call("zoeken", {"naam": "Nergens"}))

    assert result.status is Status.NOT_FOUND
    assert result.data is None
    assert result.detail.startswith("KVK found no registration matching the search. (IPD5200: Er zijn geen resultaten")


@responses.activate
def test_a_404_on_a_later_page_ends_the_list(kvk_source):
    responses.get(
        s.ZOEKEN_URL,
        json=s.zoeken_page([s.resultaat_item(), s.resultaat_item(s.NEVENVESTIGING)], per_pagina=2, totaal=3),
        match=[responses.matchers.query_param_matcher({"kvkNummer": s.KVK_NUMMER, "pagina": "1", "resultatenPerPagina": "2"})],
    )
    responses.get(s.ZOEKEN_URL, status=404, json=s.FOUT_GEEN_RESULTATEN)

    result = connector(kvk_source, page_size=2).run(call("zoeken", {"kvk": s.KVK_NUMMER}))

    assert result.status is Status.OK
    assert len(result.data) == 2


@responses.activate
def test_zoeken_results_of_another_kvk_number_are_dropped(kvk_source):
    other = s.resultaat_item("000012345678", kvk_nummer="12345678", naam="Iemand Anders B.V.")
    responses.get(s.ZOEKEN_URL, json=s.zoeken_page([s.resultaat_item(), other]))

    result = connector(kvk_source).run(call("zoeken", {"kvk": s.KVK_NUMMER}))

    assert result.status is Status.OK
    assert [item["kvkNummer"] for item in result.data] == [s.KVK_NUMMER]
    assert "Dropped 1 result(s) that did not match the number asked for." in result.detail


@responses.activate
def test_zoeken_answering_only_about_others_is_an_error_without_data(kvk_source):
    other = s.resultaat_item("000012345678", kvk_nummer="12345678")
    responses.get(s.ZOEKEN_URL, json=s.zoeken_page([other]))

    result = connector(kvk_source).run(call("zoeken", {"vestigingsnummer": s.HOOFDVESTIGING}))

    assert result.status is Status.ERROR
    assert result.data is None
    assert "other than asked" in result.detail


@responses.activate
def test_zoeken_by_rsin_keeps_vestigingen_of_the_rechtspersoon_with_that_rsin(kvk_source):
    rechtspersoon = dict(s.resultaat_item(), type="rechtspersoon")
    del rechtspersoon["vestigingsnummer"]
    own_vestiging = {k: v for k, v in s.resultaat_item().items() if k != "rsin"}
    stranger = {k: v for k, v in s.resultaat_item("000012345678", kvk_nummer="12345678").items() if k != "rsin"}
    wrong_rsin = dict(s.resultaat_item("000087654321", kvk_nummer="87654321"), rsin="123456782")
    responses.get(s.ZOEKEN_URL, json=s.zoeken_page([rechtspersoon, own_vestiging, stranger, wrong_rsin]))

    result = connector(kvk_source).run(call("zoeken", {"rsin": s.RSIN}))

    assert sent_query()["rsin"] == [s.RSIN]
    assert [(i["kvkNummer"], i["type"]) for i in result.data] == [(s.KVK_NUMMER, "rechtspersoon"), (s.KVK_NUMMER, "hoofdvestiging")]
    assert "Dropped 2 result(s)" in result.detail


@responses.activate
def test_links_in_zoeken_answers_are_never_followed(kvk_source):
    evil = "https://evil.example.com/api/v2/zoeken?pagina=2"
    item = s.resultaat_item()
    item["_links"] = {"basisprofiel": {"href": "https://evil.example.com/steal"}}
    responses.get(
        s.ZOEKEN_URL,
        json=s.zoeken_page([item, s.resultaat_item(s.NEVENVESTIGING)], per_pagina=2, totaal=3, volgende=evil),
        match=[responses.matchers.query_param_matcher({"kvkNummer": s.KVK_NUMMER, "pagina": "1", "resultatenPerPagina": "2"})],
    )
    responses.get(s.ZOEKEN_URL, json=s.zoeken_page([], pagina=2, per_pagina=2, totaal=3))

    connector(kvk_source, page_size=2).run(call("zoeken", {"kvk": s.KVK_NUMMER}))

    assert [c.request.url.split("?")[0] for c in responses.calls] == [s.ZOEKEN_URL, s.ZOEKEN_URL]
    assert not [c for c in responses.calls if "evil" in c.request.url]


@responses.activate
def test_a_zoeken_answer_without_resultaten_is_an_error(kvk_source):
    responses.get(s.ZOEKEN_URL, json={"pagina": 1, "totaal": 0})

    result = connector(kvk_source).run(call("zoeken", {"kvk": s.KVK_NUMMER}))

    assert result.status is Status.ERROR
    assert "no list of 'resultaten'" in result.detail


@responses.activate
def test_a_deprecation_warning_header_is_reported_in_the_detail(kvk_source):
    warning = '299 https://api.kvk.nl/api/v2/zoeken "Deze versie van de API is verouderd en zal uit dienst worden genomen op 2025-02-01."'
    responses.get(s.ZOEKEN_URL, json=s.ZOEKEN_BAKKERIJ, headers={"warning": warning, "api-version": "2.1.0"})

    result = connector(kvk_source).run(call("zoeken", {"kvk": s.KVK_NUMMER}))

    assert result.status is Status.OK
    assert "KVK warns: 299" in result.detail and "verouderd" in result.detail


# --- basisprofiel -------------------------------------------------------------------------


@responses.activate
def test_basisprofiel_gets_the_profile_by_kvk_number_without_geodata_when_no_field_needs_it(kvk_source):
    responses.get(s.BASISPROFIEL_URL, json=s.BASISPROFIEL, content_type=s.HAL)

    result = connector(kvk_source).run(call("basisprofiel", {"kvk": s.KVK_NUMMER}, ("naam", "_embedded.eigenaar.rechtsvorm")))

    request = responses.calls[0].request
    assert sent_path() == f"/api/v1/basisprofielen/{s.KVK_NUMMER}"
    assert sent_query() == {"geoData": ["false"]}
    assert request.headers["apikey"] == API_KEY
    assert result.status is Status.OK
    assert result.data["naam"] == "Bakkerij Vogel"
    assert result.data["_embedded"]["hoofdvestiging"]["vestigingsnummer"] == s.HOOFDVESTIGING
    assert result.data["_embedded"]["eigenaar"]["rechtsvorm"] == "Eenmanszaak"


@pytest.mark.parametrize(
    "fields",
    [
        ("_embedded.hoofdvestiging.adressen.geoData.nummerAanduidingId",),
        ("_embedded.hoofdvestiging.adressen",),
        ("_embedded",),
    ],
)
@responses.activate
def test_basisprofiel_asks_for_geodata_when_an_allowed_field_holds_it(kvk_source, fields):
    responses.get(s.BASISPROFIEL_URL, json=s.BASISPROFIEL)

    connector(kvk_source).run(call("basisprofiel", {"kvk": s.KVK_NUMMER}, fields))

    assert sent_query() == {"geoData": ["true"]}


@pytest.mark.parametrize("setting, sent", [(True, "true"), (False, "false")])
@responses.activate
def test_the_geo_data_option_overrides_the_fields(kvk_source, setting, sent):
    responses.get(s.BASISPROFIEL_URL, json=s.BASISPROFIEL)

    connector(kvk_source, geo_data=setting).run(call("basisprofiel", {"kvk": s.KVK_NUMMER}, ("_embedded",) if not setting else ("naam",)))

    assert sent_query() == {"geoData": [sent]}


@responses.activate
def test_basisprofiel_takes_a_kvknummer_parameter_from_parent_data(kvk_source):
    responses.get(s.BASISPROFIEL_URL, json=s.BASISPROFIEL)

    result = connector(kvk_source).run(call("basisprofiel", {"kvkNummer": int(s.KVK_NUMMER)}))

    assert result.status is Status.OK
    assert sent_path() == f"/api/v1/basisprofielen/{s.KVK_NUMMER}"


@responses.activate
def test_a_basisprofiel_about_another_company_is_dropped(kvk_source):
    responses.get(s.BASISPROFIEL_URL, json=dict(s.BASISPROFIEL, kvkNummer="12345678"))

    result = connector(kvk_source).run(call("basisprofiel", {"kvk": s.KVK_NUMMER}))

    assert result.status is Status.ERROR
    assert result.data is None
    assert "another registration" in result.detail


@responses.activate
def test_a_basisprofiel_whose_hoofdvestiging_belongs_to_another_company_is_dropped(kvk_source):
    embedded = dict(s.BASISPROFIEL["_embedded"], hoofdvestiging=dict(s.BASISPROFIEL["_embedded"]["hoofdvestiging"], kvkNummer="12345678"))
    responses.get(s.BASISPROFIEL_URL, json=dict(s.BASISPROFIEL, _embedded=embedded))

    result = connector(kvk_source).run(call("basisprofiel", {"kvk": s.KVK_NUMMER}))

    assert result.status is Status.ERROR and result.data is None


@responses.activate
def test_an_undeliverable_kvk_number_is_not_found_and_the_number_is_not_echoed(kvk_source):
    responses.get(s.BASISPROFIEL_URL, status=404, json=s.FOUT_NIET_LEVERBAAR, content_type=s.HAL)

    result = connector(kvk_source).run(call("basisprofiel", {"kvk": s.KVK_NUMMER}))

    assert result.status is Status.NOT_FOUND
    assert result.detail == "KVK has no basisprofiel for this KVK number. (IPD0005: Het product is niet leverbaar voor KVK-nummer …)"
    assert s.KVK_NUMMER not in result.detail


@responses.activate
def test_a_not_found_code_with_status_400_is_not_found_too(kvk_source):
    responses.get(s.BASISPROFIEL_URL, status=400, json=s.FOUT_NIET_LEVERBAAR, content_type=s.HAL)

    assert connector(kvk_source).run(call("basisprofiel", {"kvk": s.KVK_NUMMER})).status is Status.NOT_FOUND


@responses.activate
def test_other_kvk_fout_codes_are_errors_with_the_omschrijving(kvk_source):
    responses.get(s.BASISPROFIEL_URL, status=400, json=s.FOUT_ONGELDIG, content_type=s.HAL)

    result = connector(kvk_source).run(call("basisprofiel", {"kvk": s.KVK_NUMMER}))

    assert result.status is Status.ERROR
    assert result.detail == "KVK Handelsregister rejected the request (HTTP 400): IPD1999: De opgegeven parameter(s) zijn niet valide."


@responses.activate
def test_a_kvk_500_is_an_error_with_the_omschrijving(kvk_source):
    responses.get(s.BASISPROFIEL_URL, status=500, json=s.FOUT_INTERN, content_type=s.HAL)

    result = connector(kvk_source).run(call("basisprofiel", {"kvk": s.KVK_NUMMER}))

    assert result.status is Status.ERROR
    assert "failed or is unavailable (HTTP 500): IPD9999: Er is een interne fout opgetreden." in result.detail


@responses.activate
def test_a_401_explains_that_kvk_wants_the_apikey_header(kvk_source, kvk_service):
    kvk_service.header_key = "X-Api-Key"
    kvk_service.save()
    responses.get(s.BASISPROFIEL_URL, status=401, json=s.FOUT_APIKEY, content_type=s.HAL)

    result = connector(kvk_source).run(call("basisprofiel", {"kvk": s.KVK_NUMMER}))

    assert result.status is Status.ERROR
    assert "refused IKO's credentials (HTTP 401): 401: Geen of onjuiste apikey aangeleverd." in result.detail
    assert "sends it as 'X-Api-Key'" in result.detail
    assert API_KEY not in result.detail


@responses.activate
def test_a_gateway_error_without_a_kvk_body_falls_back_to_the_http_status(kvk_source):
    responses.get(s.BASISPROFIEL_URL, status=503, body="<html>down</html>", content_type="text/html")

    result = connector(kvk_source).run(call("basisprofiel", {"kvk": s.KVK_NUMMER}))

    assert result.status is Status.ERROR
    assert result.detail == "KVK Handelsregister failed or is unavailable (HTTP 503)."


@responses.activate
def test_a_404_without_a_kvk_body_is_an_error_about_the_api_root(kvk_source):
    responses.get(s.BASISPROFIEL_URL, status=404, body="Not Found", content_type="text/plain")

    result = connector(kvk_source).run(call("basisprofiel", {"kvk": s.KVK_NUMMER}))

    assert result.status is Status.ERROR
    assert "without a KVK error body" in result.detail and "ending in /api/" in result.detail


@responses.activate
def test_a_timeout_gives_a_timeout_status(kvk_source):
    responses.get(s.BASISPROFIEL_URL, body=requests.ReadTimeout("read timed out"))

    result = connector(kvk_source).run(call("basisprofiel", {"kvk": s.KVK_NUMMER}))

    assert result.status is Status.TIMEOUT
    assert "did not answer within 2 s" in result.detail


@responses.activate
def test_a_connection_failure_gives_an_error_status(kvk_source):
    responses.get(s.ZOEKEN_URL, body=requests.ConnectionError("refused"))

    result = connector(kvk_source).run(call("zoeken", {"kvk": s.KVK_NUMMER}))

    assert result.status is Status.ERROR
    assert result.detail == "Could not connect to the source."


@responses.activate
def test_invalid_json_gives_an_error_status(kvk_source):
    responses.get(s.BASISPROFIEL_URL, body="<html>gateway</html>", content_type="text/html")

    result = connector(kvk_source).run(call("basisprofiel", {"kvk": s.KVK_NUMMER}))

    assert result.status is Status.ERROR
    assert "invalid JSON" in result.detail


@responses.activate
def test_basisprofiel_without_a_kvk_number_is_skipped(kvk_source):
    result = connector(kvk_source).run(call("basisprofiel", {"kvkNummer": None}))

    assert result.status is Status.SKIPPED
    assert len(responses.calls) == 0


# --- vestigingsprofiel -------------------------------------------------------------------


@responses.activate
def test_vestigingsprofiel_gets_one_vestiging_by_its_number_with_geodata_for_address_fields(kvk_source):
    responses.get(s.VESTIGINGSPROFIEL_URL, json=s.VESTIGING, content_type=s.HAL)

    result = connector(kvk_source).run(call("vestigingsprofiel", {"vestigingsnummer": s.HOOFDVESTIGING}, ("eersteHandelsnaam", "adressen")))

    assert sent_path() == f"/api/v1/vestigingsprofielen/{s.HOOFDVESTIGING}"
    assert sent_query() == {"geoData": ["true"]}
    assert responses.calls[0].request.headers["apikey"] == API_KEY
    assert result.status is Status.OK
    assert result.data["adressen"][0]["geoData"]["nummerAanduidingId"] == "0599200000219679"


@responses.activate
def test_a_vestigingsnummer_that_lost_its_leading_zeros_in_json_is_restored(kvk_source):
    responses.get(s.VESTIGINGSPROFIEL_URL, json=s.VESTIGING)

    result = connector(kvk_source).run(call("vestigingsprofiel", {"vestigingsnummer": int(s.HOOFDVESTIGING)}, ("eersteHandelsnaam",)))

    assert result.status is Status.OK
    assert sent_path() == f"/api/v1/vestigingsprofielen/{s.HOOFDVESTIGING}"
    assert sent_query() == {"geoData": ["false"]}


@responses.activate
def test_a_vestigingsprofiel_of_another_vestiging_is_dropped(kvk_source):
    responses.get(s.VESTIGINGSPROFIEL_URL, json=dict(s.VESTIGING, vestigingsnummer=s.NEVENVESTIGING))

    result = connector(kvk_source).run(call("vestigingsprofiel", {"vestigingsnummer": s.HOOFDVESTIGING}))

    assert result.status is Status.ERROR and result.data is None
    assert "another vestiging" in result.detail


@responses.activate
def test_an_unknown_vestiging_is_not_found(kvk_source):
    responses.get(s.VESTIGINGSPROFIEL_URL, status=404, json=s.FOUT_VESTIGING_NIET_LEVERBAAR, content_type=s.HAL)

    result = connector(kvk_source).run(call("vestigingsprofiel", {"vestigingsnummer": s.HOOFDVESTIGING}))

    assert result.status is Status.NOT_FOUND
    assert "no vestiging with this vestigingsnummer" in result.detail
    assert s.HOOFDVESTIGING not in result.detail


@pytest.mark.parametrize("value", ["../../admin", "00005921854/", "12345"])
@responses.activate
def test_a_malformed_vestigingsnummer_is_refused_before_any_call(kvk_source, value):
    result = connector(kvk_source).run(call("vestigingsprofiel", {"vestigingsnummer": value}))

    assert result.status is Status.ERROR
    assert "vestigingsnummer must be 12 digits" in result.detail
    assert len(responses.calls) == 0


# --- check connection --------------------------------------------------------------------


@responses.activate
def test_check_connection_searches_a_number_kvk_never_issued(kvk_source):
    responses.get(s.ZOEKEN_URL, status=404, json=s.FOUT_GEEN_RESULTATEN, content_type=s.HAL)

    check = connector(kvk_source).check_connection()

    assert check.ok, check.detail
    assert sent_query() == {"kvkNummer": ["00000000"]}
    assert responses.calls[0].request.headers["apikey"] == API_KEY


@responses.activate
def test_check_connection_fails_on_a_refused_key_with_a_hint(kvk_source):
    responses.get(s.ZOEKEN_URL, status=401, json=s.FOUT_APIKEY, content_type=s.HAL)

    check = connector(kvk_source).check_connection()

    assert not check.ok
    assert "HTTP 401" in check.detail and "Check the API key" in check.detail


@responses.activate
def test_check_connection_fails_when_the_404_is_not_kvks(kvk_source):
    responses.get(s.ZOEKEN_URL, status=404, body="Not Found", content_type="text/plain")

    check = connector(kvk_source).check_connection()

    assert not check.ok
    assert "ending in /api/" in check.detail


@responses.activate
def test_check_connection_rejects_a_versioned_api_root_without_calling(kvk_source, kvk_service):
    kvk_service.api_root = KVK_ROOT + "v2/"
    kvk_service.save()

    check = connector(kvk_source).check_connection()

    assert not check.ok
    assert "without the API version" in check.detail
    assert len(responses.calls) == 0


@responses.activate
def test_all_search_pages_together_share_the_source_timeout(kvk_source):
    kvk_source.timeout = 0.3
    kvk_source.options = {"page_size": 1}
    kvk_source.save()

    def slow_page(request):
        time.sleep(0.2)
        pagina = int(parse_qs(urlsplit(request.url).query)["pagina"][0])
        page = s.zoeken_page([s.resultaat_item()], pagina=pagina, per_pagina=1, totaal=3)
        return 200, {"Content-Type": s.HAL}, json.dumps(page)

    responses.add_callback(responses.GET, s.ZOEKEN_URL, callback=slow_page)
    started = time.monotonic()

    result = KvkConnector(kvk_source.to_config()).run(call("zoeken", {"kvk": s.KVK_NUMMER}))

    assert result.status is Status.TIMEOUT
    assert result.data is None
    assert time.monotonic() - started < 0.6
