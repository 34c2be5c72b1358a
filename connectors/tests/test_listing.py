"""Tests of the shared list reader (connectors/listing.py) with `responses`: the pages it asks for,
where it stops, what it drops, and when a list with strangers is an error."""

from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from connectors.base import ConnectorError, Status
from connectors.http import SourceHttp
from connectors.listing import REFUSE, ListRequest, Paging, collect, drf_page

ROOT = "https://brp.example.org/haalcentraal/api/brp/"
ITEMS = ROOT + "items"


def page(results, next_url=None, count=None):
    return {"count": count, "next": next_url, "previous": None, "results": results}


def sent():
    return [parse_qs(urlsplit(c.request.url).query) for c in responses.calls]


def read(http, *, cap=10, page_size=2, **kwargs):
    paging = kwargs.pop("paging", None) or Paging(read=drf_page("Register"), page_size=page_size)
    return collect(http, ListRequest("items", {"bsn": "999993653"}), paging=paging, cap=cap, title="Register", **kwargs)


@pytest.fixture
def http(brp_source):
    return SourceHttp(brp_source.to_config())


@responses.activate
def test_numbered_pages_carry_our_own_query_and_stop_at_the_last_page(http):
    responses.get(ITEMS, json=page([{"n": 1}, {"n": 2}], next_url=ITEMS + "?page=2", count=3))
    responses.get(ITEMS, json=page([{"n": 3}], count=3))

    found = read(http)

    assert sent() == [{"bsn": ["999993653"], "pageSize": ["2"], "page": ["1"]},
                      {"bsn": ["999993653"], "pageSize": ["2"], "page": ["2"]}]
    assert [i["n"] for i in found.items] == [1, 2, 3]
    assert (found.read, found.count, found.cut, found.pages) == (3, 3, False, 2)


@responses.activate
def test_the_cap_stops_the_reading_and_says_the_list_was_cut(http):
    responses.get(ITEMS, json=page([{"n": 1}, {"n": 2}], next_url=ITEMS + "?page=2", count=9))

    found = read(http, cap=2)

    assert len(responses.calls) == 1
    assert (len(found.items), found.cut) == (2, True)


@responses.activate
def test_items_that_do_not_belong_are_dropped_and_counted(http):
    responses.get(ITEMS, json=page([{"bsn": "999993653"}, {"bsn": "999993847"}, "junk"]))

    found = read(http, keep=lambda item: item if isinstance(item, dict) and item["bsn"] == "999993653" else None)

    assert found.items == [{"bsn": "999993653"}] and found.dropped == 2


@responses.activate
def test_strangers_with_more_pages_are_an_error_when_refused_and_nothing_more_is_read(http):
    responses.get(ITEMS, json=page([{"bsn": "999993847"}, {"bsn": "999993653"}], next_url=ITEMS + "?page=2", count=500))

    with pytest.raises(ConnectorError, match="1 items not shown to belong to this subject") as caught:
        read(http, keep=lambda item: item if item["bsn"] == "999993653" else None, strangers=REFUSE)

    assert caught.value.status is Status.ERROR and len(responses.calls) == 1


@responses.activate
def test_next_links_are_followed_only_under_the_api_root(http):
    following = Paging(read=drf_page("Register"), page_param=None, size_param=None)
    responses.get(ITEMS, json=page([{"n": 1}], next_url=ROOT + "items?cursor=b"))
    responses.get(ITEMS, json=page([{"n": 2}], next_url="https://evil.example/items?cursor=c"))

    found = read(http, paging=following)

    assert [c.request.url for c in responses.calls] == [ITEMS + "?bsn=999993653", ROOT + "items?cursor=b"]
    assert (found.cut, found.stopped) == (True, "next_foreign")


@responses.activate
def test_enough_stops_after_the_page_that_gave_what_was_needed(http):
    responses.get(ITEMS, json=page([{"n": 1}, {"n": 2}], next_url=ITEMS + "?page=2"))

    found = read(http, enough=lambda items: len(items) >= 2)

    assert len(responses.calls) == 1 and not found.cut


@responses.activate
def test_an_error_answer_becomes_the_sources_error_and_a_not_found_after_the_first_page_ends_the_list(http):
    responses.get(ITEMS, status=503, body="")
    with pytest.raises(ConnectorError, match=r"Register failed or is unavailable \(HTTP 503\)"):
        read(http)

    responses.replace(responses.GET, ITEMS, json=page([{"n": 1}, {"n": 2}], next_url=ITEMS + "?page=2"))
    responses.add(responses.GET, ITEMS, status=404)
    found = read(http, answer=lambda response: _not_found_or_json(response))
    assert [i["n"] for i in found.items] == [1, 2] and not found.cut


def _not_found_or_json(response):
    if response.status_code == 404:
        raise ConnectorError("Nothing here.", Status.NOT_FOUND)
    return response.json()


@responses.activate
def test_all_pages_share_the_sources_timeout(http):
    ticks = iter([100.0, 101.99])
    responses.get(ITEMS, json=page([{"n": 1}, {"n": 2}], next_url=ITEMS + "?page=2"))

    with pytest.raises(ConnectorError, match="did not deliver all pages within 2 s") as caught:
        read(http, clock=lambda: next(ticks))

    assert caught.value.status is Status.TIMEOUT and len(responses.calls) == 1


@responses.activate
def test_a_page_without_results_is_an_error(http):
    responses.get(ITEMS, json={"detail": "unexpected"})

    with pytest.raises(ConnectorError, match="answered without a 'results' list"):
        read(http)
