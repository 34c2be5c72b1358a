"""The BRP gateway's purpose-binding headers: exactly as configured per source, search and consult
values apart, formats checked, nothing sent when the source does not ask for them."""

import pytest
import responses
from django.core.exceptions import ValidationError

from connectors.base import CallContext, ConnectorError, ConnectorRequest, Status
from connectors.contrib.brp.plugin import BrpPersonenConnector
from connectors.contrib.brp.protocol import clean_options, protocol_headers

PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"
SUZANNE = {"burgerservicenummer": "999993653", "naam": {"volledigeNaam": "Suzanne Moulin"}}
CONTEXT = CallContext(
    purpose_code="klantcontact",
    doelbinding_consult="BRPACT-Totaal",
    doelbinding_search="BRPACT-ZoekenAlgemeen",
    verwerking="Klantcontact@Vraag beantwoorden",
    gebruiker="medewerker-42",
    origin_oin="00000001234567890000",
    traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
)
ON = {"protocol_headers": True}


def run(brp_source, options, context=CONTEXT):
    brp_source.options = options
    brp_source.full_clean()
    brp_source.save()
    request = ConnectorRequest("RaadpleegMetBurgerservicenummer", {"bsn": "999993653"}, ("naam.volledigeNaam",), context)
    return BrpPersonenConnector(brp_source.to_config()).run(request)


@responses.activate
def test_the_four_headers_go_out_with_the_purposes_consult_values(brp_source):
    responses.post(PERSONEN_URL, json={"personen": [SUZANNE]})

    result = run(brp_source, ON)

    assert result.status is Status.OK
    headers = responses.calls[0].request.headers
    sent = {k.lower(): v for k, v in headers.items() if k.lower().startswith("x-") and k.lower() != "x-api-key"}
    assert sent == {
        "x-doelbinding": "BRPACT-Totaal",
        "x-verwerking": "Klantcontact@Vraag beantwoorden",
        "x-gebruiker": "medewerker-42",
        "x-origin-oin": "00000001234567890000",
    }
    assert headers["traceparent"] == CONTEXT.traceparent


@responses.activate
def test_header_names_are_configurable_per_source_and_can_be_left_out(brp_source):
    responses.post(PERSONEN_URL, json={"personen": [SUZANNE]})

    run(brp_source, {**ON, "header_names": {"doelbinding": "X-Doelbinding-Code", "verwerking": "", "gebruiker": "X-User"},
                     "origin_oin": "00000009876543210000"})

    headers = responses.calls[0].request.headers
    assert headers["X-Doelbinding-Code"] == "BRPACT-Totaal"
    assert headers["X-User"] == "medewerker-42"
    assert headers["x-origin-oin"] == "00000009876543210000"  # the source's own OIN wins
    assert "x-verwerking" not in headers and "x-doelbinding" not in headers and "x-gebruiker" not in headers


def test_searching_uses_the_search_doelbinding_and_falls_back_to_consulting():
    assert protocol_headers(ON, CONTEXT, operation="ZoekMetGeslachtsnaamEnGeboortedatum")["x-doelbinding"] == "BRPACT-ZoekenAlgemeen"
    assert protocol_headers(ON, CONTEXT, operation="RaadpleegMetBurgerservicenummer")["x-doelbinding"] == "BRPACT-Totaal"
    without_search = CallContext(doelbinding_consult="BRPACT-Totaal")
    assert protocol_headers(ON, without_search, operation="ZoekMetPostcodeEnHuisnummer")["x-doelbinding"] == "BRPACT-Totaal"


@responses.activate
def test_nothing_is_sent_without_a_doelbinding_when_the_gateway_needs_one(brp_source):
    result = run(brp_source, ON, CallContext(purpose_code="kcc"))

    assert result.status is Status.ERROR
    assert "purpose kcc has no BRP doelbinding (consult)" in result.detail
    assert len(responses.calls) == 0


@responses.activate
def test_no_purpose_headers_go_out_unless_the_source_is_configured_for_them(brp_source):
    responses.post(PERSONEN_URL, json={"personen": [SUZANNE]})

    run(brp_source, {})

    names = {k.lower() for k in responses.calls[0].request.headers}
    assert not names & {"x-doelbinding", "x-verwerking", "x-gebruiker", "x-origin-oin"}


def test_the_end_user_is_made_fit_for_a_header_and_cut_at_242_characters():
    headers = protocol_headers(ON, CallContext(doelbinding_consult="A", gebruiker="Zoë\r\nX-Evil: 1" + "x" * 300), operation="RaadpleegMetBurgerservicenummer")

    assert headers["x-gebruiker"].startswith("ZoëX-Evil: 1")
    assert "\n" not in headers["x-gebruiker"] and len(headers["x-gebruiker"]) == 242


def test_a_verwerking_with_two_at_signs_or_a_bad_oin_is_refused_before_sending():
    with pytest.raises(ConnectorError, match="more than one '@'"):
        protocol_headers(ON, CallContext(doelbinding_consult="A", verwerking="a@b@c"), operation="RaadpleegMetBurgerservicenummer")
    with pytest.raises(ConnectorError, match="20 digits"):
        protocol_headers(ON, CallContext(doelbinding_consult="A", origin_oin="123"), operation="RaadpleegMetBurgerservicenummer")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"protocol_headers": "yes"}, "true or false"),
        ({"protocol_header": True}, "Unknown options: protocol_header"),
        ({"origin_oin": "1234"}, "20 digits"),
        ({"header_names": {"doelbinding": "x doelbinding"}}, "must be a header name"),
        ({"header_names": {"gebruiker": "Authorization"}}, "IKO sets that header itself"),
        ({"header_names": {"gebruiker": "x-doelbinding"}}, "same name"),
        ({"header_names": {"afnemer": "x-afnemer"}}, "knows only"),
    ],
)
def test_source_options_are_checked_with_a_readable_message(options, message):
    with pytest.raises(ValidationError, match=message):
        clean_options(options)


def test_valid_options_are_kept_as_given():
    options = {"protocol_headers": True, "header_names": {"verwerking": ""}, "origin_oin": "00000001234567890000"}
    assert clean_options(options) == options
    assert clean_options({}) == {}
