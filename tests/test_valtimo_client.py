"""IKO as Valtimo's IKO client sees it: this module plays Valtimo (valtimo-backend-libraries, module
"iko") against IKO's front door, and a case system against IKO's own search API.

How Valtimo calls:
- `GET {ikoUrl}/endpoints/{connector}/{instance}/{operation}?k=v` for a search, each filter once
  (a `Map<String, String>` turned into a `MultiValueMap`), a multi-select value written as Kotlin
  writes a list, `[a, b]`; newer clients repeat the key instead;
- `GET {ikoUrl}/endpoints/{connector}/{instance}/{operation}/{id}` for a detail;
- `GET {ikoUrl}/aggregated-data-profiles/{name}?id=...` per widget (one call per widget), with a
  `containerParam` per table widget: URL-safe Base64, padded (Java's `Base64.getUrlEncoder()`), of
  `{"containerId", "pageable", "filters"}` where `pageable` is Spring's `PageRequest` as Jackson
  writes it;
- always `Authorization: Bearer <the case worker's access token>`, never a purpose.

How Valtimo reads: a search's rows are the first JSON array found breadth-first; widgets read
values with JSON Pointers (RFC 6901); a collection is an array or `{"content", "totalElements"}`.
"""

from __future__ import annotations

import base64
import json
import threading
from collections import deque
from urllib.parse import quote

import pytest
import responses

from api.tests.oidc_provider import oidc, oidc_provider  # noqa: F401 (fixtures: a real OIDC provider on loopback)
from profiles.models import Grant, ProcessingRecord, Relation
from profiles.tests.search_fixtures import *  # noqa: F401,F403 (fixtures)
from profiles.tests.search_fixtures import (
    ADRESSEN_URL,
    BSN,
    KVK_NUMMER,
    PERSONEN_URL,
    PIETER,
    SUZANNE,
    ZOEKEN_URL,
    adres,
    bag_page,
    resultaat,
    zoeken,
)

TOKEN = "iko_test_token_for_the_suite"  # conftest.TOKEN: Valtimo configured with an API-client token
KINDEREN = [
    {"burgerservicenummer": "999990019", "naam": {"voornamen": "Anna"}, "geboorte": {"datum": {"type": "Datum", "datum": "2010-01-01"}}},
    {"burgerservicenummer": "999990020", "naam": {"voornamen": "Bram"}, "geboorte": {"datum": {"type": "Datum", "datum": "2012-06-01"}}},
    {"burgerservicenummer": "999990021", "naam": {"voornamen": "Anneke"}, "geboorte": {"datum": {"type": "Datum", "datum": "2015-03-01"}}},
]


@pytest.fixture(autouse=True)
def _fresh_grant_cache():
    from profiles.access.grants import grant_cache_clear

    grant_cache_clear()
    yield
    grant_cache_clear()


# --- Valtimo's side ----------------------------------------------------------------------------------

def jackson_page_request(page: int, size: int, *, sorted_: bool = False) -> dict:
    """`PageRequest.of(page, size)` serialised by Jackson: the Sort keeps only its flags."""
    return {
        "pageNumber": page, "pageSize": size,
        "sort": {"empty": not sorted_, "sorted": sorted_, "unsorted": not sorted_},
        "offset": page * size, "paged": True, "unpaged": False,
    }


def container_param(container_id: str, pageable, filters: dict | None = None) -> str:
    document = {"containerId": container_id, "pageable": pageable, "filters": filters or {}}
    return base64.urlsafe_b64encode(json.dumps(document, separators=(",", ":")).encode()).decode()


def first_array_breadth_first(node):
    """Valtimo takes the rows of a search from the first JSON array, breadth-first."""
    queue = deque([node])
    while queue:
        current = queue.popleft()
        if isinstance(current, list):
            return current
        if isinstance(current, dict):
            queue.extend(current.values())
    return []


def pointer(document, path: str):
    """RFC 6901 JSON Pointer, as Valtimo's widgets read values."""
    current = document
    for token in path.lstrip("/").split("/") if path else []:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(current, list):
            current = current[int(token)]
        elif isinstance(current, dict) and token in current:
            current = current[token]
        else:
            return None
    return current


def collection(node) -> tuple[list, int]:
    """Valtimo's collections: an array, or a page with content and totalElements."""
    if isinstance(node, list):
        return node, len(node)
    return node["content"], node["totalElements"]


