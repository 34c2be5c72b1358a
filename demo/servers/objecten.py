"""Demo Objects API 2.x on loopback: registrations of the demo persons as objects.

Implements `GET /api/v2/objects`, `GET /api/v2/objects/{uuid}` and `POST /api/v2/objects/search` of
the Objects API 2.7.0 (tests/specs/objecten/openapi.yaml) for the cast of `demo.universe`: each person has a few
objects of the demo objecttype (`OBJECTTYPE_URL_PATH`, BSN in `OBJECT_BSN_ATTRIBUTE`), such as a
parkeervergunning, an afvalpas or a WMO-voorziening, and some also have objects of a second
objecttype (meldingen openbare ruimte) that also carry a `bsn`, so that the `type` filter matters.
The demo company (`COMPANY`) has registrations of a third objecttype (`COMPANY_OBJECTTYPE_URL_PATH`,
KVK number in `OBJECT_KVK_ATTRIBUTE`), such as a bedrijfsafvalcontract per vestiging. Permits are
registered per address in a fourth objecttype (`VERGUNNING_OBJECTTYPE_URL_PATH`, the BAG
nummeraanduiding id in `OBJECT_ADRES_ATTRIBUTE`), each naming its zaak and its holder.

Like the real API it filters on `type`, `data_attr` (repeatable, `key__operator__value`, nested
keys with `__`), the deprecated `data_attrs`, `typeVersion` and `data_icontains`, selects
`fields` (a name missing from an object is a 400, as in objects-api), pages with `page` and
`pageSize`, and silently ignores query parameters it does not know, returning every object: the
behaviour the Objecten connector must guard against. Started with a token it requires
`Authorization: Token <token>`. Errors are problem+json with `invalidParams`.

`POST /api/v2/objects/search` with `geometry.within` finds the objects within a polygon (a real
point-in-polygon test, objecten_search.py). The permits have a geometry: a point in or beside the
demo BAG's pand of their address, so that a search within Boterdiep 33's pand finds the shop's
rebuilding but not the terrace on the pavement.

Spec quirks: `ObjectRecord.geometry` (`nullable` beside `allOf`) and `correctedBy` (not
nullable) cannot be `null` by the spec, while objects-api sends `null`; these demo objects leave
both keys out when they have none, so that their answers validate.

Run: ``python -m demo.servers.objecten [port]``; the API root is
``http://127.0.0.1:PORT/api/v2/``.
"""

from __future__ import annotations

import re
import sys
import uuid
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from demo.universe import (
    ADDRESSES,
    COMPANY,
    COMPANY_OBJECTTYPE_URL_PATH,
    OBJECT_ADRES_ATTRIBUTE,
    OBJECT_BSN_ATTRIBUTE,
    OBJECT_KVK_ATTRIBUTE,
    OBJECTTYPE_URL_PATH,
    PERSONS,
    VERGUNNING_OBJECTTYPE_URL_PATH,
)

from connectors.contrib.objecten.geometry import rd_to_wgs84

from .bag_objecten import PAND_HALF_DEPTH, rd_point
from .base import DemoRequestHandler, DemoServer, ProblemError, fault_settings_from_env
from .objecten_search import search

API_PATH = "/api/v2/"
API_VERSION = "2.7.0"
CRS = "EPSG:4326"
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
OPERATORS = ("exact", "gt", "gte", "lt", "lte", "icontains", "in")
# The second objecttype, whose objects also name a person by BSN.
OTHER_OBJECTTYPE_URL_PATH = "/objecttypes/api/v2/objecttypes/5d2c7e1f-8a9b-4c0d-9e1f-2a3b4c5d6e7f"
_NAMESPACE = uuid.UUID("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f")

