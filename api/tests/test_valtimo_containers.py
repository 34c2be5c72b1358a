"""Unit tests of `containerParam`: Base64 in both alphabets, Spring/Jackson pageables, the filter
suffixes (`~`, `>=`, `<`, comma lists, `[a, b]`), sorting and paging, and never mutating the view."""

from __future__ import annotations

import base64
import copy
import json

import pytest

from api.valtimo_containers import (
    ContainerParamInvalid,
    apply_containers,
    decode_base64,
    decode_container_param,
    page_items,
    parse_filters,
    parse_pageable,
)

ZAKEN = [
    {"identificatie": "ZAAK-1", "omschrijving": "Aanvraag parkeervergunning", "startdatum": "2024-01-10", "bedrag": 50, "status": {"code": "open"}},
    {"identificatie": "ZAAK-2", "omschrijving": "Bezwaar WOZ", "startdatum": "2024-03-01", "bedrag": 120, "status": {"code": "gesloten"}},
    {"identificatie": "ZAAK-3", "omschrijving": "Melding openbare ruimte", "startdatum": "2023-11-20", "bedrag": 5, "status": {"code": "open"}},
    {"identificatie": "ZAAK-4", "omschrijving": "Aanvraag bijstand", "startdatum": "2024-02-15", "status": {"code": "open"}},
]

# Spring's PageRequest as Jackson writes it: the Sort keeps only its flags.
JACKSON_PAGE_REQUEST = {
    "pageNumber": 0, "pageSize": 2, "offset": 0, "paged": True, "unpaged": False,
    "sort": {"empty": True, "sorted": False, "unsorted": True},
}


def encode(document, *, urlsafe=True, padded=True) -> str:
    raw = json.dumps(document).encode()
    text = (base64.urlsafe_b64encode(raw) if urlsafe else base64.b64encode(raw)).decode()
    return text if padded else text.rstrip("=")


def ids(page):
    return [item["identificatie"] for item in page["content"]]


@pytest.mark.parametrize("urlsafe", [True, False])
@pytest.mark.parametrize("padded", [True, False])
def test_a_container_param_is_read_in_both_alphabets_with_or_without_padding(urlsafe, padded):
    # "ü?>" gives '+' / '/' in the standard alphabet and '-' / '_' in the URL-safe one.
    document = {"containerId": "zaken", "pageable": JACKSON_PAGE_REQUEST, "filters": {"omschrijving~": "ü?>"}}

    param = decode_container_param(encode(document, urlsafe=urlsafe, padded=padded))

    assert param.container_id == "zaken"
    assert param.pageable.page == 0 and param.pageable.size == 2 and param.pageable.sort == ()
    assert param.filters[0].operator == "contains" and param.filters[0].values == ("ü?>",)


def test_a_plus_that_a_query_string_turned_into_a_space_is_read_as_a_plus():
    text = encode({"containerId": "zaken", "filters": {"x": "ü?>ü?>"}}, urlsafe=False)
    assert "+" in text
    assert decode_container_param(text.replace("+", " ")).filters[0].values == ("ü?>ü?>",)


@pytest.mark.parametrize(
    "text",
    ["", "!!!!", "a", "eyJ", base64.b64encode(b"not json").decode(), base64.b64encode(b"[1, 2]").decode(),
     base64.b64encode(b'{"pageable": null}').decode(), base64.b64encode(b'{"containerId": 5}').decode(),
     base64.b64encode(b"\xff\xfe").decode(), base64.b64encode(b'{"containerId": "z", "x": NaN}').decode(),
     "A" * 20000],
)
def test_an_unreadable_container_param_is_refused_with_a_reason(text):
    with pytest.raises(ContainerParamInvalid):
        decode_container_param(text)


def test_base64_ignores_surrounding_whitespace_and_line_breaks_and_refuses_other_characters():
    assert decode_base64(" e3\n0=\n") == b"{}"
    with pytest.raises(ContainerParamInvalid):
        decode_base64("e3$0")


