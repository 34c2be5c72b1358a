"""Demo BAG API Individuele Bevragingen 2.x on loopback: the addresses of the demo cast.

Implements, in HAL JSON, the address part of BAG IB 2.6.0
(tests/specs/bag-individuele-bevragingen/openapi.yaml):
- `GET adressen/{nummeraanduidingIdentificatie}` (`bevraagAdressenMetNumId`), 404 problem for an
  unknown id;
- `GET adressen?postcode=&huisnummer=[&huisletter=&huisnummertoevoeging=&exacteMatch=]` and
  `GET adressen?adresseerbaarObjectIdentificatie=` (`bevraagAdressen`), paged with `page` and
  `pageSize` (10-100), the list under `_embedded.adressen`;
- `GET info` (`getInfo`);
- the verblijfsobject and pand behind every address: `GET adresseerbareobjecten/{id}`,
  `GET adresseerbareobjecten?nummeraanduidingIdentificatie=` and `GET panden/{id}`, built in
  `demo/servers/bag_objecten.py`.

The addresses are every entry of `demo.universe.ADDRESSES` (the persons' and the vestigingen's),
plus invented neighbours of St.-Jacobsstraat 1A (1 and 1B) so that `exacteMatch` makes a
difference, and 3A and 3B (without a 3), which a search for 3 without `exacteMatch` finds. Openbare ruimte, pand and woonplaats identifiers are invented where the universe has
none. Parameters are validated against the spec's patterns; unknown parameters are a 400 (unlike
the ZGW APIs, which ignore them). Started with an API key, every request needs `X-Api-Key`
(401 without, 403 with a wrong one). Errors are problem+json with the hyphenated
`invalid-params`; every answer carries the `API-Version` header the spec requires.

Run: ``python -m demo.servers.bag [port]``; the API root is
``http://127.0.0.1:PORT/lvbag/individuelebevragingen/v2/``.
"""

from __future__ import annotations

import re
import sys
from http import HTTPStatus
from typing import Any, Mapping
from urllib.parse import parse_qs, urlencode, urlsplit

from demo.universe import ADDRESSES, pand_identificatie

from .bag_objecten import (
    ADRESSEERBAAR_OBJECT_RE,
    NUMMERAANDUIDING_RE as OBJECT_NUMMERAANDUIDING_RE,
    OBJECT_LIST_PARAMS,
    PAND_RE,
    build_objecten,
    hal_object,
    hal_pand,
    objecten_with_address,
)
from .base import DemoRequestHandler, DemoServer, ProblemError, fault_settings_from_env

API_PATH = "/lvbag/individuelebevragingen/v2/"
API_VERSION = "2.6.0"
HAL_CONTENT_TYPE = "application/hal+json"
PROBLEM_TYPE = "https://www.rfc-editor.org/rfc/rfc9110#section-15"
# Woonplaats codes from the landelijke woonplaatsentabel.
WOONPLAATSEN = {"Rotterdam": "3086", "'s-Gravenhage": "1245", "Utrecht": "3295"}
EXTRA_ADDRESSES = [
    {
        "straat": "St.-Jacobsstraat", "huisnummer": 1, "huisletter": None, "huisnummertoevoeging": None,
        "postcode": "3511BR", "woonplaats": "Utrecht",
        "nummeraanduidingIdentificatie": "0344200000161084",
        "adresseerbaarObjectIdentificatie": "0344010000126652",
    },
    {
        "straat": "St.-Jacobsstraat", "huisnummer": 1, "huisletter": "B", "huisnummertoevoeging": None,
        "postcode": "3511BR", "woonplaats": "Utrecht",
        "nummeraanduidingIdentificatie": "0344200000161085",
        "adresseerbaarObjectIdentificatie": "0344010000126653",
    },
    # St.-Jacobsstraat 3A and 3B, with no 3: an address given as 3511BR 3 names neither exactly, so
    # an object view offers both (docs/integrator/objects.md).
    {
        "straat": "St.-Jacobsstraat", "huisnummer": 3, "huisletter": "A", "huisnummertoevoeging": None,
        "postcode": "3511BR", "woonplaats": "Utrecht",
        "nummeraanduidingIdentificatie": "0344200000161086",
        "adresseerbaarObjectIdentificatie": "0344010000126654",
    },
    {
        "straat": "St.-Jacobsstraat", "huisnummer": 3, "huisletter": "B", "huisnummertoevoeging": None,
        "postcode": "3511BR", "woonplaats": "Utrecht",
        "nummeraanduidingIdentificatie": "0344200000161087",
        "adresseerbaarObjectIdentificatie": "0344010000126655",
    },
]

