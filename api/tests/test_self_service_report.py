"""Reporting incorrect data or asking for deletion: forwarded to Open Klant as one klantcontact under
the citizen's partij, or refused (field not in the view, no partij, Open Klant down) with nothing
half-written and a processing record either way."""

from __future__ import annotations

import pytest
import requests

from api.tests.citizen_fixtures import BSN, PORTAL, citizen_issuer, citizen_provider  # noqa: F401 (fixtures)
from api.tests.self_service_fixtures import (  # noqa: F401 (fixtures)
    KI_ROOT,
    as_citizen,
    calls_to,
    mijn_omgeving,
    sent_body,
    sources_mock,
)
from connectors.contrib.klantinteracties.tests.factories import persoon_partij
from profiles.models import ProcessingRecord

pytestmark = pytest.mark.integration

REPORTS = "/api/v1/self-service/profiles/mijn-omgeving/reports"
PARTIJEN = KI_ROOT + "partijen"
MAAK = KI_ROOT + "maak-klantcontact"
PARTIJ = persoon_partij(BSN)
CORRECTION = {"kind": "correction", "field": "persoon.naam.volledigeNaam",
              "explanation": "Mijn achternaam is sinds mijn huwelijk Moulin-de Vries."}


def page(*items) -> dict:
    return {"count": len(items), "next": None, "previous": None, "results": list(items)}


def registered(partij_uuid: str = PARTIJ["uuid"]) -> dict:
    klantcontact = {"uuid": "5a1f7a9e-2f0c-4c39-9a53-1f2e3d4c5b6a",
                    "url": KI_ROOT + "klantcontacten/5a1f7a9e-2f0c-4c39-9a53-1f2e3d4c5b6a", "referentienummer": "0000000042"}
    return {"klantcontact": klantcontact, "betrokkene": {"wasPartij": {"uuid": partij_uuid, "url": PARTIJ["url"]}},
            "onderwerpobject": {}}


def test_a_correction_is_forwarded_as_a_klantcontact_under_the_citizens_partij_and_answers_its_reference(
    as_citizen, mijn_omgeving,
):
    with sources_mock() as mock:
        mock.get(PARTIJEN, json=page(PARTIJ))
        mock.post(MAAK, status=201, json=registered())
        response = as_citizen().post(REPORTS, CORRECTION, format="json")

    assert response.status_code == 201, response.content
    assert response.json() == {"reference": "5a1f7a9e-2f0c-4c39-9a53-1f2e3d4c5b6a", "referentienummer": "0000000042",
                               "source": "brp", "field": "persoon.naam.volledigeNaam"}
    lookup, write = mock.outgoing()
    assert lookup.request.method == "GET" and "partijIdentificator__objectId=999993653" in lookup.request.url
    body = sent_body(write)
    assert body["klantcontact"]["onderwerp"] == "Onjuiste gegevens gemeld: brp persoon.naam.volledigeNaam"
    assert body["klantcontact"]["inhoud"] == CORRECTION["explanation"]
    assert body["klantcontact"]["vertrouwelijk"] is True
    assert body["betrokkene"] == {"wasPartij": {"uuid": PARTIJ["uuid"]}, "rol": "klant", "initiator": True, "organisatienaam": ""}
    assert body["onderwerpobject"]["onderwerpobjectidentificator"] == {
        "objectId": BSN, "codeObjecttype": "persoon", "codeRegister": "brp", "codeSoortObjectId": "bsn",
    }
    assert write.request.headers["Authorization"] == "Token ok-token"
    record = ProcessingRecord.objects.get()
    assert (record.action, record.outcome, record.http_status, record.sources) == (
        "self-service-report", "complete", 201, {"klantinteracties": "ok"},
    )
    assert CORRECTION["explanation"] not in str(record.__dict__)


