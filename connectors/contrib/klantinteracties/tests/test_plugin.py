"""Tests of the Klantinteracties (Open Klant) connector with `responses`: what it sends, how it
reads answers, and that records of anyone but the subject never get through."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from django.core.exceptions import ValidationError

from connectors.base import ConnectorRequest, Status
from connectors.contrib.klantinteracties.plugin import KlantinteractiesConnector
from connectors.registry import registry

from .conftest import TOKEN_HEADER
from .factories import (
    BAKKERIJ_KVK,
    BSN_CODES,
    CG_ROOT,
    KI_ROOT,
    MEREL_BSN,
    SUZANNE_BSN,
    cg_organisatie,
    cg_persoon,
    digitaal_adres,
    identificator,
    klantcontact,
    new_uuid,
    organisatie_partij,
    page,
    persoon_partij,
    with_adressen,
)

PARTIJEN = KI_ROOT + "partijen"
KLANTCONTACTEN = KI_ROOT + "klantcontacten"
DIGITALE_ADRESSEN = KI_ROOT + "digitaleadressen"
BSN_FILTERS = {
    "partijIdentificator__codeObjecttype": "natuurlijk_persoon",
    "partijIdentificator__codeSoortObjectId": "bsn",
    "partijIdentificator__codeRegister": "brp",
    "partijIdentificator__objectId": SUZANNE_BSN,
}
KLANTCONTACT_BSN_FILTERS = {
    "hadBetrokkene__wasPartij__partijIdentificator__codeObjecttype": "natuurlijk_persoon",
    "hadBetrokkene__wasPartij__partijIdentificator__codeSoortObjectId": "bsn",
    "hadBetrokkene__wasPartij__partijIdentificator__codeRegister": "brp",
    "hadBetrokkene__wasPartij__partijIdentificator__objectId": SUZANNE_BSN,
}
SUZANNE = persoon_partij()
MEREL = persoon_partij(MEREL_BSN, name="merel")


def connector(source):
    return KlantinteractiesConnector(source.to_config())


def call(operation, params=None, fields=("uuid",)):
    return ConnectorRequest(operation=operation, params=params or {"bsn": SUZANNE_BSN}, fields=tuple(fields))


def query_of(call_):
    """The query of a recorded call as a flat dict (each parameter once)."""
    parsed = parse_qs(urlsplit(call_.request.url).query, keep_blank_values=True)
    assert all(len(values) == 1 for values in parsed.values()), parsed
    return {key: values[0] for key, values in parsed.items()}


def path_of(call_):
    return urlsplit(call_.request.url).path


def test_the_connector_is_registered_with_its_four_operations():
    cls = registry["klantinteracties"]
    assert cls is KlantinteractiesConnector
    ops = cls.operations
    assert set(ops) == {"partij", "klantcontacten", "digitale_adressen", "contactgegevens"}
    assert ops["klantcontacten"].many and ops["digitale_adressen"].many
    assert not ops["partij"].many and not ops["contactgegevens"].many
    assert all(op.subject_types == ("bsn", "kvk") for op in ops.values())
    assert ops["contactgegevens"].params == ("uuid", "url")


# --- partij ------------------------------------------------------------------------------
@responses.activate
def test_partij_sends_exactly_the_four_bsn_identificator_filters_with_the_token(ki_source):
    responses.get(PARTIJEN, json=page([SUZANNE]))

    result = connector(ki_source).run(call("partij", fields=("partijIdentificatie.volledigeNaam",)))

    assert len(responses.calls) == 1
    sent = responses.calls[0].request
    assert query_of(responses.calls[0]) == {**BSN_FILTERS, "pageSize": "10"}
    assert sent.headers["Authorization"] == TOKEN_HEADER
    assert sent.headers["Accept"] == "application/json"
    assert result.status is Status.OK, result.detail
    assert result.data["uuid"] == SUZANNE["uuid"]
    assert result.data["partijIdentificatie"]["volledigeNaam"] == "Suzanne Moulin"
    assert "_expand" not in result.data
    assert result.detail == ""


@responses.activate
def test_partij_for_a_kvk_number_uses_the_handelsregister_codes(ki_source):
    bakkerij = organisatie_partij()
    responses.get(PARTIJEN, json=page([bakkerij]))

    result = connector(ki_source).run(call("partij", {"kvk": BAKKERIJ_KVK}))

    assert query_of(responses.calls[0]) == {
        "partijIdentificator__codeObjecttype": "niet_natuurlijk_persoon",
        "partijIdentificator__codeSoortObjectId": "kvk_nummer",
        "partijIdentificator__codeRegister": "hr",
        "partijIdentificator__objectId": BAKKERIJ_KVK,
        "pageSize": "10",
    }
    assert result.status is Status.OK
    assert result.data["partijIdentificatie"] == {"naam": "Bakkerij Vogel"}


@responses.activate
def test_partij_expands_digitale_adressen_only_when_the_fields_ask_for_them(ki_source):
    adressen = [digitaal_adres(SUZANNE["uuid"], "suzanne@example.nl"), digitaal_adres(SUZANNE["uuid"], "0612345670", "telefoonnummer")]
    responses.get(PARTIJEN, json=page([with_adressen(SUZANNE, adressen)]))

    result = connector(ki_source).run(call("partij", fields=("uuid", "_expand.digitaleAdressen.adres")))

    assert query_of(responses.calls[0]) == {**BSN_FILTERS, "pageSize": "10", "expand": "digitaleAdressen"}
    assert [a["adres"] for a in result.data["_expand"]["digitaleAdressen"]] == ["suzanne@example.nl", "0612345670"]


@responses.activate
def test_expanded_digitale_adressen_provided_by_another_partij_are_dropped(ki_source):
    adressen = [digitaal_adres(SUZANNE["uuid"], "suzanne@example.nl"), digitaal_adres(MEREL["uuid"], "merel@example.nl")]
    responses.get(PARTIJEN, json=page([with_adressen(SUZANNE, adressen)]))

    result = connector(ki_source).run(call("partij", fields=("_expand",)))

    assert [a["adres"] for a in result.data["_expand"]["digitaleAdressen"]] == ["suzanne@example.nl"]
    assert "Dropped 1 digitaal adres not provided by the subject's partij." in result.detail


@responses.activate
def test_partij_lists_the_digitale_adressen_itself_when_the_server_ignores_expand(ki_source):
    responses.get(PARTIJEN, json=page([SUZANNE]))
    responses.get(DIGITALE_ADRESSEN, json=page([digitaal_adres(SUZANNE["uuid"], "suzanne@example.nl")]))

    result = connector(ki_source).run(call("partij", fields=("_expand.digitaleAdressen.adres",)))

    assert query_of(responses.calls[1]) == {"verstrektDoorPartij__uuid": SUZANNE["uuid"], "pageSize": "100"}
    assert [a["adres"] for a in result.data["_expand"]["digitaleAdressen"]] == ["suzanne@example.nl"]


@responses.activate
def test_a_partij_answer_holding_another_persons_partij_drops_it_and_says_so(ki_source):
    responses.get(PARTIJEN, json=page([MEREL, SUZANNE]))

    result = connector(ki_source).run(call("partij"))

    assert result.status is Status.OK
    assert result.data["uuid"] == SUZANNE["uuid"]
    assert MEREL_BSN not in str(result.data)
    assert "Dropped 1 partij without an identificator with this BSN" in result.detail
    assert "ignored a filter" in result.detail


@responses.activate
def test_an_answer_with_only_other_peoples_partijen_is_not_found(ki_source):
    responses.get(PARTIJEN, json=page([MEREL]))

    result = connector(ki_source).run(call("partij"))

    assert result.status is Status.NOT_FOUND
    assert result.data is None
    assert "Open Klant has no partij with this BSN." in result.detail
    assert "Dropped 1 partij" in result.detail


@responses.activate
def test_codes_and_number_spread_over_two_identificatoren_do_not_make_a_partij_the_subject(ki_source):
    # Open Klant's four filters each match any identificator: this partij passes all of them,
    # yet none of its identificatoren is "BSN 999993653 in the BRP".
    key = new_uuid("partij/mixed")
    mixed = persoon_partij(
        name="mixed",
        identificatoren=[
            identificator(key, BSN_CODES, MEREL_BSN),
            identificator(key, {"codeObjecttype": "niet_natuurlijk_persoon", "codeSoortObjectId": "rsin", "codeRegister": "hr"}, SUZANNE_BSN),
        ],
    )
    responses.get(PARTIJEN, json=page([mixed]))

    result = connector(ki_source).run(call("partij"))

    assert result.status is Status.NOT_FOUND
    assert result.data is None


@responses.activate
def test_a_partij_lookup_answered_with_pages_of_strangers_is_an_error_and_reads_no_further(ki_source):
    strangers = [persoon_partij(MEREL_BSN, name=f"stranger-{i}") for i in range(10)]
    responses.get(PARTIJEN, json=page(strangers, count=500, next_url=PARTIJEN + "?page=2"))

    result = connector(ki_source).run(call("partij"))

    assert result.status is Status.ERROR
    assert result.data is None
    assert "10 partijen not shown to belong to this BSN" in result.detail
    assert "ignore a filter" in result.detail
    assert len(responses.calls) == 1


@responses.activate
def test_several_partijen_of_the_subject_give_the_first_active_one(ki_source):
    inactive = persoon_partij(name="suzanne-old", indicatieActief=False)
    responses.get(PARTIJEN, json=page([inactive, SUZANNE]))

    result = connector(ki_source).run(call("partij"))

    assert result.data["uuid"] == SUZANNE["uuid"]
    assert "Open Klant holds 2 partijen for this BSN; returned the first active one." in result.detail


@responses.activate
def test_no_partij_is_not_found(ki_source):
    responses.get(PARTIJEN, json=page([]))

    result = connector(ki_source).run(call("partij"))

    assert result.status is Status.NOT_FOUND
    assert result.detail == "Open Klant has no partij with this BSN."


# --- klantcontacten ----------------------------------------------------------------------
@responses.activate
def test_klantcontacten_looks_up_the_partij_then_sends_exactly_the_four_betrokkene_filters(ki_source):
    responses.get(PARTIJEN, json=page([SUZANNE]))
    responses.get(KLANTCONTACTEN, json=page([klantcontact("a", [SUZANNE])]))

    result = connector(ki_source).run(call("klantcontacten", fields=("onderwerp", "plaatsgevondenOp")))

    assert [path_of(c) for c in responses.calls] == [
        "/klantinteracties/api/v1/partijen", "/klantinteracties/api/v1/klantcontacten",
    ]
    assert query_of(responses.calls[0]) == {**BSN_FILTERS, "pageSize": "10"}
    assert query_of(responses.calls[1]) == {**KLANTCONTACT_BSN_FILTERS, "expand": "hadBetrokkenen", "pageSize": "100"}
    assert all(c.request.headers["Authorization"] == TOKEN_HEADER for c in responses.calls)
    assert result.status is Status.OK, result.detail
    assert [k["onderwerp"] for k in result.data] == ["Vraag over bewonersvergunning"]


@responses.activate
def test_klantcontacten_for_a_kvk_number_use_the_handelsregister_codes(ki_source):
    bakkerij = organisatie_partij()
    responses.get(PARTIJEN, json=page([bakkerij]))
    responses.get(KLANTCONTACTEN, json=page([klantcontact("b", [bakkerij])]))

    result = connector(ki_source).run(call("klantcontacten", {"kvk": BAKKERIJ_KVK}))

    assert query_of(responses.calls[1]) == {
        "hadBetrokkene__wasPartij__partijIdentificator__codeObjecttype": "niet_natuurlijk_persoon",
        "hadBetrokkene__wasPartij__partijIdentificator__codeSoortObjectId": "kvk_nummer",
        "hadBetrokkene__wasPartij__partijIdentificator__codeRegister": "hr",
        "hadBetrokkene__wasPartij__partijIdentificator__objectId": BAKKERIJ_KVK,
        "expand": "hadBetrokkenen",
        "pageSize": "100",
    }
    assert len(result.data) == 1


@responses.activate
def test_klantcontacten_of_another_person_are_dropped_and_counted(ki_source):
    responses.get(PARTIJEN, json=page([SUZANNE]))
    responses.get(KLANTCONTACTEN, json=page([
        klantcontact("suzanne-1", [SUZANNE]),
        klantcontact("merel-1", [MEREL], onderwerp="Afspraak paspoort"),
        klantcontact("anonymous", [None], onderwerp="Anoniem"),
    ]))

    result = connector(ki_source).run(call("klantcontacten"))

    assert result.status is Status.OK
    assert [k["uuid"] for k in result.data] == [new_uuid("klantcontact/suzanne-1")]
    assert "Afspraak paspoort" not in str(result.data)
    assert (
        "Dropped 2 klantcontacten that no betrokkene of this BSN's partij took part in "
        "(Open Klant may have ignored a filter)." in result.detail
    )


@responses.activate
def test_only_the_subjects_own_betrokkenen_are_passed_on_with_a_shared_klantcontact(ki_source):
    responses.get(PARTIJEN, json=page([SUZANNE]))
    responses.get(KLANTCONTACTEN, json=page([klantcontact("shared", [SUZANNE, MEREL])]))

    result = connector(ki_source).run(call("klantcontacten"))

    [item] = result.data
    assert [b["wasPartij"]["uuid"] for b in item["_expand"]["hadBetrokkenen"]] == [SUZANNE["uuid"]]
    assert MEREL["uuid"] not in str(item["_expand"])


@responses.activate
def test_klantcontacten_that_open_klant_did_not_expand_cannot_be_checked_and_are_dropped(ki_source):
    responses.get(PARTIJEN, json=page([SUZANNE]))
    responses.get(KLANTCONTACTEN, json=page([klantcontact("plain", [SUZANNE], expand=False)]))

    result = connector(ki_source).run(call("klantcontacten"))

    assert result.status is Status.OK
    assert result.data == []
    assert "Open Klant did not expand, so they could not be checked" in result.detail


@responses.activate
def test_klantcontacten_are_sorted_newest_first(ki_source):
    responses.get(PARTIJEN, json=page([SUZANNE]))
    responses.get(KLANTCONTACTEN, json=page([
        klantcontact("mid", [SUZANNE], plaatsgevonden_op="2025-01-05T10:00:00Z"),
        klantcontact("new", [SUZANNE], plaatsgevonden_op="2025-06-01T08:00:00+02:00"),
        klantcontact("old", [SUZANNE], plaatsgevonden_op="2024-02-01T10:00:00Z"),
    ]))

    result = connector(ki_source).run(call("klantcontacten"))

    assert [k["plaatsgevondenOp"][:10] for k in result.data] == ["2025-06-01", "2025-01-05", "2024-02-01"]


@responses.activate
def test_the_onderwerpobjecten_are_expanded_when_the_fields_ask_for_them(ki_source):
    responses.get(PARTIJEN, json=page([SUZANNE]))
    responses.get(KLANTCONTACTEN, json=page([klantcontact("zaak", [SUZANNE], zaak="ZAAK-2025-0000000101")]))

    result = connector(ki_source).run(
        call("klantcontacten", fields=("_expand.gingOverOnderwerpobjecten.onderwerpobjectidentificator.objectId",))
    )

    assert query_of(responses.calls[1])["expand"] == "hadBetrokkenen,gingOverOnderwerpobjecten"
    [onderwerp] = result.data[0]["_expand"]["gingOverOnderwerpobjecten"]
    assert onderwerp["onderwerpobjectidentificator"]["objectId"] == "ZAAK-2025-0000000101"


@responses.activate
def test_klantcontacten_read_the_next_page_with_their_own_query_never_the_next_link(ki_source):
    responses.get(PARTIJEN, json=page([SUZANNE]))
    first = page([klantcontact("p1", [SUZANNE])], count=2, next_url="https://evil.example.com/steal?page=2")
    second = page([klantcontact("p2", [SUZANNE], plaatsgevonden_op="2025-07-01T10:00:00Z")], count=2, previous=KLANTCONTACTEN)
    responses.get(KLANTCONTACTEN, json=first, match=[responses.matchers.query_param_matcher(
        {**KLANTCONTACT_BSN_FILTERS, "expand": "hadBetrokkenen", "pageSize": "100"})])
    responses.get(KLANTCONTACTEN, json=second, match=[responses.matchers.query_param_matcher(
        {**KLANTCONTACT_BSN_FILTERS, "expand": "hadBetrokkenen", "pageSize": "100", "page": "2"})])

    result = connector(ki_source).run(call("klantcontacten"))

    assert result.status is Status.OK, result.detail
    assert [urlsplit(c.request.url).hostname for c in responses.calls] == ["openklant.example.org"] * 3
    assert [k["uuid"] for k in result.data] == [new_uuid("klantcontact/p2"), new_uuid("klantcontact/p1")]


@responses.activate
def test_the_max_items_option_caps_the_klantcontacten_and_the_detail_says_so(ki_service):
    from connectors.models import Source

    source = Source.objects.create(name="capped", connector="klantinteracties", service=ki_service, timeout=2.0, options={"max_items": 3})
    responses.get(PARTIJEN, json=page([SUZANNE]))
    contacts = [klantcontact(f"c{i}", [SUZANNE]) for i in range(3)]
    responses.get(KLANTCONTACTEN, json=page(contacts, count=10, next_url=KLANTCONTACTEN + "?page=2&pageSize=3"))

    result = connector(source).run(call("klantcontacten"))

    assert query_of(responses.calls[1])["pageSize"] == "3"
    assert len(responses.calls) == 2
    assert len(result.data) == 3
    assert "Open Klant holds 10 klantcontacten for this filter; IKO read the 3 most recently registered (option max_items)." in result.detail


@responses.activate
def test_strangers_on_a_page_with_more_pages_stop_the_reading_with_an_error(ki_source):
    responses.get(PARTIJEN, json=page([SUZANNE]))
    responses.get(KLANTCONTACTEN, json=page(
        [klantcontact("s", [SUZANNE]), klantcontact("m", [MEREL])], count=900, next_url=KLANTCONTACTEN + "?page=2"
    ))

    result = connector(ki_source).run(call("klantcontacten"))

    assert result.status is Status.ERROR
    assert result.data is None
    assert "1 klantcontacten not shown to belong to this BSN" in result.detail
    assert len(responses.calls) == 2


@responses.activate
def test_klantcontacten_without_a_partij_are_not_found_and_not_asked_for(ki_source):
    responses.get(PARTIJEN, json=page([]))

    result = connector(ki_source).run(call("klantcontacten"))

    assert result.status is Status.NOT_FOUND
    assert len(responses.calls) == 1


# --- digitale adressen -------------------------------------------------------------------
@responses.activate
def test_digitale_adressen_come_from_the_expanded_partij_of_the_subject(ki_source):
    adressen = [digitaal_adres(SUZANNE["uuid"], "suzanne@example.nl"), digitaal_adres(MEREL["uuid"], "merel@example.nl")]
    responses.get(PARTIJEN, json=page([with_adressen(SUZANNE, adressen), with_adressen(MEREL, [])]))

    result = connector(ki_source).run(call("digitale_adressen", fields=("adres", "soortDigitaalAdres")))

    assert query_of(responses.calls[0]) == {**BSN_FILTERS, "pageSize": "10", "expand": "digitaleAdressen"}
    assert len(responses.calls) == 1
    assert result.status is Status.OK
    assert [a["adres"] for a in result.data] == ["suzanne@example.nl"]
    assert "Dropped 1 partij" in result.detail and "Dropped 1 digitaal adres" in result.detail


@responses.activate
def test_digitale_adressen_are_listed_by_partij_uuid_when_the_server_does_not_expand(ki_source):
    responses.get(PARTIJEN, json=page([SUZANNE]))
    responses.get(DIGITALE_ADRESSEN, json=page([
        digitaal_adres(SUZANNE["uuid"], "suzanne@example.nl"),
        digitaal_adres(MEREL["uuid"], "merel@example.nl"),
        digitaal_adres(None, "nobody@example.nl"),
    ]))

    result = connector(ki_source).run(call("digitale_adressen"))

    assert query_of(responses.calls[1]) == {"verstrektDoorPartij__uuid": SUZANNE["uuid"], "pageSize": "100"}
    assert [a["adres"] for a in result.data] == ["suzanne@example.nl"]
    assert "Dropped 2 digitale adressen not provided by the subject's partij." in result.detail


# --- contactgegevens ---------------------------------------------------------------------
CG_UUID = new_uuid("cg/suzanne")


@responses.activate
def test_contactgegevens_fetches_a_persoon_by_uuid_on_the_linked_server_and_says_it_is_unchecked(ki_source_with_cg):
    responses.get(f"{CG_ROOT}persoon/{CG_UUID}", json=cg_persoon(CG_UUID))

    result = connector(ki_source_with_cg).run(call("contactgegevens", {"bsn": SUZANNE_BSN, "uuid": CG_UUID}))

    assert result.status is Status.OK, result.detail
    assert result.data["geslachtsnaam"] == "Moulin"
    assert responses.calls[0].request.headers["Authorization"] == TOKEN_HEADER
    assert "carry no BSN or KVK number" in result.detail


@responses.activate
def test_contactgegevens_of_a_kvk_number_is_an_organisatie(ki_source_with_cg):
    key = new_uuid("cg/bakkerij")
    responses.get(f"{CG_ROOT}organisatie/{key}", json=cg_organisatie(key))

    result = connector(ki_source_with_cg).run(call("contactgegevens", {"kvk": BAKKERIJ_KVK, "uuid": key}))

    assert result.data["handelsnaam"] == "Bakkerij Vogel"


@responses.activate
def test_contactgegevens_follows_a_url_under_its_own_server(ki_source_with_cg):
    responses.get(f"{CG_ROOT}persoon/{CG_UUID}", json=cg_persoon(CG_UUID))

    result = connector(ki_source_with_cg).run(call("contactgegevens", {"url": f"{CG_ROOT}persoon/{CG_UUID}"}))

    assert result.status is Status.OK
    assert responses.calls[0].request.url == f"{CG_ROOT}persoon/{CG_UUID}"


@pytest.mark.parametrize("url", [
    f"https://evil.example.com/contactgegevens/api/v1/persoon/{CG_UUID}",
    f"{KI_ROOT}partijen/{CG_UUID}",
    f"{CG_ROOT}../../klantinteracties/api/v1/partijen/{CG_UUID}",
    "https://openklant.example.org/contactgegevens/api/v1evil/persoon/" + CG_UUID,
])
@responses.activate
def test_a_contactgegevens_url_outside_its_server_is_never_fetched(ki_source_with_cg, url):
    result = connector(ki_source_with_cg).run(call("contactgegevens", {"bsn": SUZANNE_BSN, "url": url}))

    assert result.status is Status.ERROR
    assert "outside the configured Contactgegevens server" in result.detail
    assert len(responses.calls) == 0


@responses.activate
def test_an_organisatie_url_in_a_view_about_a_person_is_refused(ki_source_with_cg):
    result = connector(ki_source_with_cg).run(
        call("contactgegevens", {"bsn": SUZANNE_BSN, "url": f"{CG_ROOT}organisatie/{CG_UUID}"})
    )

    assert result.status is Status.ERROR
    assert len(responses.calls) == 0


@responses.activate
def test_contactgegevens_without_the_option_is_an_error_without_a_call(ki_source):
    result = connector(ki_source).run(call("contactgegevens", {"bsn": SUZANNE_BSN, "uuid": CG_UUID}))

    assert result.status is Status.ERROR
    assert "no contactgegevens_service" in result.detail
    assert len(responses.calls) == 0


@responses.activate
def test_an_unknown_contactgegevens_uuid_is_not_found(ki_source_with_cg):
    responses.get(f"{CG_ROOT}persoon/{CG_UUID}", status=404, content_type="application/problem+json",
                  json={"type": "about:blank", "code": "not_found", "title": "Niet gevonden.", "status": 404})

    result = connector(ki_source_with_cg).run(call("contactgegevens", {"bsn": SUZANNE_BSN, "uuid": CG_UUID}))

    assert result.status is Status.NOT_FOUND


@responses.activate
def test_a_contactgegevens_answer_about_another_record_is_dropped(ki_source_with_cg):
    other = new_uuid("cg/other")
    responses.get(f"{CG_ROOT}persoon/{CG_UUID}", json=cg_persoon(other))

    result = connector(ki_source_with_cg).run(call("contactgegevens", {"bsn": SUZANNE_BSN, "uuid": CG_UUID}))

    assert result.status is Status.ERROR
    assert result.data is None


def test_a_malformed_contactgegevens_uuid_is_refused_without_a_call(ki_source_with_cg):
    with responses.RequestsMock() as mocked:
        result = connector(ki_source_with_cg).run(call("contactgegevens", {"bsn": SUZANNE_BSN, "uuid": "../partijen"}))
        assert len(mocked.calls) == 0
    assert result.status is Status.ERROR


# --- errors ------------------------------------------------------------------------------
@responses.activate
def test_a_problem_json_400_gives_an_error_with_its_title_and_invalid_param_names(ki_source):
    responses.get(PARTIJEN, status=400, content_type="application/problem+json", json={
        "type": "https://openklant.example.org/ref/fouten/ValidationError/", "code": "invalid",
        "title": "Invalid input.", "status": 400, "detail": "", "instance": "urn:uuid:1",
        "invalidParams": [{"name": "expand", "code": "invalid_choice", "reason": "Selecteer een geldige keuze."}],
    })

    result = connector(ki_source).run(call("partij"))

    assert result.status is Status.ERROR
    assert "HTTP 400" in result.detail and "Invalid input." in result.detail and "expand" in result.detail


@pytest.mark.parametrize("code, words", [
    (401, "refused IKO's credentials"), (403, "refused IKO's credentials"),
    (500, "failed or is unavailable"), (503, "failed or is unavailable"),
])
@responses.activate
def test_http_errors_give_an_error_status_with_a_clear_detail(ki_source, code, words):
    responses.get(PARTIJEN, status=code, body="")

    result = connector(ki_source).run(call("klantcontacten"))

    assert result.status is Status.ERROR
    assert words in result.detail and f"HTTP {code}" in result.detail
    assert result.detail.startswith("Open Klant ")


@responses.activate
def test_a_timeout_gives_a_timeout_status(ki_source):
    responses.get(PARTIJEN, body=requests.ReadTimeout("read timed out"))

    result = connector(ki_source).run(call("partij"))

    assert result.status is Status.TIMEOUT
    assert "did not answer within 2 s" in result.detail


@responses.activate
def test_a_timeout_of_the_second_call_gives_a_timeout_status(ki_source):
    responses.get(PARTIJEN, json=page([SUZANNE]))
    responses.get(KLANTCONTACTEN, body=requests.ReadTimeout("read timed out"))

    result = connector(ki_source).run(call("klantcontacten"))

    assert result.status is Status.TIMEOUT


@responses.activate
def test_invalid_json_gives_an_error_status(ki_source):
    responses.get(PARTIJEN, body="<html>gateway</html>", content_type="text/html")

    result = connector(ki_source).run(call("partij"))

    assert result.status is Status.ERROR
    assert "invalid JSON" in result.detail


@responses.activate
def test_an_answer_without_results_gives_an_error_status(ki_source):
    responses.get(PARTIJEN, json={"detail": "unexpected"})

    result = connector(ki_source).run(call("partij"))

    assert result.status is Status.ERROR
    assert "without a 'results' list" in result.detail


@pytest.mark.parametrize("params", [{"bsn": "12345"}, {"bsn": "99999365a"}, {"kvk": "123"}, {}, {"bsn": SUZANNE_BSN, "kvk": BAKKERIJ_KVK}])
def test_a_missing_or_malformed_subject_is_refused_without_a_call(ki_source, params):
    with responses.RequestsMock() as mocked:
        result = connector(ki_source).run(ConnectorRequest("partij", params, ("uuid",)))
        assert len(mocked.calls) == 0
    assert result.status is Status.ERROR
    for value in params.values():
        assert value not in result.detail


# --- options and connection check --------------------------------------------------------
def test_validate_options_fills_the_default_cap():
    assert KlantinteractiesConnector.validate_options({}) == {"max_items": 100}
    assert KlantinteractiesConnector.validate_options({"max_items": 20, "contactgegevens_service": " cg "}) == {
        "max_items": 20, "contactgegevens_service": "cg",
    }
    assert KlantinteractiesConnector.validate_options({"contactgegevens_service": ""}) == {"max_items": 100}


@pytest.mark.parametrize("options, words", [
    ({"max_items": 0}, "max_items must be a whole number from 1 to 1000"),
    ({"max_items": "50"}, "max_items must be a whole number"),
    ({"max_items": True}, "max_items must be a whole number"),
    ({"max_items": 5000}, "max_items must be a whole number"),
    ({"contactgegeven_service": "cg"}, "Unknown options: contactgegeven_service"),
    ({"contactgegevens_service": 3}, "contactgegevens_service must be the slug"),
])
def test_validate_options_rejects_bad_options_with_a_readable_message(options, words):
    with pytest.raises(ValidationError) as caught:
        KlantinteractiesConnector.validate_options(options)
    assert words in " ".join(caught.value.messages)


def test_a_source_naming_an_unknown_contactgegevens_server_does_not_validate(ki_service):
    from connectors.models import Source

    source = Source(name="x", connector="klantinteracties", service=ki_service, options={"contactgegevens_service": "nope"})
    with pytest.raises(ValidationError) as caught:
        source.clean()
    assert "contactgegevens_service=nope" in str(caught.value)


@responses.activate
def test_check_connection_asks_only_for_categorieen(ki_source):
    responses.get(KI_ROOT + "categorieen", json=page([]))

    check = connector(ki_source).check_connection()

    assert check.ok, check.detail
    assert len(responses.calls) == 1
    assert query_of(responses.calls[0]) == {"pageSize": "1"}
    assert responses.calls[0].request.headers["Authorization"] == TOKEN_HEADER


@responses.activate
def test_check_connection_reports_refused_credentials(ki_source):
    responses.get(KI_ROOT + "categorieen", status=401, content_type="application/problem+json",
                  json={"title": "Ongeldige token.", "status": 401, "code": "authentication_failed"})

    check = connector(ki_source).check_connection()

    assert not check.ok
    assert "refused IKO's credentials" in check.detail


@responses.activate
def test_check_connection_also_checks_contactgegevens_with_the_nil_uuid(ki_source_with_cg):
    responses.get(KI_ROOT + "categorieen", json=page([]))
    responses.get(f"{CG_ROOT}persoon/00000000-0000-0000-0000-000000000000", status=404,
                  content_type="application/problem+json", json={"title": "Niet gevonden.", "status": 404})

    check = connector(ki_source_with_cg).check_connection()

    assert check.ok, check.detail
    assert "Contactgegevens answered" in check.detail


@responses.activate
def test_check_connection_fails_when_contactgegevens_refuses_the_token(ki_source_with_cg):
    responses.get(KI_ROOT + "categorieen", json=page([]))
    responses.get(f"{CG_ROOT}persoon/00000000-0000-0000-0000-000000000000", status=403, body="")

    check = connector(ki_source_with_cg).check_connection()

    assert not check.ok
    assert "Contactgegevens" in check.detail and "HTTP 403" in check.detail