NUMMERAANDUIDING_RE = re.compile(r"^[0-9]{4}20[0-9]{10}$")
ADRESSEERBAAR_OBJECT_RE = re.compile(r"^[0-9]{4}(01|02|03)[0-9]{10}$")
POSTCODE_RE = re.compile(r"^[1-9][0-9]{3} ?[a-zA-Z]{2}$")
HUISLETTER_RE = re.compile(r"^[a-zA-Z]$")
TOEVOEGING_RE = re.compile(r"^[0-9a-zA-Z]{1,4}$")
LIST_PARAMS = {
    "postcode", "huisnummer", "huisletter", "huisnummertoevoeging", "exacteMatch",
    "adresseerbaarObjectIdentificatie", "page", "pageSize",
    # Accepted and ignored by this demo: no related resources, no ended addresses.
    "expand", "inclusiefEindStatus",
}
TITLES = {
    400: ("Een of meerdere parameters zijn niet correct.", "paramsValidation"),
    401: ("Niet correct geauthenticeerd.", "authentication"),
    403: ("U bent niet geautoriseerd voor deze operatie.", "autorisation"),
    404: ("Opgevraagde resource bestaat niet.", "notFound"),
    405: ("Methode niet toegestaan.", "methodNotAllowed"),
    406: ("Gevraagde contenttype wordt niet ondersteund.", "notAcceptable"),
}


def _adresregels(a: Mapping[str, Any]) -> tuple[str, str]:
    nummer = f"{a['huisnummer']}{a.get('huisletter') or ''}"
    if a.get("huisnummertoevoeging"):
        nummer += f"-{a['huisnummertoevoeging']}"
    postcode = a["postcode"]
    return f"{a['straat']} {nummer}", f"{postcode[:4]} {postcode[4:]}  {a['woonplaats'].upper()}"


def build_adressen() -> list[dict[str, Any]]:
    """Addresses in the spec's `Adres` shape (without `_links`, which depend on the server)."""
    sources = [
        {**a, "woonplaats": a.get("woonplaats") or a.get("plaats")} for a in ADDRESSES
    ] + EXTRA_ADDRESSES
    streets: dict[tuple[str, str], str] = {}
    adressen = []
    for a in sources:
        gemeente = a["nummeraanduidingIdentificatie"][:4]
        openbare_ruimte = streets.setdefault(
            (gemeente, a["straat"]), f"{gemeente}30{len(streets) + 1:010d}"
        )
        regel5, regel6 = _adresregels(a)
        adres = {
            "openbareRuimteNaam": a["straat"],
            "korteNaam": a["straat"][:24],
            "huisnummer": a["huisnummer"],
            **{key: a[key] for key in ("huisletter", "huisnummertoevoeging") if a.get(key)},
            "postcode": a["postcode"],
            "woonplaatsNaam": a["woonplaats"],
            "nummeraanduidingIdentificatie": a["nummeraanduidingIdentificatie"],
            "openbareRuimteIdentificatie": openbare_ruimte,
            "woonplaatsIdentificatie": WOONPLAATSEN[a["woonplaats"]],
            "adresseerbaarObjectIdentificatie": a["adresseerbaarObjectIdentificatie"],
            "pandIdentificaties": [pand_identificatie(a["adresseerbaarObjectIdentificatie"])],
            "adresregel5": regel5,
            "adresregel6": regel6,
        }
        adressen.append(adres)
    return adressen


class _Invalid:
    """Collects `invalid-params` entries and raises one 400 with all of them."""

    def __init__(self) -> None:
        self.params: list[dict[str, str]] = []

    def add(self, name: str, code: str, reason: str) -> None:
        self.params.append({
            "type": f"https://www.vng.nl/realisatie/api/validaties/{code}",
            "name": name, "code": code, "reason": reason,
        })

    def raise_if_any(self) -> None:
        if self.params:
            raise ProblemError(400, extra={"invalid-params": self.params})


