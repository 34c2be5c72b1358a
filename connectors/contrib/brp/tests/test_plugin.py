"""Tests of the BRP Personen connector with `responses`: what it sends and how it reads answers."""

import json

import pytest
import requests
import responses

from connectors.base import ConnectorRequest, Status
from connectors.contrib.brp.fields import PERSOON_FIELDS
from connectors.contrib.brp.plugin import BrpPersonenConnector

PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"
SUZANNE = {
    "burgerservicenummer": "999993653",
    "naam": {"volledigeNaam": "Suzanne Moulin", "voornamen": "Suzanne"},
    "geboorte": {"datum": {"type": "Datum", "datum": "1985-12-01", "langFormaat": "1 december 1985"}},
}


def connector(brp_source):
    return BrpPersonenConnector(brp_source.to_config())


def raadpleeg(fields=("naam.volledigeNaam", "geboorte.datum")):
    return ConnectorRequest(operation="RaadpleegMetBurgerservicenummer", params={"bsn": "999993653"}, fields=tuple(fields))


@responses.activate
def test_raadpleeg_sends_type_bsn_and_exactly_the_allowed_fields_plus_the_bsn(brp_source):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [SUZANNE]})

    result = connector(brp_source).run(raadpleeg())

    sent = responses.calls[0].request
    assert json.loads(sent.body) == {
        "type": "RaadpleegMetBurgerservicenummer",
        "burgerservicenummer": ["999993653"],
        "fields": ["burgerservicenummer", "naam.volledigeNaam", "geboorte.datum"],
    }
    assert sent.headers["Content-Type"] == "application/json; charset=utf-8"
    assert sent.headers["Accept"] == "application/json"
    assert sent.headers["X-Api-Key"] == "brp-secret"
    assert "999993653" not in sent.url
    assert result.status is Status.OK
    assert result.data["naam"]["volledigeNaam"] == "Suzanne Moulin"
    assert result.fields_requested == ("burgerservicenummer", "naam.volledigeNaam", "geboorte.datum")


@responses.activate
def test_automatic_fields_are_never_put_in_the_request(brp_source):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [SUZANNE]})

    connector(brp_source).run(raadpleeg(("naam", "geheimhoudingPersoonsgegevens", "naam.inOnderzoek", "rni")))

    assert json.loads(responses.calls[0].request.body)["fields"] == ["burgerservicenummer", "naam"]


@responses.activate
def test_an_empty_personen_list_is_not_found(brp_source):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": []})

    result = connector(brp_source).run(raadpleeg())

    assert result.status is Status.NOT_FOUND
    assert result.data is None


@responses.activate
def test_an_answer_about_another_person_is_dropped(brp_source):
    other = dict(SUZANNE, burgerservicenummer="999993847")
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [other]})

    result = connector(brp_source).run(raadpleeg())

    assert result.status is Status.ERROR
    assert result.data is None
    assert "another person" in result.detail


@responses.activate
def test_a_problem_json_400_gives_an_error_with_its_title_and_invalid_param_names(brp_source):
    responses.post(
        PERSONEN_URL,
        status=400,
        content_type="application/problem+json",
        json={
            "type": "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.1",
            "title": "Een of meerdere parameters zijn niet correct.",
            "status": 400,
            "code": "paramsValidation",
            "invalidParams": [{"name": "fields[0]", "code": "field", "reason": "Parameter bevat een niet bestaande veldnaam."}],
        },
    )

    result = connector(brp_source).run(raadpleeg())

    assert result.status is Status.ERROR
    assert "HTTP 400" in result.detail
    assert "Een of meerdere parameters zijn niet correct." in result.detail
    assert "fields[0]" in result.detail


@pytest.mark.parametrize("code, words", [(401, "refused IKO's credentials"), (403, "refused IKO's credentials"), (500, "failed or is unavailable"), (503, "failed or is unavailable")])
@responses.activate
def test_http_errors_give_an_error_status_with_a_clear_detail(brp_source, code, words):
    responses.post(PERSONEN_URL, status=code, body="")

    result = connector(brp_source).run(raadpleeg())

    assert result.status is Status.ERROR
    assert words in result.detail and f"HTTP {code}" in result.detail


@responses.activate
def test_a_timeout_gives_a_timeout_status(brp_source):
    responses.post(PERSONEN_URL, body=requests.ReadTimeout("read timed out"))

    result = connector(brp_source).run(raadpleeg())

    assert result.status is Status.TIMEOUT
    assert "did not answer within 2 s" in result.detail


@responses.activate
def test_a_connection_failure_gives_an_error_status(brp_source):
    responses.post(PERSONEN_URL, body=requests.ConnectionError("refused"))

    result = connector(brp_source).run(raadpleeg())

    assert result.status is Status.ERROR
    assert result.detail == "Could not connect to the source."


@responses.activate
def test_invalid_json_gives_an_error_status(brp_source):
    responses.post(PERSONEN_URL, body="<html>gateway</html>", content_type="text/html")

    result = connector(brp_source).run(raadpleeg())

    assert result.status is Status.ERROR
    # "invalid JSON", or which media type came instead (an HTML page from a gateway).
    assert "JSON" in result.detail


@responses.activate
def test_check_connection_does_not_ask_for_any_person(brp_source):
    responses.post(PERSONEN_URL, status=400, content_type="application/problem+json", json={"title": "bad", "status": 400})

    check = connector(brp_source).check_connection()

    assert check.ok
    assert json.loads(responses.calls[0].request.body)["burgerservicenummer"] == []


def test_the_declared_fields_contain_no_automatic_field():
    from connectors.contrib.brp.fields import is_automatic

    assert PERSOON_FIELDS and not [f for f in PERSOON_FIELDS if is_automatic(f)]
    assert "naam.volledigeNaam" in PERSOON_FIELDS and "verblijfplaats.nummeraanduidingIdentificatie" in PERSOON_FIELDS