# (bsn, registratie, extra data, startAt) of the demo objecttype.
REGISTRATIES = [
    ("999993653", "parkeervergunning", {"kenteken": "12-XZ-34", "zone": "Rotterdam Noord", "geldigTot": "2026-12-31"}, "2025-01-01"),
    ("999993653", "afvalpas", {"pasnummer": "AP-100231"}, "2023-05-12"),
    ("999993847", "WMO-voorziening", {"voorziening": "huishoudelijke hulp", "urenPerWeek": 3}, "2024-09-01"),
    ("999993847", "afvalpas", {"pasnummer": "AP-200877"}, "2022-02-03"),
    ("999990160", "parkeervergunning", {"kenteken": "7-KLM-21", "zone": "Utrecht Binnenstad", "geldigTot": "2026-06-30"}, "2025-07-01"),
    ("999992570", "WMO-voorziening", {"voorziening": "scootmobiel", "leverancier": "Zorgmobiel BV"}, "2021-11-15"),
    ("999992570", "afvalpas", {"pasnummer": "AP-100544"}, "2020-01-20"),
]
# (bsn, melding, startAt) of the other objecttype.
MELDINGEN = [
    ("999993653", "Losliggende stoeptegel", "2025-03-04"),
    ("999992570", "Kapotte lantaarnpaal", "2024-12-18"),
]
# (kvkNummer, registratie, extra data, startAt) of the company objecttype, per vestiging.
BEDRIJFSREGISTRATIES = [
    ("90004760", "bedrijfsafvalcontract",
     {"vestigingsnummer": "000059218547", "containers": 2, "ophaaldag": "dinsdag"}, "2019-03-01"),
    ("90004760", "reclamevergunning",
     {"vestigingsnummer": "000059218555", "object": "uithangbord", "geldigTot": "2027-03-31"}, "2022-04-01"),
]

# (nummeraanduiding id, permit data, startAt, where) of the permits objecttype: the permits at the
# addresses of the object story (Boterdiep 31 and the bakery at Boterdiep 33). `where` places the
# permit's geometry, a point, in metres from the address's verblijfsobject (demo BAG): the dakkapel
# and the shop's rebuilding lie within their pand, the terrace on the pavement in front of it.
VERGUNNINGEN = [
    ("0599200000219678", {"vergunning": "omgevingsvergunning", "activiteit": "plaatsen dakkapel",
                          "zaak": "ZAAK-2025-0000000301", "houder": {"bsn": "999993653"}, "status": "verleend",
                          "geldigVanaf": "2025-03-29"}, "2025-03-29", (2.0, 3.0)),
    ("0599200000219679", {"vergunning": "omgevingsvergunning", "activiteit": "verbouwen winkel",
                          "zaak": "ZAAK-2025-0000000140", "houder": {"kvkNummer": "90004760"}, "status": "aangevraagd"},
     "2025-04-01", (-1.5, 2.5)),
    ("0599200000219679", {"vergunning": "terrasvergunning", "activiteit": "terras op de stoep",
                          "zaak": "ZAAK-2025-0000000176", "houder": {"kvkNummer": "90004760"}, "status": "aangevraagd"},
     "2025-05-20", (0.0, -PAND_HALF_DEPTH - 3.0)),
]


def _with_address(path: str, value: str, data: dict[str, Any]) -> dict[str, Any]:
    """`data` with `value` at the dotted `path` (the objecttype's address attribute)."""
    head, _, rest = path.partition(".")
    if not rest:
        return {head: value, **data}
    return {**data, head: _with_address(rest, value, data.get(head, {}))}


def permit_location(nummeraanduiding: str, where: tuple[float, float]) -> dict[str, Any]:
    """A GeoJSON point (EPSG:4326, as the Objects API keeps geometry) `where` metres from the
    verblijfsobject of the address, converted from the demo BAG's RD coordinates."""
    adres = next(a for a in ADDRESSES if a["nummeraanduidingIdentificatie"] == nummeraanduiding)
    x, y = rd_point(adres["adresseerbaarObjectIdentificatie"], adres.get("woonplaats") or adres["plaats"])
    longitude, latitude = rd_to_wgs84(x + where[0], y + where[1])
    return {"type": "Point", "coordinates": [round(longitude, 7), round(latitude, 7)]}