def test_a_deletion_request_may_name_a_whole_relation_of_the_view(as_citizen, mijn_omgeving):
    with sources_mock() as mock:
        mock.get(PARTIJEN, json=page(PARTIJ))
        mock.post(MAAK, status=201, json=registered())
        response = as_citizen().post(REPORTS, {"kind": "deletion", "field": "persoon.inkomens",
                                               "explanation": "Deze gegevens wil ik niet meer bij de gemeente."}, format="json")

    assert response.status_code == 201
    body = sent_body(calls_to(mock, MAAK)[0])
    assert body["klantcontact"]["onderwerp"] == "Verwijdering van gegevens gevraagd: inkomensregister persoon.inkomens"
    assert body["onderwerpobject"]["onderwerpobjectidentificator"]["codeRegister"] == "inkomensregister"


@pytest.mark.parametrize("field", ["persoon.geheim", "persoon.naam.voornamen", "zaken", "", "persoon.inkomens.x.y"])
def test_a_field_that_is_not_in_the_view_is_refused_without_a_call_and_logged(as_citizen, mijn_omgeving, field):
    with sources_mock() as mock:
        response = as_citizen().post(REPORTS, {**CORRECTION, "field": field}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] in ("field-not-in-view", "invalid")
    assert mock.outgoing() == []
    if response.json()["code"] == "field-not-in-view":
        assert ProcessingRecord.objects.get().reason == "field-not-in-view"


def test_when_open_klant_is_unreachable_the_answer_is_503_and_nothing_is_written(as_citizen, mijn_omgeving):
    with sources_mock() as mock:
        mock.get(PARTIJEN, body=requests.ConnectionError("refused"))
        response = as_citizen().post(REPORTS, CORRECTION, format="json")

    assert response.status_code == 503
    assert response.json()["code"] == "report-unavailable"
    assert "Nothing was registered" in response.json()["detail"]
    assert calls_to(mock, MAAK) == []
    record = ProcessingRecord.objects.get()  # the success record was rolled back
    assert (record.outcome, record.reason, record.sources) == ("failed", "report-unavailable", {"klantinteracties": "error"})


def test_when_open_klant_refuses_the_write_the_answer_is_503_and_only_a_failure_is_logged(as_citizen, mijn_omgeving):
    with sources_mock() as mock:
        mock.get(PARTIJEN, json=page(PARTIJ))
        mock.post(MAAK, status=500, json={"title": "Er is een serverfout opgetreden."})
        response = as_citizen().post(REPORTS, CORRECTION, format="json")

    assert response.status_code == 503
    assert ProcessingRecord.objects.get().outcome == "failed"


def test_when_the_write_times_out_the_citizen_is_told_it_may_have_arrived(as_citizen, mijn_omgeving):
    with sources_mock() as mock:
        mock.get(PARTIJEN, json=page(PARTIJ))
        mock.post(MAAK, body=requests.ReadTimeout("slow"))
        response = as_citizen().post(REPORTS, CORRECTION, format="json")

    assert response.status_code == 503
    assert "may or may not" in response.json()["detail"]


def test_without_a_partij_in_open_klant_the_report_is_refused_with_no_partij(as_citizen, mijn_omgeving):
    with sources_mock() as mock:
        mock.get(PARTIJEN, json=page())
        response = as_citizen().post(REPORTS, CORRECTION, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "no-partij"
    assert calls_to(mock, MAAK) == []


def test_a_partij_with_another_bsn_is_never_used(as_citizen, mijn_omgeving):
    with sources_mock() as mock:
        mock.get(PARTIJEN, json=page(persoon_partij("999993847", name="merel")))
        response = as_citizen().post(REPORTS, CORRECTION, format="json")

    assert response.status_code == 409
    assert calls_to(mock, MAAK) == []


def test_without_a_processing_record_nothing_is_forwarded(as_citizen, mijn_omgeving, monkeypatch):
    from profiles.processing_log import sinks as processing_log

    def broken(fields):
        raise processing_log.ProcessingLogUnavailable("down")

    monkeypatch.setattr(processing_log, "_database_write", broken)
    with sources_mock() as mock:
        mock.get(PARTIJEN, json=page(PARTIJ))
        mock.post(MAAK, status=201, json=registered())
        response = as_citizen().post(REPORTS, CORRECTION, format="json")

    assert response.status_code == 503
    assert response.json()["code"] == "processing-log-unavailable"
    assert calls_to(mock, MAAK) == []