@pytest.mark.parametrize(
    ("pageable", "page", "size", "sort"),
    [
        (None, 0, None, ()),
        ("INSTANCE", 0, None, ()),  # Jackson's Pageable.unpaged()
        ({"paged": False, "unpaged": True}, 0, None, ()),
        (JACKSON_PAGE_REQUEST, 0, 2, ()),
        ({"pageNumber": "1", "pageSize": "10", "sort": {"orders": [{"property": "identificatie", "direction": "DESC"}]}}, 1, 10, ((("identificatie",), True),)),
        ({"page": 2, "size": 5, "sort": [{"property": "startdatum", "direction": "asc"}, {"property": "bedrag", "direction": "DESC"}]}, 2, 5, ((("startdatum",), False), (("bedrag",), True))),
        ({"page": 0, "size": 5, "sort": "startdatum,desc"}, 0, 5, ((("startdatum",), True),)),
        ("page=1&size=3&sort=status.code,asc", 1, 3, ((("status", "code"), False),)),
        ({"pageNumber": 0, "pageSize": 5000}, 0, 1000, ()),  # capped
    ],
)
def test_pageables_in_the_shapes_clients_send_are_understood(pageable, page, size, sort):
    parsed = parse_pageable(pageable)
    assert (parsed.page, parsed.size) == (page, size)
    assert tuple((o.path, o.descending) for o in parsed.sort) == sort


@pytest.mark.parametrize("pageable", [{"pageNumber": -1, "pageSize": 10}, {"pageNumber": 0, "pageSize": 0}, {"pageSize": True}, [1], {"pageSize": "ten"}])
def test_an_impossible_pageable_is_refused(pageable):
    with pytest.raises(ContainerParamInvalid):
        parse_pageable(pageable)


def run(filters, pageable=None):
    param = decode_container_param(encode({"containerId": "zaken", "pageable": pageable, "filters": filters}))
    return page_items(ZAKEN, param)


def test_a_plain_filter_is_equality_and_ignores_case():
    assert ids(run({"status.code": "OPEN"})) == ["ZAAK-1", "ZAAK-3", "ZAAK-4"]


def test_the_tilde_suffix_means_contains():
    assert ids(run({"omschrijving~": "aanvraag"})) == ["ZAAK-1", "ZAAK-4"]


def test_greater_or_equal_and_less_than_compare_dates():
    assert ids(run({"startdatum>=": "2024-01-10", "startdatum<": "2024-03-01"})) == ["ZAAK-1", "ZAAK-4"]


def test_comparisons_of_numbers_are_numeric_and_an_item_without_the_field_does_not_match():
    assert ids(run({"bedrag>=": "50"})) == ["ZAAK-1", "ZAAK-2"]
    assert ids(run({"bedrag<": 100})) == ["ZAAK-1", "ZAAK-3"]


@pytest.mark.parametrize("value", ["ZAAK-1,ZAAK-3", "[ZAAK-1, ZAAK-3]", ["ZAAK-1", "ZAAK-3"]])
def test_a_comma_list_a_kotlin_list_text_or_an_array_means_any_of_them(value):
    assert ids(run({"identificatie": value})) == ["ZAAK-1", "ZAAK-3"]


def test_a_json_pointer_names_a_field_too():
    assert ids(run({"/status/code": "gesloten"})) == ["ZAAK-2"]


def test_an_empty_filter_value_filters_nothing():
    assert len(run({"omschrijving~": "", "identificatie": []})["content"]) == 4


def test_a_comparison_with_two_values_is_refused():
    with pytest.raises(ContainerParamInvalid):
        parse_filters({"startdatum>=": "2024-01-01,2024-02-01"})


@pytest.mark.parametrize("filters", [["a"], {"": "x"}, {">=": "x"}, {"a": {"b": 1}}, {f"f{i}": "x" for i in range(51)}])
def test_impossible_filters_are_refused(filters):
    with pytest.raises(ContainerParamInvalid):
        parse_filters(filters)


def test_a_brp_date_object_compares_by_its_datum():
    kinderen = [{"naam": "A", "geboorte": {"datum": {"type": "Datum", "datum": "2010-05-01"}}},
                {"naam": "B", "geboorte": {"datum": {"type": "Datum", "datum": "2001-05-01"}}}]
    param = decode_container_param(encode({"containerId": "kinderen", "filters": {"geboorte.datum>=": "2005-01-01"}}))
    assert [k["naam"] for k in page_items(kinderen, param)["content"]] == ["A"]


