"""Tests of the ZGW Zaken connector with `responses`: what it sends and how it reads answers."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
import responses
from django.core.exceptions import ValidationError
from responses import matchers

from connectors.base import ConnectorRequest, Status
from connectors.contrib.zaken import session as session_module
from connectors.contrib.catalogi import reference_cache
from connectors.contrib.zaken.fields import SUBJECT_ZAAK_FIELDS, ZAAK_FIELDS
from connectors.contrib.zaken.plugin import ZakenConnector

from . import samples as s
from .recorded import calls_to, sorted_paths
from .conftest import CLIENT_ID, SECRET

ZAKEN = s.ZAKEN_ROOT + "zaken"
ROLLEN = s.ZAKEN_ROOT + "rollen"
BSN_FILTER = "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn"
ROL_BSN_FILTER = "betrokkeneIdentificatie__natuurlijkPersoon__inpBsn"
KVK_FILTER = "rol__betrokkeneIdentificatie__nietNatuurlijkPersoon__kvkNummer"
ROL_KVK_FILTER = "betrokkeneIdentificatie__nietNatuurlijkPersoon__kvkNummer"
ALL_EXPAND = "zaaktype,status,status.statustype"
DISPLAY_FIELDS = ("identificatie", "omschrijving", "startdatum", "zaaktype.omschrijving", "status.omschrijving", "status.datumStatusGezet")


def run(source, operation="zaken_van_persoon", params=None, fields=DISPLAY_FIELDS):
    params = {"bsn": s.BSN} if params is None else params
    return ZakenConnector(source).run(ConnectorRequest(operation, params, tuple(fields)))


def query(call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query, keep_blank_values=True)


def path(call) -> str:
    return urlsplit(call.request.url).path


def zaken_answer(*numbers, expand=True, **page_kwargs):
    items = [s.zaak(n) for n in numbers]
    if expand:
        items = [s.expanded(zaak, n) for zaak, n in zip(items, numbers)]
    return s.page(items, **page_kwargs)


# --- zaken_van_persoon: the requests ---------------------------------------------------------
@responses.activate
def test_zaken_van_persoon_sends_the_bsn_filter_ordering_expand_crs_and_a_zgw_jwt(zaken_source):
    responses.get(ZAKEN, json=zaken_answer(1, 2))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(1), s.persoon_rol(2)]))

    result = run(zaken_source)

    assert result.status is Status.OK, result.detail
    assert len(responses.calls) == 2
    (zaken_call,), (rollen_call,) = calls_to("zaken"), calls_to("rollen")
    assert zaken_call.request.method == "GET"
    assert path(zaken_call) == "/zaken/api/v1/zaken"
    assert query(zaken_call) == {BSN_FILTER: [s.BSN], "ordering": ["-startdatum"], "expand": [ALL_EXPAND]}
    assert zaken_call.request.headers["Accept-Crs"] == "EPSG:4326"
    assert zaken_call.request.headers["Accept"] == "application/json"
    scheme, _, token = zaken_call.request.headers["Authorization"].partition(" ")
    assert scheme == "Bearer"
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert claims["client_id"] == CLIENT_ID and claims["iss"] == CLIENT_ID
    assert path(rollen_call) == "/zaken/api/v1/rollen"
    assert query(rollen_call) == {ROL_BSN_FILTER: [s.BSN]}
    assert rollen_call.request.headers["Authorization"].startswith("Bearer ")
    assert "Accept-Crs" not in rollen_call.request.headers  # GET rollen declares no Accept-Crs


@responses.activate
def test_zaken_van_persoon_returns_compact_zaken_with_zaaktype_and_status_from_expand(zaken_source):
    responses.get(ZAKEN, json=zaken_answer(1, 2))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(1), s.persoon_rol(2, omschrijving_generiek="belanghebbende")]))

    result = run(zaken_source, fields=SUBJECT_ZAAK_FIELDS)

    assert result.detail == ""
    assert len(responses.calls) == 2  # everything came inline
    first, second = result.data
    assert first == {
        "url": s.zaak_url(1),
        "uuid": s.uid("zaak", 1),
        "identificatie": "ZAAK-2025-0000000001",
        "bronorganisatie": "002220647",
        "omschrijving": "Zaak nummer 1",
        "toelichting": "",
        "registratiedatum": "2025-03-01",
        "startdatum": "2025-03-01",
        "einddatumGepland": None,
        "uiterlijkeEinddatumAfdoening": None,
        "einddatum": None,
        "publicatiedatum": None,
        "vertrouwelijkheidaanduiding": "zaakvertrouwelijk",
        "zaaktype": {
            "url": s.zaaktype_url("parkeervergunning"),
            "identificatie": "PARKEERVERGUNNING",
            "omschrijving": "Aanvraag parkeervergunning",
        },
        "status": {
            "url": s.status_url(1),
            "datumStatusGezet": "2025-03-04T10:00:00Z",
            "statustoelichting": "Doorgezet naar vakafdeling.",
            "omschrijving": "In behandeling",
            "isEindstatus": False,
        },
        "betrokkeneRollen": [{"omschrijving": "Aanvrager", "omschrijvingGeneriek": "initiator"}],
    }
    assert second["betrokkeneRollen"] == [{"omschrijving": "Belanghebbende", "omschrijvingGeneriek": "belanghebbende"}]


@pytest.mark.parametrize(
    "fields, expand",
    [
        (("identificatie", "zaaktype.url", "status.url"), None),
        (("identificatie", "zaaktype.omschrijving"), "zaaktype"),
        (("status.datumStatusGezet",), "status"),
        (("status.omschrijving",), "status,status.statustype"),
        (("zaaktype", "status"), ALL_EXPAND),
    ],
)
@responses.activate
def test_expand_asks_only_for_what_the_allowed_fields_need(zaken_source, fields, expand):
    responses.get(ZAKEN, json=zaken_answer(1, expand=False))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(1)]))

    run(zaken_source, fields=fields)

    assert query(calls_to("zaken")[0]).get("expand") == ([expand] if expand else None)


@pytest.mark.parametrize("bsn", ["", None, "12345678", "9999936530", "99999365a", "999993653&x=1"])
@responses.activate
def test_a_missing_or_malformed_bsn_is_refused_before_any_call(zaken_source, bsn):
    result = run(zaken_source, params={"bsn": bsn})

    assert result.status is Status.ERROR
    assert "without a valid bsn" in result.detail
    assert len(responses.calls) == 0


@responses.activate
def test_no_zaken_is_an_empty_list_and_the_rollen_asked_beside_them_do_not_matter(zaken_source):
    responses.get(ZAKEN, json=s.page([]))
    responses.get(ROLLEN, status=500, json={"title": "Interne serverfout."})

    result = run(zaken_source)

    assert result.status is Status.OK
    assert result.data == []
    assert len(calls_to("zaken")) == 1 and len(calls_to("rollen")) <= 1


# --- zaken_van_bedrijf -----------------------------------------------------------------------
@responses.activate
def test_zaken_van_bedrijf_filters_on_the_kvk_number_and_checks_the_rol_kvk_number(zaken_source):
    responses.get(ZAKEN, json=zaken_answer(1, 2))
    responses.get(ROLLEN, json=s.page([s.bedrijf_rol(1), s.bedrijf_rol(2, kvk="12345678")]))

    result = run(zaken_source, "zaken_van_bedrijf", {"kvk": s.KVK})

    (zaken_call,), (rollen_call,) = calls_to("zaken"), calls_to("rollen")
    assert query(zaken_call) == {KVK_FILTER: [s.KVK], "ordering": ["-startdatum"], "expand": [ALL_EXPAND]}
    assert query(rollen_call) == {ROL_KVK_FILTER: [s.KVK]}
    assert [z["identificatie"] for z in result.data] == ["ZAAK-2025-0000000001"]
    assert "Dropped 1 zaken" in result.detail


@responses.activate
def test_zaken_van_bedrijf_does_not_accept_a_natural_person_rol_as_the_company(zaken_source):
    persoon_with_kvk_shape = s.persoon_rol(1)
    persoon_with_kvk_shape["betrokkeneIdentificatie"]["kvkNummer"] = s.KVK
    responses.get(ZAKEN, json=zaken_answer(1))
    responses.get(ROLLEN, json=s.page([persoon_with_kvk_shape]))

    result = run(zaken_source, "zaken_van_bedrijf", {"kvk": s.KVK})

    assert result.status is Status.OK and result.data == []


# --- subject ownership ("misspelt filters leak everyone") ------------------------------------
@responses.activate
def test_zaken_that_no_rol_of_the_subject_confirms_are_dropped(zaken_source):
    # As if the API ignored the filter: zaken of everyone come back.
    responses.get(ZAKEN, json=zaken_answer(1, 2, 3))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(2)]))

    result = run(zaken_source)

    assert [z["url"] for z in result.data] == [s.zaak_url(2)]
    assert "Dropped 2 zaken that no rol of this subject confirms." in result.detail


@responses.activate
def test_rollen_of_other_persons_in_the_rollen_answer_confirm_nothing(zaken_source):
    # As if the rollen filter were ignored too: the other person's rol points at zaak 1.
    responses.get(ZAKEN, json=zaken_answer(1, 2))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(1, s.OTHER_BSN), s.medewerker_rol(2), s.persoon_rol(2)]))

    result = run(zaken_source)

    assert [z["url"] for z in result.data] == [s.zaak_url(2)]
    assert "Dropped 1 zaken" in result.detail
    assert "Ignored 2 rollen of other betrokkenen" in result.detail
    assert s.OTHER_BSN not in result.detail and s.BSN not in result.detail


@responses.activate
def test_rollen_pages_stop_as_soon_as_every_zaak_is_confirmed(zaken_source):
    responses.get(ZAKEN, json=zaken_answer(1))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(1)], next_url=ROLLEN + "?page=2&" + ROL_BSN_FILTER + "=" + s.BSN, count=40))

    result = run(zaken_source)

    assert len(responses.calls) == 2
    assert len(result.data) == 1


@responses.activate
def test_rollen_pages_are_followed_until_every_zaak_is_confirmed(zaken_source):
    page2 = f"{ROLLEN}?{ROL_BSN_FILTER}={s.BSN}&page=2"
    responses.get(ROLLEN, match=[matchers.query_param_matcher({ROL_BSN_FILTER: s.BSN, "page": "2"})], json=s.page([s.persoon_rol(2)], count=2))
    responses.get(ROLLEN, match=[matchers.query_param_matcher({ROL_BSN_FILTER: s.BSN})], json=s.page([s.persoon_rol(1)], next_url=page2, count=2))
    responses.get(ZAKEN, json=zaken_answer(1, 2))

    result = run(zaken_source)

    assert sorted_paths() == ["/zaken/api/v1/rollen", "/zaken/api/v1/rollen", "/zaken/api/v1/zaken"]
    assert len(result.data) == 2 and result.detail == ""


# --- pagination ------------------------------------------------------------------------------
@responses.activate
def test_zaken_pages_are_followed_by_their_next_links(zaken_source):
    page2 = f"{ZAKEN}?{BSN_FILTER}={s.BSN}&ordering=-startdatum&expand={ALL_EXPAND}&page=2"
    responses.get(ZAKEN, match=[matchers.query_param_matcher({BSN_FILTER: s.BSN, "ordering": "-startdatum", "expand": ALL_EXPAND, "page": "2"})], json=zaken_answer(3, count=3, previous=ZAKEN))
    responses.get(ZAKEN, match=[matchers.query_param_matcher({BSN_FILTER: s.BSN, "ordering": "-startdatum", "expand": ALL_EXPAND})], json=zaken_answer(1, 2, next_url=page2, count=3))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(n) for n in (1, 2, 3)]))

    result = run(zaken_source)

    assert calls_to("zaken")[1].request.url == page2
    assert [z["identificatie"] for z in result.data] == [f"ZAAK-2025-{n:010d}" for n in (1, 2, 3)]
    assert result.detail == ""


@responses.activate
def test_max_zaken_caps_the_list_and_says_so(make_zaken_source):
    source = make_zaken_source(max_zaken=3)
    page2 = f"{ZAKEN}?page=2"
    responses.get(ZAKEN, match=[matchers.query_param_matcher({"page": "2"})], json=zaken_answer(3, 4, next_url=f"{ZAKEN}?page=3", count=6))
    responses.get(ZAKEN, json=zaken_answer(1, 2, next_url=page2, count=6))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(n) for n in (1, 2, 3, 4)]))

    result = run(source)

    assert sorted_paths() == ["/zaken/api/v1/rollen", "/zaken/api/v1/zaken", "/zaken/api/v1/zaken"]
    assert len(result.data) == 3
    assert "Only the newest 3 of 6 zaken were read (max_zaken)." in result.detail


@responses.activate
def test_a_next_link_outside_the_zaken_server_is_not_followed(zaken_source):
    responses.get(ZAKEN, json=zaken_answer(1, next_url="https://evil.example.com/zaken/api/v1/zaken?page=2", count=2))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(1)]))

    result = run(zaken_source)

    assert all(urlsplit(c.request.url).hostname == "openzaak.example.nl" for c in responses.calls)
    assert len(result.data) == 1
    assert "A 'next' link outside the Zaken server was not followed." in result.detail


@responses.activate
def test_a_next_link_escaping_the_api_root_with_dot_segments_is_not_followed(zaken_source):
    responses.get(ZAKEN, json=zaken_answer(1, next_url=s.ZAKEN_ROOT + "../../../admin/?page=2", count=2))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(1)]))

    result = run(zaken_source)

    assert len(responses.calls) == 2
    assert "not followed" in result.detail


@responses.activate
def test_a_zaak_listed_twice_across_pages_is_returned_once(zaken_source):
    page2 = f"{ZAKEN}?page=2"
    responses.get(ZAKEN, match=[matchers.query_param_matcher({"page": "2"})], json=zaken_answer(2, 3, count=4))
    responses.get(ZAKEN, json=zaken_answer(1, 2, next_url=page2, count=4))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(n) for n in (1, 2, 3)]))

    result = run(zaken_source)

    assert [z["url"] for z in result.data] == [s.zaak_url(1), s.zaak_url(2), s.zaak_url(3)]
    assert result.detail == ""


# --- zaaktype_via "catalogi" -----------------------------------------------------------------
def catalogi_mocks():
    responses.get(s.zaaktype_url("parkeervergunning"), json=s.zaaktype())
    responses.get(s.statustype_url("parkeervergunning"), json=s.statustype())
    for n in (1, 2):
        responses.get(s.status_url(n), json=s.status(n))


@responses.activate
def test_with_catalogi_the_zaaktype_and_statustype_come_from_the_catalogi_server_once_per_url(catalogi_source):
    responses.get(ZAKEN, json=zaken_answer(1, 2, expand=False))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(1), s.persoon_rol(2)]))
    catalogi_mocks()

    result = run(catalogi_source)

    assert "expand" not in query(calls_to("zaken")[0])
    paths = [path(c) for c in responses.calls]
    assert paths.count(urlsplit(s.zaaktype_url("parkeervergunning")).path) == 1
    assert paths.count(urlsplit(s.statustype_url("parkeervergunning")).path) == 1
    assert paths.count(urlsplit(s.status_url(1)).path) == 1 and paths.count(urlsplit(s.status_url(2)).path) == 1
    catalogi_call = next(c for c in responses.calls if "/catalogi/" in c.request.url)
    assert catalogi_call.request.headers["Authorization"].startswith("Bearer ")
    assert "Accept-Crs" not in catalogi_call.request.headers
    assert result.data[0]["zaaktype"]["omschrijving"] == "Aanvraag parkeervergunning"
    assert result.data[1]["status"]["omschrijving"] == "In behandeling"
    assert result.data[1]["status"]["datumStatusGezet"] == "2025-03-04T10:00:00Z"
    assert result.detail == ""


@responses.activate
def test_zaaktypen_are_cached_between_calls_and_refetched_after_the_ttl(catalogi_source, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(reference_cache, "_clock", lambda: now[0])
    responses.get(ZAKEN, json=zaken_answer(1, expand=False))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(1)]))
    catalogi_mocks()
    zaaktype_path = urlsplit(s.zaaktype_url("parkeervergunning")).path

    def zaaktype_calls():
        return sum(1 for c in responses.calls if path(c) == zaaktype_path)

    run(catalogi_source)
    now[0] += 299
    second = run(catalogi_source)
    assert zaaktype_calls() == 1
    assert second.data[0]["zaaktype"]["omschrijving"] == "Aanvraag parkeervergunning"
    now[0] += 2
    run(catalogi_source)
    assert zaaktype_calls() == 2


@responses.activate
def test_a_cache_ttl_of_zero_caches_nothing_between_calls(make_zaken_source):
    source = make_zaken_source(zaaktype_via="catalogi", catalogi_service="openzaak-catalogi", zaaktype_cache_seconds=0)
    responses.get(ZAKEN, json=zaken_answer(1, expand=False))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(1)]))
    catalogi_mocks()

    run(source)
    run(source)

    zaaktype_path = urlsplit(s.zaaktype_url("parkeervergunning")).path
    assert sum(1 for c in responses.calls if path(c) == zaaktype_path) == 2
    assert len(reference_cache) == 0


@responses.activate
def test_a_zaaktype_url_outside_the_catalogi_server_is_not_followed(catalogi_source):
    zaak = s.zaak(1)
    zaak["zaaktype"] = "https://evil.example.com/catalogi/api/v1/zaaktypen/" + s.uid("x")
    responses.get(ZAKEN, json=s.page([zaak]))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(1)]))
    catalogi_mocks()

    result = run(catalogi_source)

    assert all(urlsplit(c.request.url).hostname == "openzaak.example.nl" for c in responses.calls)
    assert result.data[0]["zaaktype"] == {"url": zaak["zaaktype"], "identificatie": None, "omschrijving": None}
    assert "1 zaaktype or statustype URL(s) lie outside the Catalogi server" in result.detail


@responses.activate
def test_a_status_url_outside_the_zaken_server_is_not_followed(catalogi_source):
    zaak = s.zaak(1)
    zaak["status"] = "https://evil.example.com/zaken/api/v1/statussen/" + s.uid("x")
    responses.get(ZAKEN, json=s.page([zaak]))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(1)]))
    catalogi_mocks()

    result = run(catalogi_source)

    assert all(urlsplit(c.request.url).hostname == "openzaak.example.nl" for c in responses.calls)
    assert result.data[0]["status"]["url"] == zaak["status"]
    assert result.data[0]["status"]["datumStatusGezet"] is None
    assert "1 status URL(s) lie outside the Zaken server" in result.detail


@responses.activate
def test_max_status_lookups_bounds_the_status_calls(make_zaken_source):
    source = make_zaken_source(zaaktype_via="catalogi", catalogi_service="openzaak-catalogi", max_status_lookups=1)
    responses.get(ZAKEN, json=zaken_answer(1, 2, expand=False))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(1), s.persoon_rol(2)]))
    catalogi_mocks()

    result = run(source)

    assert sum(1 for c in responses.calls if "/statussen/" in c.request.url) == 1
    assert result.data[0]["status"]["omschrijving"] == "In behandeling"
    assert result.data[1]["status"]["omschrijving"] is None
    assert "1 status(sen) were not fetched: max_status_lookups was reached." in result.detail


@responses.activate
def test_a_failing_catalogi_lookup_leaves_the_name_empty_and_keeps_the_zaak(catalogi_source):
    responses.get(ZAKEN, json=zaken_answer(1, expand=False))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(1)]))
    responses.get(s.zaaktype_url("parkeervergunning"), status=500, json=s.fout(500, "Serverfout.", "error"), content_type="application/problem+json")
    responses.get(s.statustype_url("parkeervergunning"), json=s.statustype())
    responses.get(s.status_url(1), json=s.status(1))

    result = run(catalogi_source)

    assert result.status is Status.OK
    assert result.data[0]["zaaktype"]["omschrijving"] is None
    assert result.data[0]["status"]["omschrijving"] == "In behandeling"
    assert "1 zaaktype, statustype or status lookup(s) failed." in result.detail


@responses.activate
def test_optional_lookups_are_skipped_when_the_time_budget_is_used(catalogi_source, monkeypatch):
    monkeypatch.setattr(session_module, "OPTIONAL_RESERVE", 1.0)
    responses.get(ZAKEN, json=zaken_answer(1, expand=False))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(1)]))

    result = run(catalogi_source)

    assert len(responses.calls) == 2
    assert result.status is Status.OK and result.data[0]["identificatie"] == "ZAAK-2025-0000000001"
    assert "lookup(s) were skipped to stay within the source's timeout" in result.detail


@responses.activate
def test_when_the_server_ignores_expand_the_catalogi_server_is_the_fallback(zaken_source):
    responses.get(ZAKEN, json=zaken_answer(1, expand=False))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(1)]))
    catalogi_mocks()

    result = run(zaken_source)

    assert result.data[0]["zaaktype"]["omschrijving"] == "Aanvraag parkeervergunning"
    assert result.data[0]["status"]["omschrijving"] == "In behandeling"


@responses.activate
def test_without_expand_or_catalogi_the_names_stay_empty_and_detail_says_why(make_zaken_source):
    source = make_zaken_source()
    responses.get(ZAKEN, json=zaken_answer(1, expand=False))
    responses.get(ROLLEN, json=s.page([s.persoon_rol(1)]))
    responses.get(s.status_url(1), json=s.status(1))

    result = run(source)

    assert result.data[0]["zaaktype"]["omschrijving"] is None
    assert "no Catalogi server is configured" in result.detail


# --- zaak (by URL) ---------------------------------------------------------------------------
@responses.activate
def test_zaak_gets_the_url_with_expand_and_crs_and_returns_one_compact_zaak(zaken_source):
    responses.get(s.zaak_url(7), json=s.expanded(s.zaak(7), 7))

    result = run(zaken_source, "zaak", {"url": s.zaak_url(7)}, ZAAK_FIELDS)

    call = responses.calls[0]
    assert call.request.url.split("?")[0] == s.zaak_url(7)
    assert query(call) == {"expand": [ALL_EXPAND]}
    assert call.request.headers["Accept-Crs"] == "EPSG:4326"
    assert result.status is Status.OK
    assert result.data["identificatie"] == "ZAAK-2025-0000000007"
    assert result.data["status"]["omschrijving"] == "In behandeling"
    assert "betrokkeneRollen" not in result.data


@responses.activate
def test_zaak_that_does_not_exist_is_not_found(zaken_source):
    responses.get(s.zaak_url(7), status=404, json=s.fout(404, "Niet gevonden.", "not_found"), content_type="application/problem+json")

    result = run(zaken_source, "zaak", {"url": s.zaak_url(7)}, ZAAK_FIELDS)

    assert result.status is Status.NOT_FOUND


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com/zaken/api/v1/zaken/" + s.uid("zaak", 7),
        "http://openzaak.example.nl/zaken/api/v1/zaken/" + s.uid("zaak", 7),
        s.ZAKEN_ROOT + "rollen/" + s.uid("rol", 7),
        s.ZAKEN_ROOT + "zaken/" + s.uid("zaak", 7) + "?expand=rollen",
        s.ZAKEN_ROOT + "zaken/../../../admin/" + s.uid("zaak", 7),
        s.ZAKEN_ROOT + "zaken",
        "",
        None,
    ],
)
@responses.activate
def test_zaak_refuses_a_url_that_is_not_a_zaak_of_the_zaken_server(zaken_source, url):
    result = run(zaken_source, "zaak", {"url": url}, ZAAK_FIELDS)

    assert result.status is Status.ERROR
    assert "Refused a zaak URL" in result.detail
    assert len(responses.calls) == 0


@responses.activate
def test_zaak_answering_with_another_zaak_is_dropped(zaken_source):
    responses.get(s.zaak_url(7), json=s.zaak(8))

    result = run(zaken_source, "zaak", {"url": s.zaak_url(7)}, ZAAK_FIELDS)

    assert result.status is Status.ERROR and result.data is None


# --- zaken_op_identificatie --------------------------------------------------------------------
@responses.activate
def test_zaken_op_identificatie_sends_the_identificatie_filter_and_returns_compact_zaken(zaken_source):
    responses.get(ZAKEN, json=zaken_answer(7))

    result = run(zaken_source, "zaken_op_identificatie", {"identificatie": "ZAAK-2025-0000000007"}, ZAAK_FIELDS)

    assert result.status is Status.OK, result.detail
    (call,) = responses.calls
    assert path(call) == "/zaken/api/v1/zaken"
    assert query(call) == {"identificatie": ["ZAAK-2025-0000000007"], "ordering": ["-startdatum"], "expand": [ALL_EXPAND]}
    assert call.request.headers["Accept-Crs"] == "EPSG:4326"
    assert call.request.headers["Authorization"].startswith("Bearer ")
    assert [z["identificatie"] for z in result.data] == ["ZAAK-2025-0000000007"]
    assert result.data[0]["zaaktype"]["omschrijving"] == "Aanvraag parkeervergunning"
    assert result.data[0]["status"]["omschrijving"] == "In behandeling"
    assert "betrokkeneRollen" not in result.data[0]
    assert result.detail == ""


@responses.activate
def test_zaken_op_identificatie_narrows_to_one_bronorganisatie_when_asked(zaken_source):
    responses.get(ZAKEN, json=zaken_answer(7))

    result = run(zaken_source, "zaken_op_identificatie",
                 {"identificatie": " ZAAK-2025-0000000007 ", "bronorganisatie": "002220647"}, ("identificatie",))

    assert result.status is Status.OK and len(result.data) == 1
    assert query(responses.calls[0]) == {
        "identificatie": ["ZAAK-2025-0000000007"], "bronorganisatie": ["002220647"], "ordering": ["-startdatum"],
    }


@responses.activate
def test_zaken_op_identificatie_with_no_match_is_an_empty_list(zaken_source):
    responses.get(ZAKEN, json=s.page([]))

    result = run(zaken_source, "zaken_op_identificatie", {"identificatie": "ZAAK-2025-0000000999"}, ZAAK_FIELDS)

    assert result.status is Status.OK
    assert result.data == []
    assert result.detail == "No zaak with this identificatie."


@responses.activate
def test_zaken_op_identificatie_drops_zaken_with_another_identificatie_or_bronorganisatie(zaken_source):
    # A server that ignored the filter answers with every zaak: only the one asked for may pass.
    other_bron = dict(s.zaak(9), identificatie="ZAAK-2025-0000000007", bronorganisatie="123456782")
    responses.get(ZAKEN, json=s.page([s.zaak(7), s.zaak(8), other_bron]))

    result = run(zaken_source, "zaken_op_identificatie",
                 {"identificatie": "ZAAK-2025-0000000007", "bronorganisatie": "002220647"}, ("identificatie", "url"))

    assert [z["url"] for z in result.data] == [s.zaak_url(7)]
    assert "Dropped 2 zaken whose identificatie or bronorganisatie is not the one asked for." in result.detail


@pytest.mark.parametrize("params, status, words", [
    ({"identificatie": "Z" * 41}, Status.ERROR, "without a valid identificatie"),
    ({"identificatie": "ZAAK\n-1"}, Status.ERROR, "without a valid identificatie"),
    ({"identificatie": 7}, Status.ERROR, "without a valid identificatie"),
    ({"identificatie": "ZAAK-1", "bronorganisatie": "12345678"}, Status.ERROR, "RSIN of 9 digits"),
    ({"identificatie": "ZAAK-1", "zaaktype": "x"}, Status.ERROR, "takes no parameter(s) zaaktype"),
    ({"identificatie": ""}, Status.SKIPPED, "No identificatie to look up."),
    ({"identificatie": None}, Status.SKIPPED, "No identificatie to look up."),
    ({}, Status.SKIPPED, "No identificatie to look up."),
])
@responses.activate
def test_zaken_op_identificatie_never_queries_without_a_valid_filter(zaken_source, params, status, words):
    result = run(zaken_source, "zaken_op_identificatie", params, ZAAK_FIELDS)

    assert result.status is status and words in result.detail
    assert len(responses.calls) == 0


@responses.activate
def test_zaken_op_identificatie_follows_pages_up_to_max_zaken(make_zaken_source):
    source = make_zaken_source(max_zaken=2)
    same = [dict(s.zaak(n), identificatie="ZAAK-DUBBEL") for n in (1, 2, 3)]
    responses.get(ZAKEN, json=s.page(same[:2], next_url=f"{ZAKEN}?page=2", count=3))

    result = run(source, "zaken_op_identificatie", {"identificatie": "ZAAK-DUBBEL"}, ("identificatie",))

    assert len(result.data) == 2 and len(responses.calls) == 1
    assert "Only the newest 2 of 3 zaken were read (max_zaken)." in result.detail


# --- errors ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "code, words",
    [(401, "refused IKO's credentials"), (403, "refused IKO's credentials"), (429, "rate limiting"), (500, "failed or is unavailable")],
)
@responses.activate
def test_zgw_problem_answers_give_an_error_with_their_title(zaken_source, code, words):
    responses.get(ZAKEN, status=code, json=s.fout(code, "Je hebt geen toestemming.", "permission_denied"), content_type="application/problem+json")

    result = run(zaken_source)

    assert result.status is Status.ERROR
    assert words in result.detail and f"HTTP {code}" in result.detail
    assert "Je hebt geen toestemming." in result.detail


@responses.activate
def test_a_validation_error_names_the_invalid_parameters(zaken_source):
    problem = dict(s.fout(400, "Invalid input.", "invalid"), invalidParams=[{"name": "ordering", "code": "invalid_choice", "reason": "Ongeldige keuze."}])
    responses.get(ZAKEN, status=400, json=problem, content_type="application/problem+json")

    result = run(zaken_source)

    assert result.status is Status.ERROR
    assert "invalid: ordering" in result.detail


@responses.activate
def test_a_failing_rollen_query_fails_the_call_instead_of_returning_unchecked_zaken(zaken_source):
    responses.get(ZAKEN, json=zaken_answer(1))
    responses.get(ROLLEN, status=503, json=s.fout(503, "Niet beschikbaar.", "unavailable"), content_type="application/problem+json")

    result = run(zaken_source)

    assert result.status is Status.ERROR and result.data is None


@responses.activate
def test_a_timeout_gives_a_timeout_status(zaken_source):
    responses.get(ZAKEN, body=requests.ReadTimeout("read timed out"))

    result = run(zaken_source)

    assert result.status is Status.TIMEOUT


@responses.activate
def test_an_answer_without_results_is_an_error(zaken_source):
    responses.get(ZAKEN, json={"detail": "unexpected"})

    result = run(zaken_source)

    assert result.status is Status.ERROR
    assert "no 'results' list" in result.detail


@responses.activate
def test_invalid_json_is_an_error(zaken_source):
    responses.get(ZAKEN, body="<html>proxy</html>", content_type="text/html")

    result = run(zaken_source)

    # "invalid JSON", or which media type came instead (an HTML page from a proxy).
    assert result.status is Status.ERROR and "JSON" in result.detail


# --- check_connection ------------------------------------------------------------------------
@responses.activate
def test_check_connection_asks_both_servers_for_a_nil_uuid_and_reads_no_zaak(zaken_source):
    nil = "00000000-0000-0000-0000-000000000000"
    responses.get(f"{ZAKEN}/{nil}", status=404, json=s.fout(404, "Niet gevonden.", "not_found"), content_type="application/problem+json")
    responses.get(f"{s.CATALOGI_ROOT}zaaktypen/{nil}", status=404, json=s.fout(404, "Niet gevonden.", "not_found"), content_type="application/problem+json")

    check = ZakenConnector(zaken_source).check_connection()

    assert check.ok, check.detail
    assert check.detail == "The Zaken API answered (HTTP 404); the Catalogi API answered (HTTP 404)."
    assert all(c.request.headers["Authorization"].startswith("Bearer ") for c in responses.calls)


@responses.activate
def test_check_connection_fails_when_the_credentials_are_refused(zaken_source):
    nil = "00000000-0000-0000-0000-000000000000"
    responses.get(f"{ZAKEN}/{nil}", status=403, json=s.fout(403, "Niet geauthenticeerd.", "not_authenticated"), content_type="application/problem+json")

    check = ZakenConnector(zaken_source).check_connection()

    assert not check.ok
    assert "refused IKO's credentials" in check.detail


# --- options ---------------------------------------------------------------------------------
def test_options_get_their_defaults():
    assert ZakenConnector.validate_options({}) == {
        "max_zaken": 100, "zaaktype_via": "expand", "zaaktype_cache_seconds": 300, "max_status_lookups": 25,
    }


@pytest.mark.parametrize(
    "options, message",
    [
        ({"max_zaken": 0}, "max_zaken must be from 1 to 1000"),
        ({"max_zaken": "many"}, "max_zaken must be a whole number"),
        ({"max_zaken": True}, "max_zaken must be a whole number"),
        ({"zaaktype_cache_seconds": -1}, "zaaktype_cache_seconds must be from 0 to 86400"),
        ({"zaaktype_via": "guess"}, "zaaktype_via must be one of expand, catalogi"),
        ({"zaaktype_via": "catalogi"}, "needs catalogi_service"),
        ({"catalogi_service": 5}, "catalogi_service must be the slug"),
        ({"max_zakken": 5}, "Unknown options: max_zakken"),
    ],
)
def test_invalid_options_are_refused_with_a_readable_message(options, message):
    with pytest.raises(ValidationError) as excinfo:
        ZakenConnector.validate_options(options)
    assert any(message in m for m in excinfo.value.messages)


def test_declared_fields_are_the_documented_compact_paths():
    assert "zaaktype.omschrijving" in ZAAK_FIELDS and "status.omschrijving" in ZAAK_FIELDS
    assert "betrokkeneRollen.omschrijvingGeneriek" in SUBJECT_ZAAK_FIELDS
    assert "betrokkeneRollen" not in ZAAK_FIELDS
    operations = ZakenConnector.operations
    assert operations["zaken_van_persoon"].many and operations["zaken_van_persoon"].subject_types == ("bsn",)
    assert operations["zaken_van_bedrijf"].many and operations["zaken_van_bedrijf"].subject_types == ("kvk",)
    assert not operations["zaak"].many and operations["zaak"].params == ("url",)
    by_identificatie = operations["zaken_op_identificatie"]
    assert by_identificatie.many and by_identificatie.subject_types == ()
    assert by_identificatie.params == ("identificatie", "bronorganisatie")
    assert by_identificatie.fields == ZAAK_FIELDS
