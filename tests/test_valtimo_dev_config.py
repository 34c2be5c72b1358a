"""Valtimo's own development configuration of IKO, read as it is (tests/valtimo-dev-config/), played
against a real `manage.py demo` on loopback (which loads demo/valtimo.yaml).

This module is Valtimo: for each search action of each view it builds the URL as Valtimo's
`IkoServerRepository.findAll` does (the view's `endpointQueryParameters`, then the action's, then
one `key=value` per filled search field with the field's `path` as key), takes the rows as the first
array breadth-first and reads every list column with its JSON Pointer; for each tab with an
aggregated data profile it makes one call per widget as `IkoValueResolverFactory` does (the view's
parameters, a `containerParam` for tables, interactive tables and collections with the widget's key
and `PageRequest.of(0, defaultPageSize)` as Jackson writes it, then `id`), and resolves every widget
value as Valtimo's widgets read it. It asserts that every search returns the demo rows the demo
registers hold and every widget a value. Each call and its status is printed (`pytest -s`).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from collections import deque
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from demo.config import DEMO_TOKEN
from demo.testing import DemoProcess

pytestmark = pytest.mark.integration

CONFIG = Path(__file__).with_name("valtimo-dev-config")
BRP_TEST_DATA = Path(__file__).resolve().parent.parent / "demo" / "data" / "brp-personen-mock-test-data.json.gz"
MEREL = {"bsn": "999993847", "geslachtsnaam": "Kooyman", "geboortedatum": "1982-04-10", "postcode": "2551JV",
         "huisnummer": "64"}
# What a case worker types into each search field (keyed by view, action and field key).
FILLED = {
    ("klant", "bsn", "bsn"): MEREL["bsn"],
    ("klant", "achternaam-geboortedatum", "achternaam"): MEREL["geslachtsnaam"],
    ("klant", "achternaam-geboortedatum", "geboortedatum"): MEREL["geboortedatum"],
    ("klant", "adres", "postcode"): MEREL["postcode"],
    ("klant", "adres", "huisnummer"): MEREL["huisnummer"],
    ("demo", "bsn", "bsn"): MEREL["bsn"],
    ("demo", "achternaam-geboortedatum", "achternaam"): MEREL["geslachtsnaam"],
    ("demo", "achternaam-geboortedatum", "geboortedatum"): MEREL["geboortedatum"],
}
# (what Valtimo was doing, the call, its status), printed when the demo stops.
CALLS: list[tuple[str, str, int]] = []


# --- Valtimo's files --------------------------------------------------------------------------------

def read(path: str) -> dict:
    return json.loads((CONFIG / path).read_text(encoding="utf-8"))


def views() -> dict[str, dict]:
    found = {}
    for folder in ("klant", "demo"):
        view = read(f"{folder}/{folder}.iko-view.json")
        view["actions"] = read(f"{folder}/{folder}.iko-search-action.json")["ikoSearchActions"]
        view["fields"] = {p.name.split(".")[0]: read(f"{folder}/{p.name}")["ikoSearchFields"]
                          for p in sorted((CONFIG / folder).glob("*.iko-search-field.json"))}
        view["columns"] = read(f"{folder}/{folder}.iko-list-column.json")["ikoListColumns"]
        view["tabs"] = read(f"{folder}/{folder}.iko-tab.json")["ikoTabs"]
        view["widgets"] = {p.name.split(".")[0]: read(f"{folder}/{p.name}")["ikoWidgets"]
                           for p in sorted((CONFIG / folder).glob("*.iko-widget.json"))}
        found[view["key"]] = view
    return found


VIEWS = views()
SEARCHES = [(key, action["key"]) for key, view in VIEWS.items() for action in view["actions"]]
WIDGETS = [
    (key, tab["key"], widget["key"])
    for key, view in VIEWS.items() for tab in view["tabs"] if (tab.get("properties") or {}).get("aggregatedDataProfileName")
    for widget in view["widgets"][tab["key"]]
]


# --- how Valtimo calls and reads ------------------------------------------------------------------

def first_array_breadth_first(node):
    queue = deque([node])
    while queue:
        current = queue.popleft()
        if isinstance(current, list):
            return current
        if isinstance(current, dict):
            queue.extend(current.values())
    return None


def at(node, pointer: str):
    """Jackson's `JsonNode.at`: an RFC 6901 pointer; a missing node is None."""
    if pointer in ("", None):
        return node
    for token in pointer.lstrip("/").split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            return None
    return node


def item_value(item, value: str):
    """A value inside a collection item: a JSON Pointer, or a property name without the slash."""
    return at(item, value if value.startswith("/") else "/" + value)