def test_paging_counts_from_zero_and_reports_the_total_after_filtering():
    first = run({"status.code": "open"}, {"pageNumber": 0, "pageSize": 2, "sort": [{"property": "startdatum", "direction": "ASC"}]})
    second = run({"status.code": "open"}, {"pageNumber": 1, "pageSize": 2, "sort": [{"property": "startdatum", "direction": "ASC"}]})

    assert ids(first) == ["ZAAK-3", "ZAAK-1"] and ids(second) == ["ZAAK-4"]
    assert first["totalElements"] == second["totalElements"] == 3
    assert first["totalPages"] == 2 and second["number"] == 1 and second["size"] == 2


def test_sorting_descending_puts_items_without_the_field_last():
    page = run({}, {"page": 0, "size": 10, "sort": "bedrag,desc"})
    assert ids(page) == ["ZAAK-2", "ZAAK-1", "ZAAK-3", "ZAAK-4"]


def test_unpaged_gives_everything_with_the_total():
    page = run({}, "INSTANCE")
    assert len(page["content"]) == page["totalElements"] == 4


def test_the_named_container_is_replaced_by_a_page_and_the_view_itself_is_not_changed():
    view = {"persoon": {"naam": "Suzanne"}, "zaken": ZAKEN}
    before = copy.deepcopy(view)
    param = decode_container_param(encode({"containerId": "zaken", "pageable": {"pageNumber": 0, "pageSize": 1}}))

    data, unknown = apply_containers(view, [param])

    assert view == before  # may be shared with other requests in flight
    assert data["persoon"] is view["persoon"]
    assert data["zaken"]["totalElements"] == 4 and len(data["zaken"]["content"]) == 1
    assert unknown == []


def test_a_nested_container_is_found_by_pointer_dot_path_or_breadth_first_name():
    view = {"partij": {"naam": "x", "klantcontacten": [{"id": 1}, {"id": 2}]}}
    for container_id in ("/partij/klantcontacten", "partij.klantcontacten", "klantcontacten"):
        param = decode_container_param(encode({"containerId": container_id, "pageable": {"page": 0, "size": 1}}))
        data, unknown = apply_containers(view, [param])
        assert data["partij"]["klantcontacten"]["content"] == [{"id": 1}], container_id
        assert unknown == []


def test_an_unknown_container_or_a_single_object_is_left_alone_and_reported():
    view = {"persoon": {"naam": "x"}}
    params = [decode_container_param(encode({"containerId": name})) for name in ("zaken", "persoon")]
    data, unknown = apply_containers(view, params)
    assert data == view and unknown == ["zaken", "persoon"]


def test_a_container_named_by_the_object_that_holds_one_array_pages_that_array():
    view = {"gezinsprofiel": {"mantelzorg": "x", "gezin": {"kinderen": [{"naam": "A"}, {"naam": "B"}, {"naam": "C"}]}}}
    param = decode_container_param(encode({"containerId": "gezin", "pageable": {"pageNumber": 1, "pageSize": 2}}))

    data, unknown = apply_containers(view, [param])

    assert data["gezinsprofiel"]["gezin"]["kinderen"]["content"] == [{"naam": "C"}]
    assert data["gezinsprofiel"]["gezin"]["kinderen"]["totalElements"] == 3 and unknown == []


def test_a_missing_collection_becomes_an_empty_page():
    data, _ = apply_containers({"zaken": None}, [decode_container_param(encode({"containerId": "zaken"}))])
    assert data["zaken"]["content"] == [] and data["zaken"]["totalElements"] == 0


def test_when_a_container_is_named_twice_the_last_param_counts():
    first = decode_container_param(encode({"containerId": "zaken", "filters": {"identificatie": "ZAAK-1"}}))
    last = decode_container_param(encode({"containerId": "zaken", "filters": {"identificatie": "ZAAK-2"}}))
    data, _ = apply_containers({"zaken": ZAKEN}, [first, last])
    assert ids(data["zaken"]) == ["ZAAK-2"]
