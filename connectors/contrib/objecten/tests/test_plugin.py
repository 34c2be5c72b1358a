"""Tests of the Objecten connector with `responses`: what it sends and how it reads answers."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from django.core.exceptions import ValidationError

from connectors.base import ConnectorRequest, Status
from connectors.contrib.objecten.fields import OBJECT_FIELDS
from connectors.contrib.objecten.plugin import ObjectenConnector

from .examples import (
    AFVALPAS,
    API_ROOT,
    BSN,
    OBJECTS_URL,
    OBJECTTYPE,
    OTHER_BSN,
    OTHER_OBJECTTYPE,
    PARKEERVERGUNNING,
    an_object,
    page,
)

ALL_FIELDS = ("uuid", "type", "record.data", "record.startAt", "record.endAt")


def connector(source):
    return ObjectenConnector(source.to_config())


def objecten(params=None, fields=ALL_FIELDS):
    return ConnectorRequest(operation="objecten", params=params or {"bsn": BSN}, fields=tuple(fields))


def sent_query(call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query, keep_blank_values=True)


@responses.activate
def test_objecten_sends_the_type_and_data_attr_filters_the_fields_and_the_token(objecten_source):
    responses.get(OBJECTS_URL, json=page([PARKEERVERGUNNING, AFVALPAS]))

    result = connector(objecten_source).run(objecten())

    assert len(responses.calls) == 1
    sent = responses.calls[0].request
    assert sent.url.startswith(OBJECTS_URL + "?")
    assert sent_query(responses.calls[0]) == {
        "type": [OBJECTTYPE],
        "data_attr": ["bsn__exact__999993653"],
        "fields": ["uuid,type,record__data,record__startAt,record__endAt"],
        "page": ["1"],
        "pageSize": ["100"],
    }
    assert sent.headers["Authorization"] == "Token objecten-secret"
    assert sent.headers["Accept-Crs"] == "EPSG:4326"
    assert sent.headers["Accept"] == "application/json"
    assert result.status is Status.OK
    assert [o["uuid"] for o in result.data] == [PARKEERVERGUNNING["uuid"], AFVALPAS["uuid"]]
    assert result.detail == ""
    assert result.fields_requested == ("uuid", "type", "record__data", "record__startAt", "record__endAt")


@responses.activate
def test_without_record_data_allowed_only_the_type_and_the_data_attribute_are_asked_for(objecten_source):
    responses.get(OBJECTS_URL, json=page([PARKEERVERGUNNING]))

    connector(objecten_source).run(objecten(fields=("record.startAt",)))

    assert sent_query(responses.calls[0])["fields"] == ["type,record__startAt,record__data__bsn"]


@responses.activate
def test_a_nested_data_attribute_is_written_with_double_underscores_and_checked_nested(
    objecten_service, objecten_options
):
    from connectors.models import Source

    source = Source.objects.create(
        name="bedrijfsobjecten", connector="objecten", service=objecten_service, timeout=2.0,
        options=dict(objecten_options, data_attribute="eigenaar.kvkNummer"),
    )
    mine = an_object("4f3b5e60-7c8d-4e9f-a0b1-2c3d4e5f6071", data={"eigenaar": {"kvkNummer": "90004760"}})
    flat = an_object("5a4c6f71-8d9e-4fa0-b1c2-3d4e5f607182", data={"kvkNummer": "90004760"})
    responses.get(OBJECTS_URL, json=page([mine, flat]))

    result = connector(source).run(objecten({"kvk": "90004760"}))

    query = sent_query(responses.calls[0])
    assert query["data_attr"] == ["eigenaar__kvkNummer__exact__90004760"]
    assert query["fields"] == ["uuid,type,record__data,record__startAt,record__endAt"]
    assert [o["uuid"] for o in result.data] == [mine["uuid"]]
    assert "Dropped 1 object(s)" in result.detail


@responses.activate
def test_objects_of_another_objecttype_or_another_subject_are_dropped_and_reported(objecten_source):
    # What an Objects API answers when it ignored a misspelt filter: everyone's objects.
    foreign_type = an_object("6b5d7082-9eaf-4b01-82d3-4e5f60718293", objecttype=OTHER_OBJECTTYPE)
    someone_else = an_object("7c6e8193-afb0-4c12-93e4-5f6071829304", bsn=OTHER_BSN)
    no_attribute = an_object("8d7f92a4-b0c1-4d23-a4f5-607182930415", data={"soort": "afvalpas"})
    responses.get(OBJECTS_URL, json=page([foreign_type, PARKEERVERGUNNING, someone_else, no_attribute]))

    result = connector(objecten_source).run(objecten())

    assert result.status is Status.OK
    assert [o["uuid"] for o in result.data] == [PARKEERVERGUNNING["uuid"]]
    assert "Dropped 3 object(s)" in result.detail
    assert "may have ignored a filter" in result.detail
    assert OTHER_BSN not in result.detail and BSN not in result.detail


@responses.activate
def test_a_numeric_data_value_counts_as_the_same_subject_like_the_apis_exact_filter(objecten_source):
    numeric = an_object("9e80a3b5-c1d2-4e34-b5a6-718293041526", data={"bsn": 999993653})
    text_other = an_object("af91b4c6-d2e3-4f45-86b7-829304152637", data={"bsn": "99999365"})
    responses.get(OBJECTS_URL, json=page([numeric, text_other]))

    result = connector(objecten_source).run(objecten())

    assert [o["uuid"] for o in result.data] == [numeric["uuid"]]


@responses.activate
def test_pages_are_requested_by_number_and_the_next_url_is_never_fetched(objecten_source):
    first = [an_object(f"00000000-0000-4000-8000-00000000000{i}") for i in range(3)]
    second = [an_object("00000000-0000-4000-8000-000000000009")]
    responses.get(
        OBJECTS_URL,
        json=page(first, count=4, next_url="https://evil.example.com/api/v2/objects?page=2"),
        match=[responses.matchers.query_param_matcher({"page": "1"}, strict_match=False)],
    )
    responses.get(
        OBJECTS_URL,
        json=page(second, count=4, previous="https://evil.example.com/api/v2/objects?page=1"),
        match=[responses.matchers.query_param_matcher({"page": "2"}, strict_match=False)],
    )

    result = connector(objecten_source).run(objecten())

    assert [sent_query(c)["page"] for c in responses.calls] == [["1"], ["2"]]
    assert all(c.request.url.startswith(API_ROOT) for c in responses.calls)
    assert all(sent_query(c)["data_attr"] == ["bsn__exact__999993653"] for c in responses.calls)
    assert len(result.data) == 4
    assert result.detail == ""


@responses.activate
def test_the_cap_stops_paging_and_says_so(objecten_service, objecten_options):
    from connectors.models import Source

    source = Source.objects.create(
        name="capped", connector="objecten", service=objecten_service, timeout=2.0,
        options=dict(objecten_options, max_objects=3),
    )
    first = [an_object(f"00000000-0000-4000-8000-00000000000{i}") for i in range(3)]
    responses.get(OBJECTS_URL, json=page(first, count=7, next_url=OBJECTS_URL + "?page=2"))

    result = connector(source).run(objecten())

    assert len(responses.calls) == 1
    assert sent_query(responses.calls[0])["pageSize"] == ["3"]
    assert len(result.data) == 3
    assert "Stopped at max_objects=3: showing the first 3 of 7 objects." in result.detail


@responses.activate
def test_no_objects_is_ok_with_an_empty_list(objecten_source):
    responses.get(OBJECTS_URL, json=page([]))

    result = connector(objecten_source).run(objecten())

    assert result.status is Status.OK
    assert result.data == []
    assert result.detail == "No objects of this objecttype for this subject."


@responses.activate
def test_withheld_fields_are_named_in_the_detail(objecten_source):
    responses.get(
        OBJECTS_URL, json=page([PARKEERVERGUNNING]),
        headers={"X-Unauthorized-Fields": f"{OBJECTTYPE}(1):record__data__kenteken"},
    )

    result = connector(objecten_source).run(objecten())

    assert "withheld fields for this token" in result.detail
    assert "record__data__kenteken" in result.detail


@pytest.mark.parametrize("value", ["9999__93653", "999,993653", "1|2", "", None])
@responses.activate
def test_a_subject_value_that_would_change_the_filter_is_refused_without_a_call(objecten_source, value):
    result = connector(objecten_source).run(objecten({"bsn": value}))

    assert result.status is Status.ERROR
    assert len(responses.calls) == 0


@responses.activate
def test_a_problem_json_400_gives_an_error_with_the_invalid_param_names(objecten_source):
    responses.get(
        OBJECTS_URL,
        status=400,
        content_type="application/problem+json",
        json={
            "type": "http://objecten.example.nl/ref/fouten/ValidationError/",
            "code": "invalid",
            "title": "Invalid input.",
            "status": 400,
            "detail": "",
            "instance": "urn:uuid:8f5a3c3e-9a8b-4a5e-9f1c-0b6d2b7e4c11",
            "invalidParams": [
                {"name": "type", "code": "invalid_choice", "reason": "Selecteer een geldige keuze."}
            ],
        },
    )

    result = connector(objecten_source).run(objecten())

    assert result.status is Status.ERROR
    assert result.data is None
    assert "HTTP 400" in result.detail and "invalid: type" in result.detail


@pytest.mark.parametrize(
    "code, words",
    [(401, "refused IKO's credentials"), (403, "refused IKO's credentials"), (500, "failed or is unavailable")],
)
@responses.activate
def test_http_errors_give_an_error_status_with_a_clear_detail(objecten_source, code, words):
    responses.get(OBJECTS_URL, status=code, body="")

    result = connector(objecten_source).run(objecten())

    assert result.status is Status.ERROR
    assert words in result.detail and f"HTTP {code}" in result.detail


@responses.activate
def test_a_timeout_gives_a_timeout_status(objecten_source):
    responses.get(OBJECTS_URL, body=requests.ReadTimeout("read timed out"))

    result = connector(objecten_source).run(objecten())

    assert result.status is Status.TIMEOUT


@pytest.mark.parametrize("body", ["<html>proxy</html>", '{"count": 1}', "[]"])
@responses.activate
def test_an_answer_that_is_not_an_object_list_gives_an_error(objecten_source, body):
    responses.get(OBJECTS_URL, body=body, content_type="application/json")

    result = connector(objecten_source).run(objecten())

    assert result.status is Status.ERROR
    assert result.data is None


@responses.activate
def test_a_misconfigured_source_fails_without_a_call(objecten_service):
    from connectors.models import Source

    source = Source.objects.create(
        name="broken", connector="objecten", service=objecten_service, timeout=2.0,
        options={"objecttype": OBJECTTYPE, "data_attribute": "bsn&type=x"},
    )

    result = connector(source).run(objecten())

    assert result.status is Status.ERROR
    assert "misconfigured" in result.detail
    assert len(responses.calls) == 0


@responses.activate
def test_check_connection_asks_for_one_uuid_and_no_data(objecten_source):
    responses.get(OBJECTS_URL, json={"count": 12, "next": None, "previous": None, "results": [{"uuid": PARKEERVERGUNNING["uuid"]}]})

    check = connector(objecten_source).check_connection()

    assert check.ok
    assert "12 object(s)" in check.detail
    query = sent_query(responses.calls[0])
    assert query == {"type": [OBJECTTYPE], "fields": ["uuid"], "page": ["1"], "pageSize": ["1"]}


@responses.activate
def test_check_connection_reports_an_unknown_objecttype(objecten_source):
    responses.get(
        OBJECTS_URL, status=400, content_type="application/problem+json",
        json={"title": "Invalid input.", "status": 400, "invalidParams": [{"name": "type", "code": "invalid_choice", "reason": "x"}]},
    )

    check = connector(objecten_source).check_connection()

    assert not check.ok
    assert "invalid: type" in check.detail


def test_options_are_cleaned_with_a_default_cap():
    cleaned = ObjectenConnector.validate_options({"objecttype": OBJECTTYPE, "data_attribute": "eigenaar.bsn"})

    assert cleaned == {"objecttype": OBJECTTYPE, "data_attribute": "eigenaar.bsn", "geometry_search": False,
                       "max_objects": 100}


@pytest.mark.parametrize(
    "options, words",
    [
        ({"data_attribute": "bsn"}, "Give 'objecttype'"),
        ({"objecttype": "not a url", "data_attribute": "bsn"}, "must be an http(s) URL"),
        ({"objecttype": "ftp://objecten.example.nl/x", "data_attribute": "bsn"}, "must be an http(s) URL"),
        ({"objecttype": OBJECTTYPE}, "Give 'data_attribute'"),
        ({"objecttype": OBJECTTYPE, "data_attribute": "eigenaar__bsn"}, "single underscores"),
        ({"objecttype": OBJECTTYPE, "data_attribute": "bsn&type=x"}, "single underscores"),
        ({"objecttype": OBJECTTYPE, "data_attribute": "a..b"}, "single underscores"),
        ({"objecttype": OBJECTTYPE, "data_attribute": "_bsn"}, "single underscores"),
        ({"objecttype": OBJECTTYPE, "data_attribute": "bsn", "max_objects": 0}, "'max_objects'"),
        ({"objecttype": OBJECTTYPE, "data_attribute": "bsn", "max_objects": "10"}, "'max_objects'"),
        ({"objecttype": OBJECTTYPE, "data_attribute": "bsn", "objectype": "x"}, "Unknown options: objectype"),
    ],
)
def test_invalid_options_are_refused_with_a_readable_message(options, words):
    with pytest.raises(ValidationError) as excinfo:
        ObjectenConnector.validate_options(options)

    assert any(words in message for message in excinfo.value.messages)


def test_the_operation_declares_the_documented_object_shape():
    operation = ObjectenConnector.operations["objecten"]

    assert operation.many and operation.subject_types == ("bsn", "kvk")
    assert set(OBJECT_FIELDS) == {
        "url", "uuid", "type", "record.index", "record.typeVersion", "record.data",
        "record.startAt", "record.endAt", "record.registrationAt",
    }