def collection(node) -> tuple[list, int] | None:
    if isinstance(node, list):
        return node, len(node)
    if isinstance(node, dict) and isinstance(node.get("content"), list):
        return node["content"], node["totalElements"]
    return None


def query_string(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{quote(k, safe='')}={quote(str(v), safe='')}" for k, v in pairs)


def page_request(size: int) -> dict:
    """`PageRequest.of(0, size)` as Jackson writes it."""
    return {"pageNumber": 0, "pageSize": size, "sort": {"empty": True, "sorted": False, "unsorted": True},
            "offset": 0, "paged": True, "unpaged": False}


def container_param(widget: dict) -> str:
    document = {"containerId": widget["key"], "pageable": page_request(widget["properties"]["defaultPageSize"]),
                "filters": {}}
    return base64.urlsafe_b64encode(json.dumps(document).encode()).decode()


class Valtimo:
    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/") + "/"  # ${VALTIMO_IKO_API_URL}

    def get(self, path: str, label: str = "") -> requests.Response:
        response = requests.get(self.base_url + path, headers={"Authorization": f"Bearer {DEMO_TOKEN}"}, timeout=30)
        CALLS.append((label, "GET /" + re.sub(r"containerParam=[^&]+", "containerParam=...", path),
                      response.status_code))
        return response

    def search(self, view: dict, action: dict) -> requests.Response:
        properties = view["properties"]
        params = dict(properties.get("endpointQueryParameters") or {})
        params.update(action["properties"].get("endpointQueryParameters") or {})
        for field in view["fields"].get(action["key"], []):
            value = FILLED.get((view["key"], action["key"], field["key"]))
            if value is not None:
                params[field["path"]] = value
        path = "/".join(["endpoints", properties["connectorTag"], properties["connectorInstanceTag"],
                         properties["endpointOperation"]])
        return self.get(f"{path}?{query_string(list(params.items()))}", f"search {view['key']}/{action['key']}")

    def widget(self, view: dict, profile: str, widget: dict, identifier: str) -> requests.Response:
        pairs = list((view["properties"].get("endpointQueryParameters") or {}).items())
        if widget["type"] in ("table", "interactive-table", "collection"):
            pairs.append(("containerParam", container_param(widget)))
        pairs = [(k, v) for k, v in pairs if k != "id"] + [("id", identifier)]  # `put("id", ...)`
        return self.get(f"aggregated-data-profiles/{quote(profile, safe='')}?{query_string(pairs)}",
                        f"widget {view['key']}/{widget['key']} ({widget['type']})")


# --- the demo -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def valtimo(tmp_path_factory):
    demo = DemoProcess(tmp_path_factory.mktemp("demo-valtimo")).start()
    try:
        yield Valtimo(demo.wait_until_up())
    finally:
        demo.stop()
        if CALLS:
            width = max(len(label) for label, _, _ in CALLS)
            print("\nValtimo's calls against the demo:\n" + "\n".join(
                f"  {status}  {label:<{width}}  {call}" for label, call, status in CALLS))


def brp_residents(postcode: str, huisnummer: int) -> set[str]:
    """The BSNs the official BRP test data has living at this address (alive): the oracle for the
    address search, read from the data file itself rather than from the demo BRP server."""
    personen = json.loads(gzip.decompress(BRP_TEST_DATA.read_bytes()))
    found = set()
    for persoon in personen:
        adres = (persoon.get("verblijfplaats") or {})
        if adres.get("postcode") == postcode and str(adres.get("huisnummer")) == str(huisnummer) \
                and not persoon.get("overlijden"):
            found.add(persoon["burgerservicenummer"])
    return found


def expected_rows(view: str, action: str) -> set[str]:
    if (view, action) == ("klant", "adres"):
        return brp_residents(MEREL["postcode"], int(MEREL["huisnummer"]))
    return {MEREL["bsn"]}


# --- the files are Valtimo's ----------------------------------------------------------------------------

def test_the_vendored_files_are_exactly_the_ones_listed_with_their_size_and_checksum():
    listed = {m.group(1): (int(m.group(2)), m.group(3)) for m in re.finditer(
        r"^\| `([^`]+\.json)` \| (\d+) \| `([0-9a-f]{64})` \|$", (CONFIG / "README.md").read_text(), re.MULTILINE)}
    present = {str(p.relative_to(CONFIG)): (p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest())
               for p in CONFIG.rglob("*.json")}

    assert present == listed
    assert len(SEARCHES) == 5 and len(WIDGETS) == 14


# --- searches -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("view_key", "action_key"), SEARCHES, ids=[f"{v}-{a}" for v, a in SEARCHES])
def test_every_search_action_returns_the_demo_rows_with_every_list_column_read_by_its_pointer(
        valtimo, view_key, action_key):
    view = VIEWS[view_key]
    action = next(a for a in view["actions"] if a["key"] == action_key)

    response = valtimo.search(view, action)

    assert response.status_code == 200, response.text
    rows = first_array_breadth_first(response.json())
    assert rows, response.text
    table = [{column["key"]: at(row, column["path"]) for column in view["columns"]} for row in rows]
    assert {row["id"] for row in table} == expected_rows(view_key, action_key)
    empty = {key for row in table for key, value in row.items() if value in (None, "")}
    if view_key == "klant" and action_key != "bsn":
        # A BRP search answers PersoonBeperkt, which has no verblijfplaats: the list column
        # /verblijfplaats/verblijfadres/officieleStraatnaam is empty, as with any BRP.
        assert empty == {"adres"}
    else:
        assert empty == set()
    if view_key == "demo":
        assert next(r for r in table if r["id"] == MEREL["bsn"])["naam"] == "Merel Kooyman"


# --- widgets --------------------------------------------------------------------------------------------

def widget_values(widget: dict, data: dict) -> dict[str, object]:
    """Every value the widget shows, as Valtimo's widget reads it (name -> value)."""
    kind, properties = widget["type"], widget["properties"]
    values: dict[str, object] = {}
    if kind == "fields":
        for column in properties["columns"]:
            for field in column:
                values[field["key"]] = at(data, field["value"].removeprefix("iko:"))
    elif kind in ("collection", "table", "interactive-table"):
        found = collection(at(data, properties["collection"].removeprefix("iko:")))
        values["(collection)"] = found and found[0]
        items = found[0] if found else []
        parts = properties.get("fields") or properties.get("columns") or []
        title = (properties.get("title") or {}).get("value")
        if title:
            parts = [*parts, {"key": "(title)", "value": title}]
        for part in parts:
            values[part["key"]] = next((v for item in items if (v := item_value(item, part["value"])) is not None), None)
        if found:
            assert len(found[0]) <= properties["defaultPageSize"] and found[1] >= len(found[0])
    elif kind == "metroline":
        items = at(data, properties["source"].removeprefix("iko:")) or []
        values["(source)"] = items
        for name in ("titlePath", "labelPath", "completedPath"):
            values[name] = next((v for item in items if (v := at(item, properties[name])) is not None), None)
    elif kind == "map":
        for source in properties["geoJsonSources"]:
            values[source["key"]] = at(data, source["key"].removeprefix("iko:"))
    else:
        raise AssertionError(f"a widget type this test does not know: {kind}")
    return values


@pytest.mark.parametrize(("view_key", "tab_key", "widget_key"), WIDGETS, ids=["-".join(w) for w in WIDGETS])
def test_every_widget_of_every_tab_gets_its_value_with_one_call(valtimo, view_key, tab_key, widget_key):
    view = VIEWS[view_key]
    tab = next(t for t in view["tabs"] if t["key"] == tab_key)
    widget = next(w for w in view["widgets"][tab_key] if w["key"] == widget_key)

    response = valtimo.widget(view, tab["properties"]["aggregatedDataProfileName"], widget, MEREL["bsn"])

    assert response.status_code == 200, response.text
    data = response.json()
    assert data["_iko"]["complete"] is True, data["_iko"]
    values = widget_values(widget, data)
    assert values and all(value not in (None, "", [], {}) for value in values.values()), values
    if widget["type"] == "map":
        assert data["geometry"]["type"] == "Point"
    if widget["type"] in ("table", "interactive-table", "collection"):
        # IKO found the container by the widget's key and paged it; nothing was left unknown.
        assert "detail" not in data["_iko"], data["_iko"]
        assert "content" in at(data, widget["properties"]["collection"].removeprefix("iko:"))


# --- mistakes Valtimo can live with -------------------------------------------------------------------

def test_a_mistyped_bsn_is_a_400_naming_the_search_field_s_path(valtimo):
    response = valtimo.get("endpoints/brp/brp1/Personen?type=RaadpleegMetBurgerservicenummer&burgerservicenummer=123456789",
                           "a BSN that fails the eleven test")

    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["burgerservicenummer"]


def test_a_person_the_registers_do_not_know_is_a_404_on_the_profile_path(valtimo):
    unknown = "999999254"  # passes the eleven test; not in the BRP test data
    assert unknown not in {p["burgerservicenummer"] for p in json.loads(gzip.decompress(BRP_TEST_DATA.read_bytes()))}

    response = valtimo.get(f"aggregated-data-profiles/Personen?id={unknown}", "a person nobody knows")

    assert response.status_code == 404 and response.json()["code"] == "subject-not-found"