def build_objects(base_url: str) -> list[dict[str, Any]]:
    """The demo objects, with URLs on this server; the same uuids on every start."""
    objecttype = base_url + OBJECTTYPE_URL_PATH
    other = base_url + OTHER_OBJECTTYPE_URL_PATH
    company = base_url + COMPANY_OBJECTTYPE_URL_PATH
    vergunning = base_url + VERGUNNING_OBJECTTYPE_URL_PATH
    addresses = {a["nummeraanduidingIdentificatie"] for a in ADDRESSES}
    known = {p["bsn"] for p in PERSONS}
    vestigingen = {v["vestigingsnummer"] for v in COMPANY["vestigingen"]}
    rows = [
        (objecttype, {OBJECT_BSN_ATTRIBUTE: bsn, "registratie": soort, "status": "actief", **extra}, start)
        for bsn, soort, extra, start in REGISTRATIES
    ] + [
        (other, {"bsn": bsn, "omschrijving": melding, "status": "afgehandeld"}, start)
        for bsn, melding, start in MELDINGEN
    ] + [
        (company, {OBJECT_KVK_ATTRIBUTE: kvk, "registratie": soort, "status": "actief", **extra}, start)
        for kvk, soort, extra, start in BEDRIJFSREGISTRATIES
    ] + [
        (vergunning, _with_address(OBJECT_ADRES_ATTRIBUTE, nummeraanduiding, data), start,
         permit_location(nummeraanduiding, where))
        for nummeraanduiding, data, start, where in VERGUNNINGEN
    ]
    objects = []
    # New rows go at the end: an object's uuid is derived from its number.
    for number, (type_url, data, start, *geometry) in enumerate(rows, start=1):
        if type_url == company:
            assert data[OBJECT_KVK_ATTRIBUTE] == COMPANY["kvkNummer"] and data["vestigingsnummer"] in vestigingen
        elif type_url == vergunning:
            assert data["adres"]["nummeraanduidingIdentificatie"] in addresses
        else:
            assert data["bsn" if type_url == other else OBJECT_BSN_ATTRIBUTE] in known
        object_uuid = str(uuid.uuid5(_NAMESPACE, f"object-{number}"))
        objects.append(
            {
                "url": f"{base_url}{API_PATH}objects/{object_uuid}",
                "uuid": object_uuid,
                "type": type_url,
                "record": {
                    "index": 1,
                    "typeVersion": 1,
                    "data": data,
                    "references": [],
                    "startAt": start,
                    "endAt": None,
                    "registrationAt": start,
                    "correctionFor": None,
                    **({"geometry": geometry[0]} if geometry else {}),
                },
            }
        )
    return objects


# --- filters ------------------------------------------------------------------------------
def _invalid(name: str, reason: str, code: str = "invalid") -> ProblemError:
    return ProblemError(
        400,
        "Invalid input.",
        code="invalid",
        extra={"invalidParams": [{"name": name, "code": code, "reason": reason}]},
    )


def _parse_expression(name: str, expression: str) -> tuple[list[str], str, str]:
    parts = expression.rsplit("__", 2)
    if len(parts) != 3 or not parts[0] or parts[1] not in OPERATORS:
        raise _invalid(name, "De waarde moet de vorm key__operator__value hebben.")
    return parts[0].split("__"), parts[1], parts[2]


def _as_value(text: str) -> Any:
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return text


def _matches(data: Any, path: list[str], operator: str, text: str) -> bool:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return False
        data = data[key]
    if operator == "exact":
        # As objects-api: the string or its numeric reading.
        return data == text or (not isinstance(data, (str, bool)) and data == _as_value(text))
    if operator == "icontains":
        return isinstance(data, str) and text.lower() in data.lower()
    if operator == "in":
        return str(data) in text.split("|")
    value = _as_value(text)
    try:
        return {"gt": data > value, "gte": data >= value, "lt": data < value, "lte": data <= value}[operator]
    except TypeError:
        return False


