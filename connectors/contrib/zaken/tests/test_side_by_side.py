"""The Zaken connector's requests that do not wait for each other: zaken and rollen together, the
rollen reading on only as far as the zaken listed so far need, and the zaaktype lookups side by
side (with `responses` callbacks that answer only once the other request has arrived)."""

from __future__ import annotations

import json
import threading

import responses
from responses import matchers

from connectors.base import Status
from connectors.contrib.catalogi import reference_cache

from . import samples as s
from .recorded import sorted_paths
from .test_plugin import ROLLEN, ZAKEN, run, zaken_answer


def meets(other: threading.Event, own: threading.Event, answer: dict):
    """A `responses` callback that answers only once the other request has arrived too: a call
    that made its requests one after the other would wait here in vain (and fail the test)."""

    def callback(request):
        own.set()
        assert other.wait(5), "the other request was not sent while this one was under way"
        return 200, {"Content-Type": "application/json"}, json.dumps(answer)

    return callback


@responses.activate
def test_zaken_and_rollen_are_asked_for_at_the_same_moment(zaken_source):
    zaken_sent, rollen_sent = threading.Event(), threading.Event()
    responses.add_callback(responses.GET, ZAKEN, callback=meets(rollen_sent, zaken_sent, zaken_answer(1, 2)))
    responses.add_callback(responses.GET, ROLLEN, callback=meets(
        zaken_sent, rollen_sent, s.page([s.persoon_rol(1), s.persoon_rol(2)])))

    result = run(zaken_source)

    assert result.status is Status.OK, result.detail
    assert [z["url"] for z in result.data] == [s.zaak_url(1), s.zaak_url(2)]


@responses.activate
def test_the_rollen_wait_for_the_next_zaken_page_when_every_zaak_so_far_is_confirmed(zaken_source):
    # Zaak 1 (page 1) is confirmed by rollen page 1; whether rollen page 2 is needed depends on
    # zaken page 2. Here it is not: zaak 2 is confirmed on rollen page 1 as well.
    page2 = f"{ZAKEN}?page=2"
    responses.get(ZAKEN, match=[matchers.query_param_matcher({"page": "2"})], json=zaken_answer(2, count=2))
    responses.get(ZAKEN, json=zaken_answer(1, next_url=page2, count=2))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(1), s.persoon_rol(2)], next_url=ROLLEN + "?page=2", count=9))

    result = run(zaken_source)

    assert sorted_paths() == ["/zaken/api/v1/rollen", "/zaken/api/v1/zaken", "/zaken/api/v1/zaken"]
    assert [z["url"] for z in result.data] == [s.zaak_url(1), s.zaak_url(2)]


@responses.activate
def test_with_catalogi_the_zaaktypen_are_looked_up_side_by_side_once_the_zaken_list_is_in(catalogi_source):
    reference_cache.clear()
    zaken = [s.zaak(1, with_status=False), s.zaak(2, zaaktype_name="bezwaar", with_status=False)]
    responses.get(ZAKEN, json=s.page(zaken))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(1), s.persoon_rol(2)]))
    parkeren_sent, bezwaar_sent = threading.Event(), threading.Event()
    responses.add_callback(responses.GET, s.zaaktype_url("parkeervergunning"),
                           callback=meets(bezwaar_sent, parkeren_sent, s.zaaktype()))
    responses.add_callback(responses.GET, s.zaaktype_url("bezwaar"),
                           callback=meets(parkeren_sent, bezwaar_sent, s.zaaktype("bezwaar", "Bezwaar")))

    result = run(catalogi_source, fields=("identificatie", "zaaktype.omschrijving"))

    assert result.status is Status.OK, result.detail
    assert [z["zaaktype"]["omschrijving"] for z in result.data] == ["Aanvraag parkeervergunning", "Bezwaar"]
    assert len(responses.calls) == 4 and result.detail == ""