class Valtimo:
    """The calls of Valtimo's IkoClient, through Django's test client."""

    def __init__(self, client, token: str):
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def search(self, endpoint_path: str, filters: dict[str, str] | list[tuple[str, str]]):
        items = filters.items() if isinstance(filters, dict) else filters
        query = "&".join(f"{quote(k, safe='')}={quote(str(v), safe='')}" for k, v in items)
        return self.client.get(f"/endpoints/{endpoint_path}" + (f"?{query}" if query else ""), **self.headers)

    def get_by_id(self, endpoint_path: str, identifier: str):
        return self.client.get(f"/endpoints/{endpoint_path}/{quote(identifier, safe='')}", **self.headers)

    def aggregated(self, name: str, identifier: str, container_params: tuple[str, ...] = ()):
        query = f"id={quote(identifier, safe='')}" + "".join(f"&containerParam={p}" for p in container_params)
        return self.client.get(f"/aggregated-data-profiles/{name}?{query}", **self.headers)


@pytest.fixture
def valtimo(client, api_client_with_token, purpose):
    api_client_with_token.default_purpose = purpose  # Valtimo names no purpose
    api_client_with_token.save()
    return Valtimo(client, TOKEN)


def personen(*persons, type_="RaadpleegMetBurgerservicenummer"):
    return {"type": type_, "personen": list(persons)}


# --- search by each criteria set, through the front door ------------------------------------------------

