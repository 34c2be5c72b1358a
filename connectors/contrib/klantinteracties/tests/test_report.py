"""The connector's one write: a citizen's report as `POST maak-klantcontact` under the reporter's own
partij; what is sent, what is refused, and that request and answer conform to the spec."""

from __future__ import annotations

import json

import pytest
import requests
import responses

from connectors.base import ConnectorError, Status
from connectors.contrib.klantinteracties.report import NoPartij, Report, klantcontact_report_create, report_body

from .factories import KI_ROOT, MEREL_BSN, SUZANNE_BSN, page, persoon_partij
from .spec import KLANTINTERACTIES, as_response, assert_request_conforms, assert_response_conforms, openklant_spec

PARTIJEN = KI_ROOT + "partijen"
MAAK = KI_ROOT + "maak-klantcontact"
SUZANNE = persoon_partij()
REPORT = Report(
    subject_type="bsn", subject_value=SUZANNE_BSN, onderwerp="Onjuiste gegevens gemeld: brp persoon.naam",
    inhoud="Mijn naam is anders.", kanaal="mijn-omgeving",
    onderwerpobject={"codeRegister": "brp", "codeObjecttype": "persoon", "codeSoortObjectId": "bsn", "objectId": SUZANNE_BSN},
)


def answer(sent: dict, partij: dict = SUZANNE) -> dict:
    """What Open Klant answers to a MaakKlantcontact: the three records it made."""
    kc_uuid, b_uuid, o_uuid = ("11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222",
                               "33333333-3333-4333-8333-333333333333")
    kc_ref = {"uuid": kc_uuid, "url": f"{KI_ROOT}klantcontacten/{kc_uuid}"}
    return {
        "klantcontact": {**kc_ref, **sent["klantcontact"], "gingOverOnderwerpobjecten": [{"uuid": o_uuid, "url": f"{KI_ROOT}onderwerpobjecten/{o_uuid}"}],
                         "hadBetrokkenActoren": [], "omvatteBijlagen": [], "leiddeTotInterneTaken": [],
                         "hadBetrokkenen": [{"uuid": b_uuid, "url": f"{KI_ROOT}betrokkenen/{b_uuid}"}],
                         "nummer": None, "referentienummer": "0000000042", "reactie": "", "hoofdOnderwerpType": "",
                         "verdereActieOndernomen": False, "metadata": {}},
        "betrokkene": {"uuid": b_uuid, "url": f"{KI_ROOT}betrokkenen/{b_uuid}",
                       "wasPartij": {"uuid": partij["uuid"], "url": partij["url"]}, "hadKlantcontact": kc_ref,
                       "digitaleAdressen": [], "bezoekadres": None, "correspondentieadres": None, "contactnaam": None,
                       "volledigeNaam": "Suzanne Moulin", "rol": "klant", "organisatienaam": "", "initiator": True},
        "onderwerpobject": {"uuid": o_uuid, "url": f"{KI_ROOT}onderwerpobjecten/{o_uuid}", "klantcontact": kc_ref,
                            "wasKlantcontact": None,
                            "onderwerpobjectidentificator": sent["onderwerpobject"]["onderwerpobjectidentificator"]},
    }


def mock_write(partij: dict = SUZANNE):
    def reply(request):
        return 201, {"Content-Type": "application/json", "API-version": "0.9.0"}, json.dumps(answer(json.loads(request.body), partij))

    responses.add_callback(responses.POST, MAAK, callback=reply)


@responses.activate
def test_the_report_is_one_request_with_klantcontact_betrokkene_and_onderwerpobject(ki_source):
    responses.get(PARTIJEN, json=page([SUZANNE]))
    mock_write()

    registered = klantcontact_report_create(source=ki_source.to_config(), report=REPORT)

    assert (registered.uuid, registered.referentienummer) == ("11111111-1111-4111-8111-111111111111", "0000000042")
    lookup, write = responses.calls
    assert lookup.request.params == {
        "partijIdentificator__codeObjecttype": "natuurlijk_persoon", "partijIdentificator__codeSoortObjectId": "bsn",
        "partijIdentificator__codeRegister": "brp", "partijIdentificator__objectId": SUZANNE_BSN, "pageSize": "10",
    }
    body = json.loads(write.request.body)
    assert body["betrokkene"]["wasPartij"] == {"uuid": SUZANNE["uuid"]}
    assert body["klantcontact"]["kanaal"] == "mijn-omgeving" and body["klantcontact"]["taal"] == "nld"
    assert write.request.headers["Authorization"] == "Token ok-secret-token"


@responses.activate
def test_the_request_and_answer_conform_to_the_klantinteracties_spec(ki_source):
    responses.get(PARTIJEN, json=page([SUZANNE]))
    mock_write()
    spec = openklant_spec(KLANTINTERACTIES, KI_ROOT)

    klantcontact_report_create(source=ki_source.to_config(), report=REPORT)

    write = responses.calls[1]
    assert_request_conforms(spec, write.request)
    sent = json.loads(write.request.body)
    assert_response_conforms(spec, write.request, as_response(write.request, answer(sent), status=201))


@responses.activate
def test_without_a_partij_of_exactly_this_bsn_nothing_is_written(ki_source):
    # A server that ignored the filter answers with someone else's partij.
    responses.get(PARTIJEN, json=page([persoon_partij(MEREL_BSN, name="merel")]))

    with pytest.raises(NoPartij):
        klantcontact_report_create(source=ki_source.to_config(), report=REPORT)

    assert [c.request.method for c in responses.calls] == ["GET"]


@responses.activate
def test_an_unreachable_open_klant_fails_before_anything_is_written(ki_source):
    responses.get(PARTIJEN, body=requests.ConnectionError("refused"))

    with pytest.raises(ConnectorError) as caught:
        klantcontact_report_create(source=ki_source.to_config(), report=REPORT)

    assert caught.value.status is Status.ERROR
    assert "POST" not in [c.request.method for c in responses.calls]


@responses.activate
def test_a_write_that_times_out_says_it_may_or_may_not_have_been_registered(ki_source):
    responses.get(PARTIJEN, json=page([SUZANNE]))
    responses.post(MAAK, body=requests.ReadTimeout("slow"))

    with pytest.raises(ConnectorError) as caught:
        klantcontact_report_create(source=ki_source.to_config(), report=REPORT)

    assert caught.value.status is Status.TIMEOUT
    assert "may or may not" in caught.value.detail
    assert len([c for c in responses.calls if c.request.method == "POST"]) == 1  # never sent twice


@responses.activate
def test_an_answer_under_another_partij_is_an_error(ki_source):
    responses.get(PARTIJEN, json=page([SUZANNE]))
    mock_write(partij=persoon_partij(MEREL_BSN, name="merel"))

    with pytest.raises(ConnectorError, match="another partij"):
        klantcontact_report_create(source=ki_source.to_config(), report=REPORT)


def test_long_texts_are_cut_to_the_specs_limits():
    long = Report(**{**REPORT.__dict__, "onderwerp": "x" * 500, "inhoud": "y" * 5000, "kanaal": "z" * 80})

    body = report_body(long, SUZANNE["uuid"])

    assert (len(body["klantcontact"]["onderwerp"]), len(body["klantcontact"]["inhoud"]), len(body["klantcontact"]["kanaal"])) == (200, 1000, 50)