class BagHandler(DemoRequestHandler):
    unavailable_title = "Service niet beschikbaar."
    server_error_title = "Interne fout."

    def handle_demo_request(self) -> None:
        path = self.request_path
        if not path.startswith(API_PATH):
            raise ProblemError(404)
        if self.command != "GET":
            raise ProblemError(405)
        self._authenticate()
        rest = path[len(API_PATH):].rstrip("/")
        query = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
        if rest == "info":
            self._accept("application/json")
            self.send_json(200, {
                "api-name": "BAG API Individuele Bevragingen (IKO demo)",
                "api-version": API_VERSION,
                "api-description": "Demo van de adressen uit de IKO demo-universe.",
                "informationmodel": "IMBAGLV",
                "informationmodel-version": "v20190601",
            })
            return
        self._accept(HAL_CONTENT_TYPE)
        if rest == "adressen":
            self._send_hal(*self._list(query))
        elif rest.startswith("adressen/") and rest.count("/") == 1:
            self._send_hal(self._one(rest.split("/", 1)[1]))
        elif rest == "adresseerbareobjecten":
            self._send_hal(*self._objecten(query))
        elif rest.startswith(("adresseerbareobjecten/", "panden/")) and rest.count("/") == 1:
            self._send_hal(self._object_or_pand(*rest.split("/")), {"Content-Crs": "epsg:28992"})
        else:
            raise ProblemError(404)

    # -- checks ----------------------------------------------------------------------------
    def _authenticate(self) -> None:
        key = self.demo.api_key
        if key is None:
            return
        given = self.headers.get("X-Api-Key")
        if not given:
            raise ProblemError(401)
        if given != key:
            raise ProblemError(403)

    def _accept(self, media_type: str) -> None:
        accept = self.headers.get("Accept")
        if not accept:
            return
        offered = {part.split(";")[0].strip().lower() for part in accept.split(",")}
        if not offered & {media_type, "application/json", "application/*", "*/*"}:
            raise ProblemError(406)

    # -- resources -------------------------------------------------------------------------
    def _one(self, identificatie: str) -> dict[str, Any]:
        if not NUMMERAANDUIDING_RE.match(identificatie):
            invalid = _Invalid()
            invalid.add("nummeraanduidingIdentificatie", "pattern",
                        "Waarde voldoet niet aan patroon ^[0-9]{4}20[0-9]{10}$.")
            invalid.raise_if_any()
        adres = self.demo.adressen_by_id.get(identificatie)
        if adres is None:
            raise ProblemError(404)
        return self._hal_adres(adres)

    def _list(self, query: dict[str, list[str]]) -> tuple[dict[str, Any], dict[str, str]]:
        """The HAL collection and its pagination headers."""
        invalid = _Invalid()
        for name in sorted(set(query) - LIST_PARAMS):
            invalid.add(name, "unknownParam", "Parameter is niet verwacht.")
        value = {name: values[-1] for name, values in query.items()}
        checks = {
            "postcode": (POSTCODE_RE, "Waarde voldoet niet aan patroon ^[1-9]{1}[0-9]{3}[ ]{0,1}[a-zA-Z]{2}$."),
            "huisletter": (HUISLETTER_RE, "Waarde voldoet niet aan patroon ^[a-zA-Z]{1}$."),
            "huisnummertoevoeging": (TOEVOEGING_RE, "Waarde voldoet niet aan patroon ^[0-9a-zA-Z]{1,4}$."),
            "adresseerbaarObjectIdentificatie": (ADRESSEERBAAR_OBJECT_RE, "Waarde voldoet niet aan patroon ^[0-9]{4}(01|02|03)[0-9]{10}$."),
        }
        for name, (pattern, reason) in checks.items():
            if name in value and not pattern.match(value[name]):
                invalid.add(name, "pattern", reason)
        huisnummer = self._integer(value, "huisnummer", 1, 99999, invalid)
        page = self._integer(value, "page", 1, 10**6, invalid) or 1
        size = self._integer(value, "pageSize", 10, 100, invalid) or 20
        for name in ("exacteMatch", "inclusiefEindStatus"):
            if name in value and value[name] not in ("true", "false"):
                invalid.add(name, "boolean", "Waarde is geen geldige boolean.")
        invalid.raise_if_any()

        by_postcode = "postcode" in value or "huisnummer" in value
        by_object = "adresseerbaarObjectIdentificatie" in value
        if not by_postcode and not by_object:
            raise ProblemError(400, "Ten minste één parameter moet worden opgegeven.", code="paramsRequired")
        if by_postcode and by_object or by_postcode and not ("postcode" in value and "huisnummer" in value):
            raise ProblemError(400, "De combinatie van opgegeven parameters is niet toegestaan.", code="unsupportedCombi")

        if by_object:
            found = [a for a in self.demo.adressen if a["adresseerbaarObjectIdentificatie"] == value["adresseerbaarObjectIdentificatie"]]
        else:
            found = [a for a in self.demo.adressen if self._matches(a, value, huisnummer)]
        window = found[(page - 1) * size : page * size]
        last = max(1, -(-len(found) // size))
        body: dict[str, Any] = {"_links": self._page_links(query, page, last)}
        if window:
            body["_embedded"] = {"adressen": [self._hal_adres(a) for a in window]}
        return body, {"X-Pagination-Page": str(page), "X-Pagination-Limit": str(size)}

    @staticmethod
    def _integer(value: dict[str, str], name: str, low: int, high: int, invalid: _Invalid) -> int | None:
        if name not in value:
            return None
        raw = value[name]
        if not raw.isascii() or not raw.isdigit():
            invalid.add(name, "integer", "Waarde is geen geldige integer.")
            return None
        number = int(raw)
        if number < low:
            invalid.add(name, "minimum", f"Waarde is lager dan minimum {low}.")
        elif number > high:
            invalid.add(name, "maximum", f"Waarde is hoger dan maximum {high}.")
        return number

    @staticmethod
    def _matches(adres: dict[str, Any], value: dict[str, str], huisnummer: int | None) -> bool:
        postcode = value["postcode"].replace(" ", "").upper()
        if adres["postcode"] != postcode or adres["huisnummer"] != huisnummer:
            return False
        exact = value.get("exacteMatch") == "true"
        for key in ("huisletter", "huisnummertoevoeging"):
            asked = (value.get(key) or "").lower()
            has = (adres.get(key) or "").lower()
            # Exact: what is not asked for must be absent. Otherwise: only what is asked counts.
            if (exact or asked) and asked != has:
                return False
        return True

    def _object_or_pand(self, resource: str, identificatie: str) -> dict[str, Any]:
        pattern, name = (PAND_RE, "identificatie") if resource == "panden" else (
            ADRESSEERBAAR_OBJECT_RE, "adresseerbaarObjectIdentificatie")
        if not pattern.match(identificatie):
            invalid = _Invalid()
            invalid.add(name, "pattern", f"Waarde voldoet niet aan patroon {pattern.pattern}.")
            invalid.raise_if_any()
        table, render = (self.demo.panden, hal_pand) if resource == "panden" else (self.demo.verblijfsobjecten, hal_object)
        found = table.get(identificatie)
        if found is None:
            raise ProblemError(404)
        return render(self.demo.api_root, found)

    def _objecten(self, query: dict[str, list[str]]) -> tuple[dict[str, Any], dict[str, str]]:
        invalid = _Invalid()
        for name in sorted(set(query) - OBJECT_LIST_PARAMS):
            invalid.add(name, "unknownParam", "Parameter is niet verwacht.")
        value = {name: values[-1] for name, values in query.items()}
        nummeraanduiding = value.get("nummeraanduidingIdentificatie")
        if nummeraanduiding is not None and not OBJECT_NUMMERAANDUIDING_RE.match(nummeraanduiding):
            invalid.add("nummeraanduidingIdentificatie", "pattern", "Waarde voldoet niet aan patroon ^[0-9]{4}20[0-9]{10}$.")
        page = self._integer(value, "page", 1, 10**6, invalid) or 1
        size = self._integer(value, "pageSize", 10, 100, invalid) or 20
        invalid.raise_if_any()
        if nummeraanduiding is None:
            raise ProblemError(400, "Ten minste één parameter moet worden opgegeven.", code="paramsRequired")
        found = objecten_with_address(self.demo.verblijfsobjecten, nummeraanduiding)
        window = found[(page - 1) * size : page * size]
        last = max(1, -(-len(found) // size))
        body: dict[str, Any] = {"_links": self._page_links(query, page, last, "adresseerbareobjecten")}
        if window:
            body["_embedded"] = {"adresseerbareObjecten": [hal_object(self.demo.api_root, v) for v in window]}
        return body, {"X-Pagination-Page": str(page), "X-Pagination-Limit": str(size)}

    # -- HAL -------------------------------------------------------------------------------
    def _hal_adres(self, adres: dict[str, Any]) -> dict[str, Any]:
        root = self.demo.api_root
        links = {
            "self": {"href": f"{root}adressen/{adres['nummeraanduidingIdentificatie']}"},
            "openbareRuimte": {"href": f"{root}openbareruimten/{adres['openbareRuimteIdentificatie']}"},
            "nummeraanduiding": {"href": f"{root}nummeraanduidingen/{adres['nummeraanduidingIdentificatie']}"},
            "woonplaats": {"href": f"{root}woonplaatsen/{adres['woonplaatsIdentificatie']}"},
            "adresseerbaarObject": {"href": f"{root}adresseerbareobjecten/{adres['adresseerbaarObjectIdentificatie']}"},
            "panden": [{"href": f"{root}panden/{pand}"} for pand in adres["pandIdentificaties"]],
        }
        return {**adres, "_links": links}

    def _page_links(self, query: dict[str, list[str]], page: int, last: int, resource: str = "adressen") -> dict[str, Any]:
        def href(number: int) -> dict[str, str]:
            params = {**query, "page": [str(number)]}
            return {"href": f"{self.demo.api_root}{resource}?{urlencode(params, doseq=True)}"}

        links = {"self": href(page), "first": href(1), "last": href(last)}
        if page > 1:
            links["previous"] = href(page - 1)
        if page < last:
            links["next"] = href(page + 1)
        return links

    # -- answers ---------------------------------------------------------------------------
    def _send_hal(self, payload: dict[str, Any], headers: Mapping[str, str] | None = None) -> None:
        self.send_json(200, payload, content_type=HAL_CONTENT_TYPE, headers=headers)

    def send_json(self, status: int, payload: Any, *, content_type: str = "application/json",
                  headers: Mapping[str, str] | None = None) -> None:
        super().send_json(status, payload, content_type=content_type,
                          headers={"API-Version": API_VERSION, **(headers or {})})

    def send_problem(self, status: int, title: str | None = None, *, detail: str | None = None,
                     code: str | None = None, type_: str | None = None,
                     extra: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None) -> None:
        # The BAG's `Error` requires type, title, status, detail and instance (a URI).
        default_title, default_code = TITLES.get(status, (None, None))
        phrase = HTTPStatus(status)
        super().send_problem(
            status,
            title or default_title or phrase.phrase,
            detail=detail or phrase.description or phrase.phrase,
            code=code or default_code,
            type_=type_ or self.problem_type(status),
            extra={"instance": self.demo.base_url + self.request_path, **(extra or {})},
            headers=headers,
        )


class BagDemoServer(DemoServer):
    """A `DemoServer` that holds the demo addresses and knows its API root."""

    def __init__(self, port: int = 0, *, api_key: str | None = None, **kwargs: Any) -> None:
        super().__init__(BagHandler, port, name="bag", **kwargs)
        self.api_key = api_key
        self.adressen = build_adressen()
        self.adressen_by_id = {a["nummeraanduidingIdentificatie"]: a for a in self.adressen}
        self.verblijfsobjecten, self.panden = build_objecten(self.adressen)

    @property
    def api_root(self) -> str:
        return self.base_url + API_PATH


def start_bag_server(
    port: int = 0,
    latency_ms: float | None = None,
    failure_rate: float | None = None,
    *,
    api_key: str | None = None,
) -> BagDemoServer:
    """Start the demo BAG API on 127.0.0.1 (fault settings also from IKO_DEMO_BAG_*)."""
    faults = fault_settings_from_env("BAG", latency_ms=latency_ms, failure_rate=failure_rate)
    return BagDemoServer(port, api_key=api_key, faults=faults).start()


if __name__ == "__main__":  # pragma: no cover - manual use
    server = BagDemoServer(int(sys.argv[1]) if len(sys.argv) > 1 else 0, faults=fault_settings_from_env("BAG"))
    print(f"BAG demo: {server.api_root}")
    server.serve_forever()
