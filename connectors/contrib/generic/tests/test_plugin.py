"""Tests of the generic JSON/REST connector with `responses`: what it sends, how it reads answers,
and that no parameter value can move a call elsewhere."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import requests
import responses
from django.core.exceptions import ValidationError

from connectors.base import ConnectorRequest, Operation, Status
from connectors.contrib.generic.options import UNCHECKED_WARNING
from connectors.contrib.generic.plugin import GenericJsonConnector

from .answers import (
    INKOMENS_EVERYONE,
    INKOMENS_NONE,
    INKOMENS_PAGE_1,
    INKOMENS_PAGE_2,
    INKOMENS_PAGE_3,
    INKOMENS_SUZANNE,
    MEREL,
    PROBLEM_400,
    PROBLEM_404,
    ROOT,
    SUZANNE,
    exactly,
    UITKERINGEN_MEREL,
    inkomen,
    page,
)

INKOMENS_URL = ROOT + "inkomens"


def call(operation, **params):
    params.setdefault("bsn", SUZANNE)
    return ConnectorRequest(operation=operation, params=params, fields=("jaar", "bedrag"))


def sent_url():
    assert len(responses.calls) == 1
    return urlsplit(responses.calls[0].request.url)


# --- the requests it builds --------------------------------------------------------------------


@responses.activate
def test_a_list_operation_sends_one_get_with_the_subject_filter_accept_header_and_api_key(connector):
    responses.get(INKOMENS_URL, json=INKOMENS_SUZANNE)

    result = connector.run(call("inkomens"))

    sent = responses.calls[0].request
    assert sent.method == "GET"
    assert sent.url == INKOMENS_URL + "?bsn=999993653"
    assert sent.headers["Accept"] == "application/json"
    assert sent.headers["X-Api-Key"] == "register-secret"
    assert sent.body is None
    assert result.status is Status.OK
    assert result.data == INKOMENS_SUZANNE["results"]
    assert result.detail == ""
    assert result.fields_requested == ("jaar", "bedrag")


@responses.activate
def test_query_templates_send_exactly_the_configured_parameters_with_literals_and_params(make_source, options):
    options["operations"]["inkomens_2025"] = {
        "path": "inkomens", "query": {"bsn": "{bsn}", "jaar": "2025", "soort": "loon"},
        "subject_types": ["bsn"], "fields": ["bedrag"], "many": True, "items_pointer": "/results",
        "subject_pointer": "/bsn",
    }
    connector = GenericJsonConnector(make_source(options).to_config())
    responses.get(INKOMENS_URL, json=INKOMENS_SUZANNE)

    connector.run(call("inkomens_2025"))
    connector.run(call("inkomens_in_jaar", jaar=2024))

    first, second = (parse_qs(urlsplit(c.request.url).query) for c in responses.calls)
    assert first == {"bsn": [SUZANNE], "jaar": ["2025"], "soort": ["loon"]}
    assert second == {"bsn": [SUZANNE], "jaar": ["2024"]}


@responses.activate
def test_a_path_template_is_filled_and_the_items_are_read_at_items_pointer(connector):
    responses.get(ROOT + f"personen/{MEREL}/uitkeringen", json=UITKERINGEN_MEREL)

    result = connector.run(call("uitkeringen", bsn=MEREL))

    assert sent_url().path == f"/inkomensregister/api/v1/personen/{MEREL}/uitkeringen"
    assert sent_url().query == ""
    assert result.status is Status.OK
    assert result.data == UITKERINGEN_MEREL["_embedded"]["uitkeringen"]


@responses.activate
def test_a_single_answer_is_returned_whole_when_it_is_about_the_subject(connector):
    responses.get(ROOT + f"personen/{MEREL}/uitkeringen", json=UITKERINGEN_MEREL)

    result = connector.run(call("uitkeringen_overzicht", bsn=MEREL))

    assert result.status is Status.OK
    assert result.data == UITKERINGEN_MEREL


@pytest.mark.parametrize(
    "value",
    ["a/b", "x?admin=1", "x#fragment", "%2e%2e", "%2F..%2F", "http://evil.example/x", "//evil.example", "a b\\c"],
)
@responses.activate
def test_a_value_in_a_path_placeholder_stays_inside_its_one_segment(connector, value):
    responses.get(
        re.compile(r"https://register\.example\.org/.*"), json={"burgerservicenummer": value}
    )

    result = connector.run(call("uitkeringen_overzicht", bsn=value))

    url = sent_url()
    assert url.scheme == "https" and url.netloc == "register.example.org"
    assert url.query == "" and url.fragment == ""
    segments = url.path.split("/")
    assert segments[:5] == ["", "inkomensregister", "api", "v1", "personen"]
    assert len(segments) == 7 and segments[6] == "uitkeringen"
    assert unquote(segments[5]) == value
    assert result.status is Status.OK


@pytest.mark.parametrize("value", ["..", "."])
@responses.activate
def test_a_dot_segment_value_is_refused_before_any_call(connector, value):
    result = connector.run(call("uitkeringen", bsn=value))

    assert result.status is Status.ERROR
    assert result.detail == "Refused parameter 'bsn': a dot segment would change the path."
    assert len(responses.calls) == 0


@pytest.mark.parametrize("value", ["../../admin", "x/../../y", "a/.."])
@responses.activate
def test_a_value_that_would_read_as_dot_segments_once_decoded_is_refused(connector, value):
    # Quoted it is one segment ("..%2F..%2Fadmin"), but a server that decodes %2F would climb
    # out of the API root. Refused like connectors/http.py would.
    result = connector.run(call("uitkeringen", bsn=value))

    assert result.status is Status.ERROR
    assert result.detail == "Refused a path that would leave the API root of this source."
    assert len(responses.calls) == 0


@pytest.mark.parametrize("value", ["999993653&bsn=999993847", "x#y", "a=b", "1?c=d", "../x"])
@responses.activate
def test_a_value_in_a_query_template_stays_one_parameter_value(connector, value):
    responses.get(INKOMENS_URL, json=INKOMENS_NONE)

    connector.run(call("inkomens", bsn=value))

    url = sent_url()
    assert url.path == "/inkomensregister/api/v1/inkomens"
    assert url.fragment == ""
    assert parse_qs(url.query) == {"bsn": [value]}


@responses.activate
def test_a_missing_or_unusable_parameter_makes_no_call(connector):
    results = [
        connector.run(ConnectorRequest("inkomens_in_jaar", {"bsn": SUZANNE}, ("jaar",))),
        connector.run(ConnectorRequest("inkomens_in_jaar", {"bsn": SUZANNE, "jaar": ""}, ("jaar",))),
        connector.run(ConnectorRequest("inkomens_in_jaar", {"bsn": SUZANNE, "jaar": ["2024"]}, ("jaar",))),
    ]

    assert [r.status for r in results] == [Status.ERROR] * 3
    assert results[0].detail == "The call lacks the parameter 'jaar'."
    assert results[1].detail == "Parameter 'jaar' is empty."
    assert results[2].detail == "Parameter 'jaar' must be text or a whole number."
    assert len(responses.calls) == 0


# --- ownership ---------------------------------------------------------------------------------


@responses.activate
def test_items_about_someone_else_are_dropped_and_counted_in_the_detail(connector):
    responses.get(INKOMENS_URL, json=INKOMENS_EVERYONE)

    result = connector.run(call("inkomens"))

    assert result.status is Status.OK
    assert [item["bsn"] for item in result.data] == [SUZANNE]
    assert result.detail == "Dropped 2 item(s) that did not belong to the subject (checked at /bsn)."
    assert MEREL not in str(result.detail)


@responses.activate
def test_items_without_the_subject_or_of_another_shape_are_dropped(connector):
    weird = [{"jaar": 2025}, "999993653", {"bsn": True}, {"bsn": None}, {"bsn": {"value": SUZANNE}}, inkomen()]
    responses.get(INKOMENS_URL, json=page(weird))

    result = connector.run(call("inkomens"))

    assert result.data == [inkomen()]
    assert "Dropped 5 item(s)" in result.detail


@responses.activate
def test_a_number_at_subject_pointer_matches_the_same_identifier(make_source):
    options = {"operations": {"vestigingen": {
        "path": "bedrijven/{kvk}/vestigingen", "subject_types": ["kvk"], "fields": ["naam"],
        "many": True, "subject_pointer": "/kvkNummer",
    }}}
    connector = GenericJsonConnector(make_source(options).to_config())
    responses.get(ROOT + "bedrijven/90004760/vestigingen", json=[{"kvkNummer": 90004760, "naam": "Bakkerij Vogel"}, {"kvkNummer": "00004760"}])

    result = connector.run(ConnectorRequest("vestigingen", {"kvk": "90004760"}, ("naam",)))

    assert result.data == [{"kvkNummer": 90004760, "naam": "Bakkerij Vogel"}]


@responses.activate
def test_a_single_answer_about_another_subject_is_dropped(connector):
    responses.get(ROOT + f"personen/{SUZANNE}/uitkeringen", json=UITKERINGEN_MEREL)

    result = connector.run(call("uitkeringen_overzicht"))

    assert result.status is Status.ERROR
    assert result.data is None
    assert result.detail == "Source 'inkomensregister' answered about another subject than asked; dropped."


@responses.activate
def test_without_subject_pointer_items_are_returned_as_the_source_gives_them(make_source):
    # Only when the admin marked the operation as not checkable; then every result warns.
    options = {"operations": {"inkomens": {
        "path": "inkomens", "query": {"bsn": "{bsn}"}, "subject_types": ["bsn"], "fields": ["jaar"],
        "many": True, "items_pointer": "/results", "ownership": "unchecked",
    }}}
    connector = GenericJsonConnector(make_source(options).to_config())
    responses.get(INKOMENS_URL, json=INKOMENS_EVERYONE)

    result = connector.run(call("inkomens"))

    assert len(result.data) == 3
    assert result.warnings == [UNCHECKED_WARNING]


# --- reading answers ---------------------------------------------------------------------------


@responses.activate
def test_an_answer_without_a_list_at_items_pointer_is_an_error(connector):
    responses.get(INKOMENS_URL, json={"count": 0, "items": []})

    result = connector.run(call("inkomens"))

    assert result.status is Status.ERROR
    assert result.detail == "Source 'inkomensregister' answered without a list at /results."


@responses.activate
def test_an_empty_list_is_ok_and_empty(connector):
    responses.get(INKOMENS_URL, json=INKOMENS_NONE)

    result = connector.run(call("inkomens"))

    assert result.status is Status.OK
    assert result.data == []


@responses.activate
def test_a_configured_not_found_status_gives_not_found(connector):
    responses.get(ROOT + "personen/999999990/uitkeringen", status=404, json=PROBLEM_404, content_type="application/problem+json")

    result = connector.run(call("uitkeringen", bsn="999999990"))

    assert result.status is Status.NOT_FOUND
    assert result.data is None
    assert result.detail == "Source 'inkomensregister' has no data for this subject (HTTP 404)."


@responses.activate
def test_a_404_is_an_error_when_not_found_statuses_is_empty(make_source, options):
    options["operations"]["uitkeringen"]["not_found_statuses"] = []
    connector = GenericJsonConnector(make_source(options).to_config())
    responses.get(ROOT + f"personen/{SUZANNE}/uitkeringen", status=404, json=PROBLEM_404, content_type="application/problem+json")

    result = connector.run(call("uitkeringen"))

    assert result.status is Status.ERROR
    assert result.detail == (
        "Source 'inkomensregister' rejected the request (HTTP 404): "
        "Persoon is niet bekend in het inkomensregister."
    )


@pytest.mark.parametrize(
    "content_type, shown",
    [("text/html; charset=utf-8", "text/html"), ("application/xml", "application/xml"), ("", "none")],
)
@responses.activate
def test_a_non_json_answer_is_an_error_that_names_the_content_type(connector, content_type, shown):
    responses.get(INKOMENS_URL, body="<html>login</html>", content_type=content_type)

    result = connector.run(call("inkomens"))

    assert result.status is Status.ERROR
    assert result.detail == (
        f"Source 'inkomensregister' answered with content type {shown} instead of JSON (HTTP 200)."
    )


@responses.activate
def test_a_json_suffix_content_type_is_accepted(connector):
    responses.get(INKOMENS_URL, body='{"count": 0, "next": null, "previous": null, "results": []}', content_type="application/hal+json")

    assert connector.run(call("inkomens")).status is Status.OK


@responses.activate
def test_invalid_json_is_an_error(connector):
    responses.get(INKOMENS_URL, body="{not json", content_type="application/json")

    result = connector.run(call("inkomens"))

    assert result.status is Status.ERROR
    assert "invalid JSON" in result.detail


@responses.activate
def test_a_problem_json_400_gives_its_title_and_invalid_param_names(connector):
    responses.get(INKOMENS_URL, status=400, json=PROBLEM_400, content_type="application/problem+json")

    result = connector.run(call("inkomens"))

    assert result.status is Status.ERROR
    assert result.detail == (
        "Source 'inkomensregister' rejected the request (HTTP 400): "
        "Een of meerdere parameters zijn niet correct.; invalid: bsn"
    )


@pytest.mark.parametrize(
    "code, words", [(401, "refused IKO's credentials"), (403, "refused IKO's credentials"), (503, "failed or is unavailable")]
)
@responses.activate
def test_http_errors_give_an_error_with_a_clear_detail(connector, code, words):
    responses.get(INKOMENS_URL, status=code, body="")

    result = connector.run(call("inkomens"))

    assert result.status is Status.ERROR
    assert f"Source 'inkomensregister' {words} (HTTP {code})" in result.detail


@responses.activate
def test_a_timeout_gives_a_timeout_status(connector):
    responses.get(INKOMENS_URL, body=requests.ReadTimeout("read timed out"))

    result = connector.run(call("inkomens"))

    assert result.status is Status.TIMEOUT
    assert result.detail == "The source did not answer within 2 s."


@responses.activate
def test_a_redirect_is_not_followed(connector):
    responses.get(INKOMENS_URL, status=302, headers={"Location": "https://evil.example/steal"})

    result = connector.run(call("inkomens"))

    assert result.status is Status.ERROR
    assert "redirect" in result.detail
    assert len(responses.calls) == 1


@responses.activate
def test_an_unknown_operation_is_an_error(connector):
    result = connector.run(call("belastingaanslagen"))

    assert result.status is Status.ERROR
    assert result.detail == "Source 'inkomensregister' has no operation 'belastingaanslagen'."


@responses.activate
def test_options_broken_after_saving_give_a_readable_error_and_no_call(generic_source):
    generic_source.options["operations"]["inkomens"]["path"] = "https://evil.example/{bsn}"
    connector = GenericJsonConnector(generic_source.to_config())

    result = connector.run(call("inkomens"))

    assert result.status is Status.ERROR
    assert result.detail.startswith("Source 'inkomensregister' has invalid options for 'inkomens': operations.inkomens.path:")
    assert len(responses.calls) == 0


# --- pagination and SSRF -----------------------------------------------------------------------


@responses.activate
def test_next_page_links_under_the_api_root_are_followed(connector):
    responses.get(**exactly(INKOMENS_URL + "?bsn=999993653"), json=INKOMENS_PAGE_1)
    responses.get(**exactly(INKOMENS_URL + "?bsn=999993653&page=2"), json=INKOMENS_PAGE_2)
    responses.get(**exactly(INKOMENS_URL + "?bsn=999993653&page=3"), json=INKOMENS_PAGE_3)

    result = connector.run(call("inkomens"))

    assert [c.request.url for c in responses.calls] == [
        INKOMENS_URL + "?bsn=999993653",
        INKOMENS_URL + "?bsn=999993653&page=2",
        INKOMENS_URL + "?bsn=999993653&page=3",
    ]
    assert all(c.request.headers["X-Api-Key"] == "register-secret" for c in responses.calls)
    assert [item["jaar"] for item in result.data] == [2023, 2024, 2025]
    assert result.detail == ""


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/inkomensregister/api/v1/inkomens?page=2",
        "https://register.example.org/other-api/inkomens?page=2",
        "https://register.example.org/inkomensregister/api/v1/../../other/inkomens",
        "http://register.example.org/inkomensregister/api/v1/inkomens?page=2",
    ],
)
@responses.activate
def test_a_next_page_link_outside_the_api_root_is_not_followed(connector, next_url):
    responses.get(INKOMENS_URL, json=page([inkomen()], next_url=next_url))

    result = connector.run(call("inkomens"))

    assert len(responses.calls) == 1
    assert result.status is Status.OK
    assert result.data == [inkomen()]
    assert result.detail == (
        "A next-page link outside the configured server was not followed; the list may be incomplete."
    )


@responses.activate
def test_pagination_stops_at_max_pages_and_says_so(make_source, options):
    options["max_pages"] = 2
    connector = GenericJsonConnector(make_source(options).to_config())
    responses.get(INKOMENS_URL, json=page([inkomen()], next_url=INKOMENS_URL + "?bsn=999993653&page=2"))

    result = connector.run(call("inkomens"))

    assert len(responses.calls) == 2
    assert len(result.data) == 2
    assert result.detail == "Stopped after 2 pages (max_pages); the list may be incomplete."


@responses.activate
def test_a_list_is_cut_at_max_items_and_says_so(make_source, options):
    options["max_items"] = 3
    connector = GenericJsonConnector(make_source(options).to_config())
    first = page([inkomen(jaar=j) for j in range(2020, 2022)], next_url=INKOMENS_URL + "?page=2")
    responses.get(**exactly(INKOMENS_URL + "?bsn=999993653"), json=first)
    responses.get(**exactly(INKOMENS_URL + "?page=2"), json=page([inkomen(jaar=j) for j in range(2022, 2025)]))

    result = connector.run(call("inkomens"))

    assert [item["jaar"] for item in result.data] == [2020, 2021, 2022]
    assert result.detail == "The list was cut at 3 items (max_items)."


@responses.activate
def test_a_failing_next_page_fails_the_call_instead_of_returning_half_a_list(connector):
    responses.get(**exactly(INKOMENS_URL + "?bsn=999993653"), json=INKOMENS_PAGE_1)
    responses.get(**exactly(INKOMENS_URL + "?bsn=999993653&page=2"), status=503, body="")

    result = connector.run(call("inkomens"))

    assert result.status is Status.ERROR
    assert result.data is None


@responses.activate
def test_all_pages_together_get_no_more_than_the_sources_timeout(connector, monkeypatch):
    from connectors.contrib.generic import plugin

    # Start at 100 (deadline 102), page 2 at 100.5 (1.5 s left), page 3 at 103 (too late).
    clock = iter([100.0, 100.5])
    monkeypatch.setattr(plugin, "monotonic", lambda: next(clock, 103.0))
    responses.get(**exactly(INKOMENS_URL + "?bsn=999993653"), json=INKOMENS_PAGE_1)
    responses.get(**exactly(INKOMENS_URL + "?bsn=999993653&page=2"), json=INKOMENS_PAGE_2)

    result = connector.run(call("inkomens"))

    first, second = responses.calls
    assert first.request.req_kwargs["timeout"] == (2.0, 2.0)
    assert second.request.req_kwargs["timeout"] == (1.5, 1.5)
    assert result.status is Status.TIMEOUT
    assert result.detail == "Source 'inkomensregister' did not deliver all pages within 2 s."


# --- only GET ----------------------------------------------------------------------------------


@responses.activate
def test_only_get_is_ever_sent(connector):
    responses.get(INKOMENS_URL, json=INKOMENS_SUZANNE)
    responses.get(ROOT + f"personen/{MEREL}/uitkeringen", json=UITKERINGEN_MEREL)
    responses.get(ROOT, json={"naam": "Inkomensregister", "versie": "1.0.0"})

    for operation in ("inkomens", "inkomens_in_jaar", "uitkeringen", "uitkeringen_overzicht"):
        connector.run(call(operation, bsn=MEREL, jaar="2025"))
    connector.check_connection()

    assert len(responses.calls) == 5
    assert {c.request.method for c in responses.calls} == {"GET"}
    assert all(c.request.body is None for c in responses.calls)


def test_the_connector_calls_out_through_one_get_only_helper():
    import inspect

    from connectors.contrib.generic import plugin

    source = inspect.getsource(plugin)
    assert source.count(".request(") == 1
    assert 'http.request("GET", ' in source


# --- connection check --------------------------------------------------------------------------


@responses.activate
def test_check_connection_gets_the_api_root_without_any_parameter(connector):
    responses.get(ROOT, json={"naam": "Inkomensregister", "versie": "1.0.0"})

    check = connector.check_connection()

    assert check.ok
    assert check.detail == "Source 'inkomensregister' answered (HTTP 200)."
    assert responses.calls[0].request.url == ROOT


@responses.activate
def test_check_connection_accepts_a_404_at_the_api_root_but_not_refused_credentials(connector):
    responses.get(ROOT, status=404, body="")
    assert connector.check_connection().ok

    responses.replace(responses.GET, ROOT, status=401, body="")
    check = connector.check_connection()
    assert not check.ok
    assert "refused IKO's credentials (HTTP 401)" in check.detail


@responses.activate
def test_check_connection_uses_check_path_strictly_when_configured(make_source, options):
    options["check_path"] = "status"
    connector = GenericJsonConnector(make_source(options).to_config())
    responses.get(ROOT + "status", status=404, body="")

    check = connector.check_connection()

    assert not check.ok
    assert responses.calls[0].request.url == ROOT + "status"


@responses.activate
def test_check_connection_reports_an_unreachable_server(connector):
    responses.get(ROOT, body=requests.ConnectionError("refused"))

    check = connector.check_connection()

    assert not check.ok and check.detail == "Could not connect to the source."


# --- options -----------------------------------------------------------------------------------


def test_operations_for_describes_each_configured_operation(options):
    operations = GenericJsonConnector.operations_for(options)

    assert list(operations) == ["inkomens", "inkomens_in_jaar", "uitkeringen", "uitkeringen_overzicht"]
    assert operations["inkomens_in_jaar"] == Operation(
        name="inkomens_in_jaar",
        description="GET inkomens (list)",
        subject_types=("bsn",),
        fields=("bsn", "jaar", "bedrag"),
        params=("jaar",),
        many=True,
    )
    assert operations["inkomens"].description == "Yearly incomes of a person."
    assert operations["uitkeringen_overzicht"].many is False


def test_operations_for_invalid_options_is_empty_and_the_class_level_list_stays_empty():
    assert GenericJsonConnector.operations_for({"operations": {"x": {"path": "../x"}}}) == {}
    assert GenericJsonConnector.operations_for(None) == {}
    assert GenericJsonConnector.operations == {}


def test_validate_options_fills_in_the_defaults(options):
    cleaned = GenericJsonConnector.validate_options({"operations": {"uitkeringen": {
        "path": "personen/{bsn}/uitkeringen", "subject_types": ["bsn"], "fields": ["regeling"],
        "subject_pointer": "/burgerservicenummer",
    }}})

    assert cleaned == {
        "operations": {"uitkeringen": {
            "description": "", "path": "personen/{bsn}/uitkeringen", "query": {}, "subject_types": ["bsn"],
            "params": [], "fields": ["regeling"], "many": False, "items_pointer": None,
            "subject_pointer": "/burgerservicenummer", "next_pointer": None, "not_found_statuses": [404],
        }},
        "max_items": 200,
        "max_pages": 10,
        "check_path": "",
    }
    assert GenericJsonConnector.validate_options(cleaned) == cleaned


def operation(**changes):
    base = {
        "path": "personen/{bsn}/uitkeringen", "subject_types": ["bsn"], "fields": ["regeling"], "many": True,
    }
    base.update(changes)
    return {"operations": {"uitkeringen": {k: v for k, v in base.items() if v is not ...}}}


@pytest.mark.parametrize(
    "options, message",
    [
        (None, "Options must be a JSON object"),
        ({}, "operations: give at least one operation"),
        ({"operations": {}, "max_itmes": 5}, "options: unknown keys ['max_itmes']"),
        ({**operation(), "max_items": 0}, "max_items: must be a whole number from 1 to 10000 (default 200)"),
        ({**operation(), "max_pages": "3"}, "max_pages: must be a whole number from 1 to 100"),
        ({**operation(), "check_path": "status/{bsn}"}, "check_path: may not contain placeholders"),
        ({"operations": {"1x": operation()["operations"]["uitkeringen"]}}, "operations.1x: an operation name starts with a letter"),
        ({"operations": {"x": "inkomens"}}, "operations.x: must be an object"),
        (operation(methode="POST"), "operations.uitkeringen: unknown keys ['methode']"),
        (operation(path=...), "operations.uitkeringen.path: required"),
        (operation(path="/personen/{bsn}"), "must be relative to the API root"),
        (operation(path="https://evil.example/{bsn}"), "must be relative to the API root"),
        (operation(path="//evil.example/{bsn}"), "must be relative to the API root"),
        (operation(path="personen/../admin/{bsn}"), 'may not contain "." or ".." segments'),
        (operation(path="personen/%2e%2e/{bsn}"), 'may not contain "." or ".." segments'),
        (operation(path="personen//{bsn}"), "has an empty path segment"),
        (operation(path="inkomens?bsn={bsn}"), "contains '?'; a path has no query"),
        (operation(path="inkomens/{bsn}#x"), "contains '#'"),
        (operation(path="personen/{bsn!r}"), "has the placeholder {bsn!r}; a placeholder is a plain name"),
        (operation(path="personen/{bsn.__class__}"), "has the placeholder {bsn.__class__}"),
        (operation(path="personen/{}/{bsn}"), "has the placeholder {}"),
        (operation(path="personen/{bsn:>20}"), "has the placeholder {bsn:>20}"),
        (operation(path="personen/{bsn"), "has unbalanced braces"),
        (operation(path="personen/{bsn}/{jaar}"), "placeholders ['jaar'] are neither the subject type 'bsn' nor declared in \"params\""),
        (operation(path="personen", query={"bsn": "{burgerservicenummer}"}), "placeholders ['burgerservicenummer']"),
        (operation(path="personen"), "['bsn'] must appear as a placeholder in the path or the query"),
        (operation(params=["jaar"]), "['jaar'] must appear as a placeholder"),
        (operation(params=["bsn"]), "'bsn' is a subject type; list it in subject_types"),
        (operation(params="jaar"), "operations.uitkeringen.params: must be a list of parameter names"),
        (operation(query=["bsn"]), "operations.uitkeringen.query: must be an object"),
        (operation(query={"{bsn}": "x"}), "is not a query parameter name"),
        (operation(query={"jaar": 2025.5}), "operations.uitkeringen.query.jaar: must be a string"),
        (operation(subject_types=...), "operations.uitkeringen.subject_types: give exactly one of ['bsn', 'kvk']"),
        (operation(subject_types=["bsn", "kvk"]), "give exactly one of"),
        (operation(subject_types=["postcode"]), "give exactly one of"),
        (operation(fields=...), "operations.uitkeringen.fields: required"),
        (operation(fields=[]), "operations.uitkeringen.fields: required"),
        (operation(fields=["regeling", "bedrag per maand", "a..b"]), "['bedrag per maand', 'a..b'] are not dot paths"),
        (operation(fields=["regeling", "regeling"]), "lists a field twice"),
        (operation(many="yes"), "operations.uitkeringen.many: must be true"),
        (operation(many=False, items_pointer="/results"), 'items_pointer: only applies to a list operation ("many": true)'),
        (operation(many=False, next_pointer="/next"), "next_pointer: only applies to a list operation"),
        (operation(items_pointer="results"), "is not a JSON Pointer: it must start with \"/\""),
        (operation(items_pointer="/a~2b"), "has a \"~\" that is not part of"),
        (operation(subject_pointer=""), 'subject_pointer: must point inside the answer, e.g. "/bsn"'),
        (operation(not_found_statuses=[200]), "not_found_statuses: must be a list of HTTP status codes from 400 to 499"),
        (operation(not_found_statuses=[404, 403]), "[403] mean IKO was refused or throttled"),
        (operation(description=5), "description: must be text of at most 200 characters"),
    ],
)
def test_invalid_options_are_rejected_with_a_readable_message(options, message):
    with pytest.raises(ValidationError) as exc_info:
        GenericJsonConnector.validate_options(options)

    assert any(message in m for m in exc_info.value.messages), exc_info.value.messages


def test_every_problem_is_listed_at_once():
    bad = operation(path="../x", fields=[], many="no")

    with pytest.raises(ValidationError) as exc_info:
        GenericJsonConnector.validate_options(bad)

    assert [m.split(":")[0] for m in exc_info.value.messages] == [
        "operations.uitkeringen.path",
        "operations.uitkeringen.fields",
        "operations.uitkeringen.many",
    ]


def test_the_source_model_refuses_invalid_options_under_the_options_key(make_source):
    with pytest.raises(ValidationError) as exc_info:
        make_source(operation(path="https://evil.example/{bsn}"))

    assert "options" in exc_info.value.message_dict
    assert "must be relative to the API root" in exc_info.value.message_dict["options"][0]


def test_literal_braces_and_percent_escapes_are_allowed_in_a_path():
    cleaned = GenericJsonConnector.validate_options(
        operation(path="v{{1}}/personen/{bsn}/uitkeringen%7Ealle", subject_pointer="/burgerservicenummer")
    )

    assert cleaned["operations"]["uitkeringen"]["path"] == "v{{1}}/personen/{bsn}/uitkeringen%7Ealle"
