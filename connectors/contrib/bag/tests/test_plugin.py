"""Tests of the BAG connector with `responses`: what it sends and how it reads HAL answers."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from django.core.exceptions import ValidationError

from connectors.base import ConnectorRequest, Status
from connectors.contrib.bag.fields import ADRES_FIELDS
from connectors.contrib.bag.plugin import BagConnector

from .examples import (
    ADRESSEN_URL,
    API_ROOT,
    BAD_REQUEST,
    BOTERDIEP_31,
    HEADERS,
    INFO,
    NOT_FOUND,
    NUMMERAANDUIDING,
    an_adres,
    collection,
)

HAL = "application/hal+json"
FIELDS = ("openbareRuimteNaam", "huisnummer", "postcode", "woonplaatsNaam")


def connector(source):
    return BagConnector(source.to_config())


def adres(identificatie=NUMMERAANDUIDING):
    return ConnectorRequest("adres", {"nummeraanduidingIdentificatie": identificatie}, FIELDS)


def zoeken(**params):
    return ConnectorRequest("adres_zoeken", {"postcode": "3077AW", "huisnummer": 31, **params}, FIELDS)


def sent_query(call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query, keep_blank_values=True)


@responses.activate
def test_adres_gets_one_address_by_id_with_the_api_key_and_hal_accept(bag_source):
    responses.get(f"{ADRESSEN_URL}/{NUMMERAANDUIDING}", json=BOTERDIEP_31, content_type=HAL, headers=HEADERS)

    result = connector(bag_source).run(adres())

    sent = responses.calls[0].request
    assert sent.method == "GET"
    assert sent.url == f"{ADRESSEN_URL}/{NUMMERAANDUIDING}"
    assert sent.headers["X-Api-Key"] == "bag-secret"
    assert sent.headers["Accept"] == "application/hal+json"
    assert result.status is Status.OK
    assert result.data["openbareRuimteNaam"] == "Boterdiep"
    assert result.data["nummeraanduidingIdentificatie"] == NUMMERAANDUIDING


@responses.activate
def test_hal_links_are_stripped_and_never_followed(bag_source):
    responses.get(f"{ADRESSEN_URL}/{NUMMERAANDUIDING}", json=BOTERDIEP_31, content_type=HAL, headers=HEADERS)

    result = connector(bag_source).run(adres())

    assert "_links" not in result.data and "_embedded" not in result.data
    assert len(responses.calls) == 1


@responses.activate
def test_an_unknown_nummeraanduiding_is_not_found(bag_source):
    responses.get(f"{ADRESSEN_URL}/{NUMMERAANDUIDING}", status=404, json=NOT_FOUND,
                  content_type="application/problem+json", headers=HEADERS)

    result = connector(bag_source).run(adres())

    assert result.status is Status.NOT_FOUND
    assert result.data is None


@responses.activate
def test_an_answer_about_another_address_is_dropped(bag_source):
    responses.get(f"{ADRESSEN_URL}/{NUMMERAANDUIDING}", json=an_adres("0599200000219679"),
                  content_type=HAL, headers=HEADERS)

    result = connector(bag_source).run(adres())

    assert result.status is Status.ERROR
    assert result.data is None


@pytest.mark.parametrize(
    "identificatie",
    ["0599010000208579", "059920000021967", "05992000002196780", "0599200000219A78", 599200000219678, None, "../info"],
)
@responses.activate
def test_an_invalid_nummeraanduiding_is_an_error_without_a_call(bag_source, identificatie):
    result = connector(bag_source).run(adres(identificatie))

    assert result.status is Status.ERROR
    assert "nummeraanduidingIdentificatie is 16 digits" in result.detail
    assert len(responses.calls) == 0


@responses.activate
def test_adres_zoeken_sends_postcode_huisnummer_and_exacte_match(bag_source):
    responses.get(ADRESSEN_URL, json=collection([BOTERDIEP_31]), content_type=HAL, headers=HEADERS)

    result = connector(bag_source).run(zoeken(postcode="3077 aw", huisnummer="31"))

    sent = responses.calls[0].request
    assert sent_query(responses.calls[0]) == {
        "postcode": ["3077AW"], "huisnummer": ["31"], "exacteMatch": ["true"], "page": ["1"], "pageSize": ["100"],
    }
    assert sent.headers["X-Api-Key"] == "bag-secret"
    assert sent.headers["Accept"] == "application/hal+json"
    assert result.status is Status.OK
    assert [a["nummeraanduidingIdentificatie"] for a in result.data] == [NUMMERAANDUIDING]
    assert "_links" not in result.data[0]
    assert result.detail == ""


@responses.activate
def test_adres_zoeken_without_exact_match_keeps_the_letters_not_asked_for_and_drops_other_numbers(bag_source):
    close = [BOTERDIEP_31, an_adres("0599200000219680", huisletter="A"), an_adres("0599200000219681", toevoeging="2"),
             an_adres("0599200000219690", huisnummer=33)]  # a server that widened the search too far
    responses.get(ADRESSEN_URL, json=collection(close), content_type=HAL, headers=HEADERS)

    result = connector(bag_source).run(zoeken(exacteMatch=False))

    assert sent_query(responses.calls[0])["exacteMatch"] == ["false"]
    assert [a["nummeraanduidingIdentificatie"] for a in result.data] == [
        NUMMERAANDUIDING, "0599200000219680", "0599200000219681",
    ]
    assert "Dropped 1 address" in result.detail


@responses.activate
def test_adres_zoeken_without_exact_match_still_holds_to_a_huisletter_asked_for(bag_source):
    responses.get(ADRESSEN_URL, json=collection([BOTERDIEP_31, an_adres("0599200000219680", huisletter="A")]),
                  content_type=HAL, headers=HEADERS)

    result = connector(bag_source).run(zoeken(exacteMatch=False, huisletter="a"))

    assert [a["nummeraanduidingIdentificatie"] for a in result.data] == ["0599200000219680"]


@responses.activate
def test_adres_zoeken_sends_huisletter_and_toevoeging_when_given(bag_source):
    found = an_adres("0344200000161083", straat="St.-Jacobsstraat", huisnummer=1, huisletter="A",
                     toevoeging="bis", postcode="3511BR")
    responses.get(ADRESSEN_URL, json=collection([found]), content_type=HAL, headers=HEADERS)

    result = connector(bag_source).run(
        zoeken(postcode="3511BR", huisnummer=1, huisletter="a", huisnummertoevoeging="bis")
    )

    query = sent_query(responses.calls[0])
    assert query["huisletter"] == ["a"] and query["huisnummertoevoeging"] == ["bis"]
    assert len(result.data) == 1


@responses.activate
def test_empty_optional_params_from_parent_data_are_left_out(bag_source):
    responses.get(ADRESSEN_URL, json=collection([BOTERDIEP_31]), content_type=HAL, headers=HEADERS)

    connector(bag_source).run(zoeken(huisletter=None, huisnummertoevoeging=""))

    assert "huisletter" not in sent_query(responses.calls[0])
    assert "huisnummertoevoeging" not in sent_query(responses.calls[0])


@responses.activate
def test_addresses_that_do_not_match_the_question_are_dropped_and_reported(bag_source):
    with_letter = an_adres("0599200000219680", huisletter="B")
    other_number = an_adres("0599200000219681", huisnummer=33)
    responses.get(ADRESSEN_URL, json=collection([BOTERDIEP_31, with_letter, other_number]),
                  content_type=HAL, headers=HEADERS)

    result = connector(bag_source).run(zoeken())

    assert [a["nummeraanduidingIdentificatie"] for a in result.data] == [NUMMERAANDUIDING]
    assert "Dropped 2 address(es)" in result.detail


@responses.activate
def test_no_address_is_ok_with_an_empty_list_also_without_embedded(bag_source):
    responses.get(ADRESSEN_URL, json={"_links": {"self": {"href": ADRESSEN_URL}}}, content_type=HAL, headers=HEADERS)

    result = connector(bag_source).run(zoeken())

    assert result.status is Status.OK
    assert result.data == []
    assert "no current address" in result.detail


@responses.activate
def test_pages_are_asked_for_by_number_never_through_the_next_link(bag_source):
    first = [an_adres(f"05992000002196{n:02d}") for n in range(10)]
    for one in first:
        one["nummeraanduidingIdentificatie"] = NUMMERAANDUIDING
    responses.get(ADRESSEN_URL, json=collection(first, next_page=2), content_type=HAL, headers=HEADERS,
                  match=[responses.matchers.query_param_matcher({"page": "1"}, strict_match=False)])
    responses.get(ADRESSEN_URL, json=collection([BOTERDIEP_31]), content_type=HAL, headers=HEADERS,
                  match=[responses.matchers.query_param_matcher({"page": "2"}, strict_match=False)])

    result = connector(bag_source).run(zoeken())

    assert [sent_query(c)["page"] for c in responses.calls] == [["1"], ["2"]]
    assert all(c.request.url.startswith(API_ROOT) for c in responses.calls)
    assert len(result.data) == 11


@responses.activate
def test_the_cap_stops_paging_and_says_so(bag_service):
    from connectors.models import Source

    source = Source.objects.create(name="bag-capped", connector="bag", service=bag_service,
                                   options={"max_adressen": 2}, timeout=2.0)
    responses.get(ADRESSEN_URL, json=collection([BOTERDIEP_31] * 10, next_page=2), content_type=HAL, headers=HEADERS)

    result = connector(source).run(zoeken())

    assert len(responses.calls) == 1
    assert sent_query(responses.calls[0])["pageSize"] == ["10"]
    assert len(result.data) == 2
    assert "Stopped at max_adressen=2" in result.detail


@pytest.mark.parametrize(
    "params, words",
    [
        ({"postcode": "0123AB"}, "postcode"),
        ({"postcode": "3077A"}, "postcode"),
        ({"postcode": "3077 A1"}, "postcode"),
        ({"postcode": None}, "postcode"),
        ({"huisnummer": 0}, "huisnummer"),
        ({"huisnummer": 100000}, "huisnummer"),
        ({"huisnummer": "31a"}, "huisnummer"),
        ({"huisnummer": True}, "huisnummer"),
        ({"huisletter": "AB"}, "huisletter"),
        ({"huisnummertoevoeging": "bis-2"}, "huisnummertoevoeging"),
    ],
)
@responses.activate
def test_invalid_search_params_are_an_error_without_a_call(bag_source, params, words):
    result = connector(bag_source).run(zoeken(**params))

    assert result.status is Status.ERROR
    assert result.detail.startswith("Invalid BAG parameter") and words in result.detail
    assert len(responses.calls) == 0


@responses.activate
def test_a_problem_400_with_hyphenated_invalid_params_names_them(bag_source):
    responses.get(ADRESSEN_URL, status=400, json=BAD_REQUEST, content_type="application/problem+json", headers=HEADERS)

    result = connector(bag_source).run(zoeken())

    assert result.status is Status.ERROR
    assert "HTTP 400" in result.detail and "invalid: postcode" in result.detail


@pytest.mark.parametrize(
    "code, words",
    [(401, "refused IKO's credentials"), (403, "refused IKO's credentials"), (503, "failed or is unavailable")],
)
@responses.activate
def test_http_errors_give_an_error_status_with_a_clear_detail(bag_source, code, words):
    responses.get(f"{ADRESSEN_URL}/{NUMMERAANDUIDING}", status=code, body="")

    result = connector(bag_source).run(adres())

    assert result.status is Status.ERROR
    assert words in result.detail and f"HTTP {code}" in result.detail


@responses.activate
def test_a_timeout_gives_a_timeout_status(bag_source):
    responses.get(ADRESSEN_URL, body=requests.ReadTimeout("read timed out"))

    result = connector(bag_source).run(zoeken())

    assert result.status is Status.TIMEOUT


@pytest.mark.parametrize("body", ["<html>gateway</html>", "[]", '{"_embedded": {"adressen": {}}}'])
@responses.activate
def test_an_answer_that_is_not_hal_gives_an_error(bag_source, body):
    responses.get(ADRESSEN_URL, body=body, content_type=HAL)

    result = connector(bag_source).run(zoeken())

    assert result.status is Status.ERROR


@responses.activate
def test_check_connection_asks_only_for_the_api_info(bag_source):
    responses.get(API_ROOT + "info", json=INFO)

    check = connector(bag_source).check_connection()

    assert check.ok and "2.6.0" in check.detail
    assert responses.calls[0].request.headers["X-Api-Key"] == "bag-secret"


@responses.activate
def test_check_connection_reports_a_refused_key(bag_source):
    responses.get(API_ROOT + "info", status=403, body="")

    check = connector(bag_source).check_connection()

    assert not check.ok and "refused IKO's credentials" in check.detail


def test_options_take_only_a_cap():
    assert BagConnector.validate_options({}) == {"max_adressen": 100}
    with pytest.raises(ValidationError, match="max_adressen"):
        BagConnector.validate_options({"max_adressen": 0})
    with pytest.raises(ValidationError, match="Unknown options"):
        BagConnector.validate_options({"api_key": "x"})


def test_the_operations_declare_their_params_and_the_adres_fields():
    adres_op, zoeken_op = BagConnector.operations["adres"], BagConnector.operations["adres_zoeken"]

    assert adres_op.params == ("nummeraanduidingIdentificatie",) and not adres_op.many
    assert zoeken_op.params == ("postcode", "huisnummer", "huisletter", "huisnummertoevoeging", "exacteMatch") and zoeken_op.many
    assert "korteNaam" in ADRES_FIELDS and "inonderzoek.postcode" in ADRES_FIELDS
    assert not [f for f in ADRES_FIELDS if f.startswith("_")]