@responses.activate
def test_valtimo_searches_persons_by_surname_and_birth_date(valtimo, grant, person_searches):
    responses.post(PERSONEN_URL, json=personen(SUZANNE, PIETER, type_="ZoekMetGeslachtsnaamEnGeboortedatum"))

    response = valtimo.search("brp-zoeken/brp-zoeken/ZoekMetGeslachtsnaamEnGeboortedatum",
                              {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01"})

    assert response.status_code == 200, response.content
    rows = first_array_breadth_first(response.json())
    assert [pointer(row, "/naam/volledigeNaam") for row in rows] == ["Suzanne Moulin", "Pieter Moulin"]
    assert pointer(rows[0], "/burgerservicenummer") == BSN
    assert pointer(rows[0], "/geboorte/datum/datum") == "1985-12-01"
    sent = json.loads(responses.calls[0].request.body)
    assert sent["type"] == "ZoekMetGeslachtsnaamEnGeboortedatum" and sent["geslachtsnaam"] == "Moulin"
    assert sent["fields"] == ["burgerservicenummer", "naam.volledigeNaam", "geboorte.datum"]
    assert "verblijfplaats" not in response.content.decode()


@responses.activate
def test_valtimo_searches_residents_by_postcode_and_house_number(valtimo, grant, person_searches):
    responses.post(PERSONEN_URL, json=personen(SUZANNE, type_="ZoekMetPostcodeEnHuisnummer"))

    response = valtimo.search("brp-zoeken/brp-zoeken/ZoekMetPostcodeEnHuisnummer", {"postcode": "3077AW", "huisnummer": "31"})

    rows = first_array_breadth_first(response.json())
    assert [pointer(r, "/burgerservicenummer") for r in rows] == [BSN]
    assert json.loads(responses.calls[0].request.body)["postcode"] == "3077AW"


@responses.activate
def test_valtimo_opens_a_person_by_bsn(valtimo, grant, person_searches):
    responses.post(PERSONEN_URL, json=personen(SUZANNE))

    response = valtimo.get_by_id("brp/brp/RaadpleegMetBurgerservicenummer", BSN)

    assert response.status_code == 200
    assert pointer(response.json(), "/naam/volledigeNaam") == "Suzanne Moulin"
    assert pointer(response.json(), "/geheimhoudingPersoonsgegevens") is None


@responses.activate
def test_valtimo_searches_a_company_by_kvk_number(valtimo, company_profile):
    responses.get(ZOEKEN_URL, json=zoeken([resultaat()]))

    response = valtimo.search("kvk/kvk/zoeken", {"kvkNummer": KVK_NUMMER})

    rows = first_array_breadth_first(response.json())
    assert [pointer(r, "/naam") for r in rows] == ["Bakkerij Vogel"]
    assert pointer(rows[0], "/adres/binnenlandsAdres/plaats") == "Rotterdam"
    assert pointer(rows[0], "/rsin") is None  # no profile releases it


@pytest.mark.parametrize(
    "filters",
    [
        {"naam": "Vogel", "type": "[hoofdvestiging, rechtspersoon]"},  # Kotlin's List.toString()
        [("naam", "Vogel"), ("type", "hoofdvestiging"), ("type", "rechtspersoon")],  # repeated keys
    ],
)
@responses.activate
def test_valtimo_searches_companies_by_name_with_a_multi_select_value(valtimo, company_profile, filters):
    responses.get(ZOEKEN_URL, json=zoeken([resultaat()]))

    response = valtimo.search("kvk/kvk/zoeken", filters)

    assert response.status_code == 200, response.content
    sent = responses.calls[0].request.url
    assert "naam=Vogel" in sent and "type=hoofdvestiging" in sent and "type=rechtspersoon" in sent
    assert len(first_array_breadth_first(response.json())) == 1


@responses.activate
def test_valtimo_searches_addresses_by_postcode_and_house_number(valtimo, grant, person_searches):
    responses.get(ADRESSEN_URL, json=bag_page([adres(31), adres(31, "A")]))

    response = valtimo.search("bag/bag/adres_zoeken", {"postcode": "3077 AW", "huisnummer": "31"})

    rows = first_array_breadth_first(response.json())
    assert [pointer(r, "/huisletter") for r in rows] == [None]  # only the exact match, only released fields
    assert [pointer(r, "/openbareRuimteNaam") for r in rows] == ["Boterdiep"]
    assert responses.calls[0].request.params["postcode"] == "3077AW"


# --- the same criteria sets through IKO's own search API ---------------------------------------------------

@pytest.mark.parametrize(
    ("profile_name", "action", "criteria", "mock", "first_value"),
    [
        ("klantbeeld", "op-bsn", {"bsn": BSN}, ("POST", PERSONEN_URL, personen(SUZANNE)), ("naam", "Suzanne Moulin")),
        ("klantbeeld", "op-naam", {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01"},
         ("POST", PERSONEN_URL, personen(SUZANNE, type_="ZoekMetGeslachtsnaamEnGeboortedatum")), ("naam", "Suzanne Moulin")),
        ("klantbeeld", "op-adres", {"postcode": "3077aw", "huisnummer": 31},
         ("POST", PERSONEN_URL, personen(SUZANNE, type_="ZoekMetPostcodeEnHuisnummer")), ("bsn", BSN)),
        ("klantbeeld", "adressen", {"postcode": "3077AW", "huisnummer": "31"}, ("GET", ADRESSEN_URL, bag_page([adres()])), ("straat", "Boterdiep")),
        ("bedrijfsbeeld", "op-kvk-nummer", {"kvkNummer": KVK_NUMMER}, ("GET", ZOEKEN_URL, zoeken([resultaat()])), ("naam", "Bakkerij Vogel")),
        ("bedrijfsbeeld", "op-naam", {"naam": "Vogel", "plaats": "Rotterdam"}, ("GET", ZOEKEN_URL, zoeken([resultaat()])), ("plaats", "Rotterdam")),
    ],
)
@responses.activate
def test_a_case_system_searches_by_each_criteria_set_with_iko_s_api(authed_api, grant, person_searches, company_profile,
                                                                    profile_name, action, criteria, mock, first_value):
    method, url, answer = mock
    responses.add(method, url, json=answer)
    form = authed_api.get(f"/api/v1/profiles/{profile_name}/search").json()
    declared = next(a for a in form["searchActions"] if a["name"] == action)
    assert {c["name"] for c in declared["criteria"]} >= set(criteria)

    response = authed_api.post(f"/api/v1/profiles/{profile_name}/search/{action}",
                               {"criteria": criteria, "purpose": "klantcontact"}, format="json")

    assert response.status_code == 200, response.content
    row = response.json()["rows"][0]
    assert row["values"][first_value[0]] == first_value[1]
    record = ProcessingRecord.objects.get()
    assert record.action == "search" and record.outcome == "complete"


# --- widgets: JSON Pointers, collections, table paging -------------------------------------------------------

@pytest.fixture
def with_kinderen(profile):
    Relation.objects.filter(profile=profile).update(fields=["naam.volledigeNaam", "geboorte.datum", "kinderen"])
    return profile


@responses.activate
def test_a_tab_of_widgets_reads_its_values_with_json_pointers_one_call_each(valtimo, grant, with_kinderen):
    responses.post(PERSONEN_URL, json=personen({**SUZANNE, "kinderen": KINDEREN}))
    widgets = {"naam": "/persoon/naam/volledigeNaam", "geboortedatum": "/persoon/geboorte/datum/datum", "kinderen": "/persoon/kinderen"}

    answers = {name: valtimo.aggregated("klantbeeld", BSN) for name in widgets}

    assert pointer(answers["naam"].json(), widgets["naam"]) == "Suzanne Moulin"
    assert pointer(answers["geboortedatum"].json(), widgets["geboortedatum"]) == "1985-12-01"
    content, total = collection(pointer(answers["kinderen"].json(), widgets["kinderen"]))
    assert total == 3 and content[0]["naam"]["voornamen"] == "Anna"
    assert ProcessingRecord.objects.filter(action="view", outcome="complete").count() == 3  # each call its own record


@responses.activate
def test_a_table_widget_pages_and_filters_with_a_jackson_page_request(valtimo, grant, with_kinderen):
    responses.post(PERSONEN_URL, json=personen({**SUZANNE, "kinderen": KINDEREN}))

    first = valtimo.aggregated("klantbeeld", BSN, (container_param("kinderen", jackson_page_request(0, 1), {"naam.voornamen~": "ann"}),))
    second = valtimo.aggregated("klantbeeld", BSN, (container_param("kinderen", jackson_page_request(1, 1), {"naam.voornamen~": "ann"}),))

    content, total = collection(pointer(first.json(), "/persoon/kinderen"))
    assert total == 2 and [k["naam"]["voornamen"] for k in content] == ["Anna"]
    content, total = collection(pointer(second.json(), "/persoon/kinderen"))
    assert total == 2 and [k["naam"]["voornamen"] for k in content] == ["Anneke"]


@responses.activate
def test_a_table_widget_filters_a_date_range_and_a_list_and_sorts_in_the_reference_shape(valtimo, grant, with_kinderen):
    responses.post(PERSONEN_URL, json=personen({**SUZANNE, "kinderen": KINDEREN}))
    pageable = {"pageNumber": "0", "pageSize": "10", "sort": {"orders": [{"property": "geboorte.datum", "direction": "DESC"}]}}
    filters = {"geboorte.datum>=": "2010-01-01", "geboorte.datum<": "2015-01-01",
               "burgerservicenummer": "[999990019, 999990020, 999990021]"}

    response = valtimo.aggregated("klantbeeld", BSN, (container_param("kinderen", pageable, filters),))

    content, total = collection(pointer(response.json(), "/persoon/kinderen"))
    assert total == 2 and [k["naam"]["voornamen"] for k in content] == ["Bram", "Anna"]


@responses.activate
def test_two_table_widgets_send_a_container_param_each(valtimo, grant, profile, brp_source):
    Relation.objects.filter(profile=profile).update(fields=["naam.volledigeNaam", "kinderen", "nationaliteiten"])
    nationaliteiten = [{"nationaliteit": {"code": "0001", "omschrijving": "Nederlandse"}}, {"nationaliteit": {"code": "0052", "omschrijving": "Belgische"}}]
    responses.post(PERSONEN_URL, json=personen({**SUZANNE, "kinderen": KINDEREN, "nationaliteiten": nationaliteiten}))

    response = valtimo.aggregated("klantbeeld", BSN, (
        container_param("kinderen", jackson_page_request(0, 2)),
        container_param("nationaliteiten", "INSTANCE", {"nationaliteit.omschrijving": "Belgische"}),
    ))

    body = response.json()
    assert collection(pointer(body, "/persoon/kinderen"))[1] == 3
    assert len(collection(pointer(body, "/persoon/kinderen"))[0]) == 2
    content, total = collection(pointer(body, "/persoon/nationaliteiten"))
    assert total == 1 and content[0]["nationaliteit"]["code"] == "0052"


def test_a_broken_container_param_is_a_400_problem_not_a_500(valtimo, grant, with_kinderen):
    response = valtimo.aggregated("klantbeeld", BSN, ("eyJjb250YWluZXJJZCI6",))  # cut-off Base64 JSON
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db(transaction=True)
@responses.activate
def test_the_widgets_of_one_screen_at_the_same_moment_cost_one_brp_call(grant, profile, purpose, api_client_with_token, monkeypatch):
    from django.test import Client

    from profiles.engine import inflight
    from profiles.services import view as services

    api_client_with_token.default_purpose = purpose
    api_client_with_token.save()
    records = []
    monkeypatch.setattr(services, "processing_record_open", lambda *, fields, subject=None: dict(fields))
    monkeypatch.setattr(services, "processing_record_complete", lambda opened, *, fields: records.append({**opened, **fields}))
    widgets = 4
    release = threading.Event()

    def brp(request):
        # Answer when every widget's call waits on the one in flight.
        flight = next(iter(inflight._views._flights.values()), None)
        while flight is None or flight.followers < widgets - 1:
            if release.wait(0.01):
                break
            flight = next(iter(inflight._views._flights.values()), None)
        return 200, {}, json.dumps(personen(SUZANNE))

    responses.add_callback(responses.POST, PERSONEN_URL, callback=brp)
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(Valtimo(Client(), TOKEN).aggregated("klantbeeld", BSN)))
               for _ in range(widgets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    release.set()

    assert [a.status_code for a in answers] == [200] * widgets
    assert len(responses.calls) == 1
    assert len(records) == widgets


# --- validation errors, grants and logging ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda v: v.search("brp-zoeken/brp-zoeken/ZoekMetGeslachtsnaamEnGeboortedatum", {"achternaam": "Moulin"}), "invalid-parameters"),
        (lambda v: v.get_by_id("brp/brp/RaadpleegMetBurgerservicenummer", "123456789"), "invalid-parameters"),
        (lambda v: v.aggregated("klantbeeld", "12345"), "invalid-subject"),
        (lambda v: v.search("brp/brp/RaadpleegMetBurgerservicenummer", {"bsn": "999993654"}), "invalid-parameters"),
    ],
)
@responses.activate
def test_invalid_input_from_valtimo_is_a_400_problem_and_nothing_is_fetched(valtimo, grant, person_searches, call, code):
    response = call(valtimo)
    assert response.status_code == 400 and response.json()["code"] == code
    assert len(responses.calls) == 0


@responses.activate
def test_without_a_grant_valtimo_gets_403_everywhere_and_each_denial_is_logged(valtimo, person_searches, profile):
    responses_before = len(responses.calls)
    assert valtimo.aggregated("klantbeeld", BSN).status_code == 403
    assert valtimo.get_by_id("brp/brp/RaadpleegMetBurgerservicenummer", BSN).status_code == 403
    assert valtimo.search("brp-zoeken/brp-zoeken/ZoekMetGeslachtsnaamEnGeboortedatum",
                          {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01"}).status_code == 403

    assert len(responses.calls) == responses_before == 0
    denials = ProcessingRecord.objects.filter(outcome="denied")
    assert sorted(denials.values_list("action", flat=True)) == ["endpoint", "endpoint", "view"]


@responses.activate
def test_every_front_door_call_is_logged_with_the_caller_and_a_pseudonym(valtimo, grant, person_searches):
    responses.post(PERSONEN_URL, json=personen(SUZANNE))
    valtimo.aggregated("klantbeeld", BSN)
    valtimo.get_by_id("brp/brp/RaadpleegMetBurgerservicenummer", BSN)

    records = list(ProcessingRecord.objects.order_by("created_at"))
    assert [r.action for r in records] == ["view", "endpoint"]
    assert {r.actor for r in records} == {"api-client:Case system"}
    assert {r.purpose_code for r in records} == {"klantcontact"}
    assert all(BSN not in json.dumps([getattr(r, f.name) for f in r._meta.fields], default=str) for r in records)


@pytest.mark.integration
@responses.activate
def test_valtimo_with_the_case_worker_s_own_token_uses_the_default_purpose_of_the_role_grant(client, oidc, profile, purpose):
    responses.add_passthru(oidc.base_url)
    Grant.objects.create(kind=Grant.Kind.ROLE, role="kcc", profile=profile, purpose=purpose, is_default=True)
    responses.post(PERSONEN_URL, json=personen(SUZANNE))

    response = Valtimo(client, oidc.access_token()).aggregated("klantbeeld", BSN)

    assert response.status_code == 200, response.content
    assert pointer(response.json(), "/persoon/naam/volledigeNaam") == "Suzanne Moulin"
    record = ProcessingRecord.objects.get()
    assert record.actor == "oidc:j.jansen" and record.purpose_code == "klantcontact" and record.actor_type == "oidc"


@pytest.mark.integration
def test_a_case_worker_without_the_role_is_refused(client, oidc, profile, purpose):
    Grant.objects.create(kind=Grant.Kind.ROLE, role="sociaal-domein", profile=profile, purpose=purpose, is_default=True)

    response = Valtimo(client, oidc.access_token()).aggregated("klantbeeld", BSN)

    assert response.status_code == 403  # no grant at all: a denial, not a missing purpose
    record = ProcessingRecord.objects.get()
    assert record.outcome == "denied" and record.actor == "oidc:j.jansen" and record.reason == "no-grant"