def _contains_text(data: Any, text: str) -> bool:
    if isinstance(data, dict):
        return any(_contains_text(v, text) for v in data.values())
    if isinstance(data, list):
        return any(_contains_text(v, text) for v in data)
    return isinstance(data, str) and text.lower() in data.lower()


def select_fields(obj: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """`fields=uuid,record__data__bsn`: a name absent from the object is a 400, as in objects-api."""
    selected: dict[str, Any] = {}
    for name in names:
        path = name.split("__")
        source, target = obj, selected
        for depth, key in enumerate(path):
            if not isinstance(source, dict) or key not in source:
                raise _invalid("fields", f"'fields' query parameter has invalid or unauthorized values: {name!r}")
            source = source[key]
            if depth == len(path) - 1:
                target[key] = source
            else:
                target = target.setdefault(key, {})
    return selected


class ObjectenHandler(DemoRequestHandler):
    server_error_title = "Er is een serverfout opgetreden."

    def handle_demo_request(self) -> None:
        path = self.request_path
        if not path.startswith(API_PATH):
            raise ProblemError(404, "Niet gevonden.", code="not_found")
        rest = path[len(API_PATH):].rstrip("/")
        if self.command != ("POST" if rest == "objects/search" else "GET"):
            raise ProblemError(405, f'Methode "{self.command}" niet toegestaan.', code="method_not_allowed")
        self._authenticate()
        accept_crs = self.headers.get("Accept-Crs")
        if accept_crs is not None and accept_crs != CRS:
            raise ProblemError(406, "CRS niet ondersteund.", code="not_acceptable")
        query = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
        if rest == "objects":
            self._respond(self._list(query))
        elif rest == "objects/search":
            found = search(self.demo.objects, self.demo.objecttypes, self.headers, self.read_json_body())
            self._respond(self._paged(found, query, [], "objects/search"))
        elif re.fullmatch(r"objects/[0-9a-f-]{36}", rest):
            found = next((o for o in self.demo.objects if o["uuid"] == rest.split("/")[1]), None)
            if found is None:
                raise ProblemError(404, "Niet gevonden.", code="not_found")
            names = self._field_names(query)
            self._respond(select_fields(found, names) if names else found)
        else:
            raise ProblemError(404, "Niet gevonden.", code="not_found")

    def _authenticate(self) -> None:
        token = self.demo.token
        if token is None:
            return
        given = self.headers.get("Authorization")
        if given is None:
            raise ProblemError(401, "Authenticatiegegevens zijn niet opgegeven.", code="not_authenticated",
                               headers={"WWW-Authenticate": "Token"})
        if given != f"Token {token}":
            raise ProblemError(401, "Ongeldige token.", code="authentication_failed",
                               headers={"WWW-Authenticate": "Token"})

    def _respond(self, payload: Any) -> None:
        self.send_json(200, payload, headers={"Content-Crs": CRS, "API-version": API_VERSION})

    @staticmethod
    def _field_names(query: dict[str, list[str]]) -> list[str]:
        raw = (query.get("fields") or [""])[-1]
        return sorted({name.strip() for name in raw.split(",") if name.strip()})

    def _list(self, query: dict[str, list[str]]) -> dict[str, Any]:
        objects = list(self.demo.objects)
        type_url = (query.get("type") or [None])[-1]
        if type_url is not None:
            if type_url not in self.demo.objecttypes:
                raise _invalid("type", "Selecteer een geldige keuze. Deze keuze is niet beschikbaar.", "invalid_choice")
            objects = [o for o in objects if o["type"] == type_url]
        expressions = [("data_attr", e) for e in query.get("data_attr", [])]
        for value in query.get("data_attrs", []):
            expressions += [("data_attrs", e) for e in value.split(",")]
        for name, expression in expressions:
            path, operator, text = _parse_expression(name, expression)
            objects = [o for o in objects if _matches(o["record"]["data"], path, operator, text)]
        if query.get("data_icontains"):
            text = query["data_icontains"][-1]
            objects = [o for o in objects if _contains_text(o["record"]["data"], text)]
        if query.get("typeVersion"):
            version = query["typeVersion"][-1]
            if not version.isdigit():
                raise _invalid("typeVersion", "Vul een geldig nummer in.")
            objects = [o for o in objects if o["record"]["typeVersion"] == int(version)]
        return self._paged(objects, query, self._field_names(query), "objects")

    def _paged(self, objects: list[dict[str, Any]], query: dict[str, list[str]], names: list[str],
               path: str) -> dict[str, Any]:
        """One page (`page`, `pageSize`) of `objects`, with only the `fields` named (all: none named)."""
        page = self._int(query, "page", 1)
        size = min(self._int(query, "pageSize", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
        if page < 1 or size < 1 or (page - 1) * size >= max(len(objects), 1):
            raise ProblemError(404, "Ongeldige pagina.", code="not_found")
        window = objects[(page - 1) * size : page * size]
        return {
            "count": len(objects),
            "next": self._page_url(query, page + 1, path) if page * size < len(objects) else None,
            "previous": self._page_url(query, page - 1, path) if page > 1 else None,
            "results": [select_fields(o, names) if names else o for o in window],
        }

    @staticmethod
    def _int(query: dict[str, list[str]], name: str, default: int) -> int:
        raw = (query.get(name) or [None])[-1]
        if raw is None:
            return default
        if not raw.isdigit():
            raise ProblemError(404, "Ongeldige pagina.", code="not_found")
        return int(raw)

    def _page_url(self, query: dict[str, list[str]], page: int, path: str) -> str:
        params = {**query, "page": [str(page)]}
        return f"{self.demo.api_root}{path}?{urlencode(params, doseq=True)}"


class ObjectenDemoServer(DemoServer):
    """A `DemoServer` that holds the demo objects and knows its API root."""

    def __init__(self, port: int = 0, *, token: str | None = None, **kwargs: Any) -> None:
        super().__init__(ObjectenHandler, port, name="objecten", **kwargs)
        self.token = token
        self.objects = build_objects(self.base_url)
        self.objecttypes = {
            self.objecttype_url, self.base_url + OTHER_OBJECTTYPE_URL_PATH, self.company_objecttype_url,
            self.vergunning_objecttype_url,
        }

    @property
    def api_root(self) -> str:
        return self.base_url + API_PATH

    @property
    def objecttype_url(self) -> str:
        """The demo objecttype: what an Objecten source's `objecttype` option should be."""
        return self.base_url + OBJECTTYPE_URL_PATH

    @property
    def company_objecttype_url(self) -> str:
        """The objecttype of the company's registrations (KVK number in `OBJECT_KVK_ATTRIBUTE`)."""
        return self.base_url + COMPANY_OBJECTTYPE_URL_PATH

    @property
    def vergunning_objecttype_url(self) -> str:
        """The objecttype of the permits per address (BAG id in `OBJECT_ADRES_ATTRIBUTE`)."""
        return self.base_url + VERGUNNING_OBJECTTYPE_URL_PATH


def start_objecten_server(
    port: int = 0,
    latency_ms: float | None = None,
    failure_rate: float | None = None,
    *,
    token: str | None = None,
) -> ObjectenDemoServer:
    """Start the demo Objects API on 127.0.0.1 (fault settings also from IKO_DEMO_OBJECTEN_*)."""
    faults = fault_settings_from_env("OBJECTEN", latency_ms=latency_ms, failure_rate=failure_rate)
    return ObjectenDemoServer(port, token=token, faults=faults).start()


if __name__ == "__main__":  # pragma: no cover - manual use
    server = ObjectenDemoServer(int(sys.argv[1]) if len(sys.argv) > 1 else 0,
                                faults=fault_settings_from_env("OBJECTEN"))
    print(f"Objecten demo: {server.api_root} (objecttype {server.objecttype_url})")
    server.serve_forever()
