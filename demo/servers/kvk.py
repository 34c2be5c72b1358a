"""Demo KVK Handelsregister on loopback: API Zoeken 2.1, Basisprofiel 1.5 and Vestigingsprofiel 1.4.

Answers like the vendored specs (tests/specs/kvk/zoeken-api-v2.yaml, basisprofiel-api-v1.yaml,
vestigingsprofiel-api-v1.yaml) under one API root ending in `/api/`, as KVK's own servers do:

* ``GET /api/v2/zoeken`` with the spec's filters and ``pagina`` / ``resultatenPerPagina``;
* ``GET /api/v1/basisprofielen/{kvkNummer}[/eigenaar|/hoofdvestiging|/vestigingen]``;
* ``GET /api/v1/vestigingsprofielen/{vestigingsnummer}``; ``geoData=true`` adds the BAG ids.

Errors use KVK's format ``{"fout": [{"code", "omschrijving"}]}``: 400 for invalid parameters,
404 when nothing is found, 401 without the right ``apikey`` header (only when the server was
started with a key), 406 for an Accept header it cannot serve. Paths that are not KVK's answer
404 problem+json, like a gateway in front of KVK would.

The registrations are built from `demo/universe.py`: the shared COMPANY (an eenmanszaak of test
person Albert Vogel with two vestigingen on BAG addresses the BAG demo knows) plus three invented
companies at the test persons' addresses, one of them no longer active, so that a search on
"Vogel" finds several. All of it is fictitious.

Start it with ``python -m demo.servers.kvk [--port 5012] [--api-key KEY]`` (defaults from
``IKO_DEMO_KVK_PORT`` / ``IKO_DEMO_KVK_API_KEY``) or, in code, ``start_kvk_server(port=0)``; fault injection through ``IKO_DEMO_KVK_LATENCY_MS`` /
``IKO_DEMO_KVK_FAILURE_RATE`` / ``IKO_DEMO_KVK_FAIL_MODE`` (see `demo.servers.base`).
"""

from __future__ import annotations

import argparse
import hmac
import os
import re
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from demo.universe import COMPANY, PERSONS_BY_BSN

from .base import DemoRequestHandler, DemoServer, ProblemError, fault_settings_from_env

DEFAULT_PORT = 5012
HAL = "application/hal+json"
API_VERSIONS = {"zoeken": "2.1.0", "basisprofiel": "1.5.0", "vestigingsprofiel": "1.4.0"}
MAX_RESULTS = 1000  # API Zoeken never shows more
ZOEKEN_TYPES = ("hoofdvestiging", "nevenvestiging", "rechtspersoon")
RECHTSPERSONEN = ("Besloten Vennootschap", "Naamloze Vennootschap", "Stichting", "Vereniging")

NOT_FOUND_SEARCH = "Er zijn geen resultaten gevonden aan de hand van de opgegeven parameter(s)"
INVALID_PARAMS = "De opgegeven parameter(s) zijn niet valide"

# Invented GPS and rijksdriehoek coordinates per nummeraanduiding (close to the real streets).
COORDINATES = {
    "0599200000219679": (51.93397, 4.49418, 93510.0, 438650.0),
    "0518200000583569": (52.07693, 4.31940, 81730.0, 454960.0),
    "0344200000161083": (52.09469, 5.11527, 136560.0, 456210.0),
    "0518200000631273": (52.04561, 4.27802, 78810.0, 451540.0),
    "0599200000412785": (51.90268, 4.51022, 94590.0, 435160.0),
}


# --- the registrations -----------------------------------------------------------------------


def _person_address(bsn: str) -> dict[str, Any]:
    adres = PERSONS_BY_BSN[bsn]["adres"]
    return {
        "straat": adres["straat"], "huisnummer": adres["huisnummer"], "huisletter": adres["huisletter"],
        "postcode": adres["postcode"], "plaats": adres["woonplaats"],
        "nummeraanduidingIdentificatie": adres["nummeraanduidingIdentificatie"],
        "adresseerbaarObjectIdentificatie": adres["adresseerbaarObjectIdentificatie"],
    }


def _vestiging(number: str, type_: str, naam: str, adres: dict, *, personen=(1, 0), handelsnamen=None, websites=()):
    return {
        "vestigingsnummer": number, "type": type_, "eersteHandelsnaam": naam, "adres": adres,
        "handelsnamen": list(handelsnamen or [naam]), "voltijd": personen[0], "deeltijd": personen[1],
        "websites": list(websites),
    }


def build_registrations() -> list[dict[str, Any]]:
    """All demo companies, in an internal shape the answers below are built from."""
    bakkerij = [
        _vestiging(
            v["vestigingsnummer"], v["type"], v["eersteHandelsnaam"],
            {"huisletter": None, **v["adres"]},
            personen=(2, 1) if v["type"] == "hoofdvestiging" else (1, 1),
            websites=("www.bakkerijvogel.example",) if v["type"] == "hoofdvestiging" else (),
        )
        for v in COMPANY["vestigingen"]
    ]
    return [
        {
            "kvkNummer": COMPANY["kvkNummer"], "rsin": COMPANY["rsin"], "naam": COMPANY["naam"],
            "statutaireNaam": None, "rechtsvorm": COMPANY["rechtsvorm"], "indNonMailing": "Nee",
            "datumAanvang": "20190301", "datumEinde": None,
            "handelsnamen": [v["eersteHandelsnaam"] for v in COMPANY["vestigingen"]],
            "sbi": [("1071", "Vervaardiging van brood en vers banketbakkerswerk"),
                    ("4724", "Winkels in brood, banket, chocolade en suikerwerk")],
            "vestigingen": bakkerij,
        },
        {
            "kvkNummer": "90005384", "rsin": "861523076", "naam": "Den Brinck Advies B.V.",
            "statutaireNaam": "Den Brinck Advies B.V.", "rechtsvorm": "Besloten Vennootschap",
            "indNonMailing": "Ja", "datumAanvang": "20160912", "datumEinde": None,
            "handelsnamen": ["Den Brinck Advies"],
            "sbi": [("70221", "Organisatie-adviesbureaus")],
            "vestigingen": [
                _vestiging("000059301428", "hoofdvestiging", "Den Brinck Advies",
                           _person_address("999990160"), websites=("www.denbrinckadvies.example",)),
            ],
        },
        {
            "kvkNummer": "90006518", "rsin": "862034115", "naam": "Vogelvlucht Reizen V.O.F.",
            "statutaireNaam": None, "rechtsvorm": "Vennootschap onder firma", "indNonMailing": "Nee",
            "datumAanvang": "20210517", "datumEinde": None,
            "handelsnamen": ["Vogelvlucht Reizen"],
            "sbi": [("7911", "Reisbemiddeling")],
            "vestigingen": [
                _vestiging("000059377742", "hoofdvestiging", "Vogelvlucht Reizen",
                           _person_address("999993847"), personen=(0, 2)),
            ],
        },
        {
            # Albert Vogel's earlier business, ended before Bakkerij Vogel started.
            "kvkNummer": "90001237", "rsin": None, "naam": "Broodbakkerij Vogel",
            "statutaireNaam": None, "rechtsvorm": "Eenmanszaak", "indNonMailing": "Nee",
            "datumAanvang": "19980401", "datumEinde": "20190228",
            "handelsnamen": ["Broodbakkerij Vogel"],
            "sbi": [("1071", "Vervaardiging van brood en vers banketbakkerswerk")],
            "vestigingen": [
                _vestiging("000059100012", "hoofdvestiging", "Broodbakkerij Vogel",
                           _person_address("999992570"), personen=(0, 0)),
            ],
        },
    ]


# --- answers in the specs' shapes ------------------------------------------------------------


def _ja_nee(value: bool) -> str:
    return "Ja" if value else "Nee"


def _volledig_adres(adres: dict) -> str:
    nummer = f"{adres['huisnummer']}{adres.get('huisletter') or ''}"
    return f"{adres['straat']} {nummer} {adres['postcode']} {adres['plaats']}"


def _adres_json(adres: dict, geo: bool) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "type": "bezoekadres", "indAfgeschermd": "Nee", "volledigAdres": _volledig_adres(adres),
        "straatnaam": adres["straat"], "huisnummer": adres["huisnummer"],
    }
    if adres.get("huisletter"):
        answer["huisletter"] = adres["huisletter"]
    answer.update({"postcode": adres["postcode"], "plaats": adres["plaats"], "land": "Nederland"})
    if geo:
        lat, lon, x, y = COORDINATES[adres["nummeraanduidingIdentificatie"]]
        answer["geoData"] = {
            "addresseerbaarObjectId": adres["adresseerbaarObjectIdentificatie"],
            "nummerAanduidingId": adres["nummeraanduidingIdentificatie"],
            "gpsLatitude": lat, "gpsLongitude": lon,
            "rijksdriehoekX": x, "rijksdriehoekY": y, "rijksdriehoekZ": 0.0,
        }
    return answer


def _sbi_json(company: dict) -> list[dict[str, str]]:
    return [
        {"sbiCode": code, "sbiOmschrijving": text, "indHoofdactiviteit": _ja_nee(i == 0)}
        for i, (code, text) in enumerate(company["sbi"])
    ]


def _registratie(company: dict) -> dict[str, str]:
    registratie = {"datumAanvang": company["datumAanvang"]}
    if company["datumEinde"]:
        registratie["datumEinde"] = company["datumEinde"]
    return registratie


def _werkzame_personen(company: dict) -> int:
    return sum(v["voltijd"] + v["deeltijd"] for v in company["vestigingen"])


def vestiging_json(company: dict, vestiging: dict, root: str, *, geo: bool, embedded: bool = False,
                   profiel: str = "basisprofiel") -> dict[str, Any]:
    """A `Vestiging`. Embedded in a basisprofiel it has no rsin and no handelsnamen (spec)."""
    answer: dict[str, Any] = {"vestigingsnummer": vestiging["vestigingsnummer"], "kvkNummer": company["kvkNummer"]}
    if company["rsin"] and not embedded:
        answer["rsin"] = company["rsin"]
    answer.update({
        "indNonMailing": company["indNonMailing"],
        "formeleRegistratiedatum": company["datumAanvang"],
        "materieleRegistratie": _registratie(company),
    })
    hoofd = vestiging["type"] == "hoofdvestiging"
    if company["statutaireNaam"] and hoofd and profiel == "basisprofiel":
        answer["statutaireNaam"] = company["statutaireNaam"]
    answer.update({
        "eersteHandelsnaam": vestiging["eersteHandelsnaam"],
        "indHoofdvestiging": _ja_nee(hoofd),
        "indCommercieleVestiging": "Ja",
        "voltijdWerkzamePersonen": vestiging["voltijd"],
        "totaalWerkzamePersonen": vestiging["voltijd"] + vestiging["deeltijd"],
        "deeltijdWerkzamePersonen": vestiging["deeltijd"],
    })
    if not embedded:
        answer["handelsnamen"] = [{"naam": n, "volgorde": i} for i, n in enumerate(vestiging["handelsnamen"], 1)]
    answer["adressen"] = [_adres_json(vestiging["adres"], geo)]
    if vestiging["websites"]:
        answer["websites"] = vestiging["websites"]
    answer["sbiActiviteiten"] = _sbi_json(company)
    answer["links"] = [
        {"rel": "self", "href": f"{root}v1/vestigingsprofielen/{vestiging['vestigingsnummer']}"},
        {"rel": "basisprofiel", "href": f"{root}v1/basisprofielen/{company['kvkNummer']}"},
    ]
    return answer


def eigenaar_json(company: dict, root: str, *, geo: bool) -> dict[str, Any]:
    answer: dict[str, Any] = {}
    if company["rsin"]:
        answer["rsin"] = company["rsin"]
    answer.update({"rechtsvorm": company["rechtsvorm"], "uitgebreideRechtsvorm": company["rechtsvorm"]})
    if company["datumEinde"]:
        answer["datumUitschrijving"] = company["datumEinde"]
    if company["rechtsvorm"] in RECHTSPERSONEN:
        # A natural person's home address is not in the public register: only rechtspersonen
        # show an address of their own here.
        answer["adressen"] = [_adres_json(_hoofdvestiging(company)["adres"], geo)]
    answer["links"] = [
        {"rel": "self", "href": f"{root}v1/basisprofielen/{company['kvkNummer']}/eigenaar"},
        {"rel": "basisprofiel", "href": f"{root}v1/basisprofielen/{company['kvkNummer']}"},
    ]
    return answer


def _hoofdvestiging(company: dict) -> dict:
    return next(v for v in company["vestigingen"] if v["type"] == "hoofdvestiging")


def basisprofiel_json(company: dict, root: str, *, geo: bool) -> dict[str, Any]:
    kvk = company["kvkNummer"]
    answer: dict[str, Any] = {
        "kvkNummer": kvk,
        "indNonMailing": company["indNonMailing"],
        "naam": company["naam"],
        "formeleRegistratiedatum": company["datumAanvang"],
        "materieleRegistratie": _registratie(company),
        "totaalWerkzamePersonen": _werkzame_personen(company),
    }
    if company["statutaireNaam"]:
        answer["statutaireNaam"] = company["statutaireNaam"]
    answer["handelsnamen"] = [{"naam": n, "volgorde": i} for i, n in enumerate(company["handelsnamen"], 1)]
    answer["sbiActiviteiten"] = _sbi_json(company)
    answer["links"] = [
        {"rel": "self", "href": f"{root}v1/basisprofielen/{kvk}"},
        {"rel": "vestigingen", "href": f"{root}v1/basisprofielen/{kvk}/vestigingen"},
    ]
    answer["_embedded"] = {
        "hoofdvestiging": vestiging_json(company, _hoofdvestiging(company), root, geo=geo, embedded=True),
        "eigenaar": eigenaar_json(company, root, geo=geo),
    }
    return answer


def vestigingen_json(company: dict, root: str) -> dict[str, Any]:
    kvk = company["kvkNummer"]
    vestigingen = [
        {
            "vestigingsnummer": v["vestigingsnummer"], "kvkNummer": kvk,
            "eersteHandelsnaam": v["eersteHandelsnaam"],
            "indHoofdvestiging": _ja_nee(v["type"] == "hoofdvestiging"),
            "indAdresAfgeschermd": "Nee", "indCommercieleVestiging": "Ja",
            "volledigAdres": _volledig_adres(v["adres"]),
            "links": [{"rel": "vestigingsprofiel", "href": f"{root}v1/vestigingsprofielen/{v['vestigingsnummer']}"}],
        }
        for v in company["vestigingen"]
    ]
    return {
        "kvkNummer": kvk,
        "aantalCommercieleVestigingen": len(vestigingen),
        "aantalNietCommercieleVestigingen": 0,
        "totaalAantalVestigingen": len(vestigingen),
        "vestigingen": vestigingen,
        "links": [{"rel": "self", "href": f"{root}v1/basisprofielen/{kvk}/vestigingen"}],
    }


def zoek_items(company: dict, root: str) -> list[dict[str, Any]]:
    """The search results of one company: its rechtspersoon (if it is one) and each vestiging."""
    kvk = company["kvkNummer"]
    actief = _ja_nee(company["datumEinde"] is None)
    base = {"kvkNummer": kvk, **({"rsin": company["rsin"]} if company["rsin"] else {})}
    items = []
    if company["rechtsvorm"] in RECHTSPERSONEN:
        items.append({
            **base, "naam": company["statutaireNaam"] or company["naam"], "type": "rechtspersoon",
            "actief": actief, "_links": {"basisprofiel": {"href": f"{root}v1/basisprofielen/{kvk}"}},
            "_names": [company["naam"], company["statutaireNaam"] or ""],
        })
    for v in company["vestigingen"]:
        adres = {"type": "bezoekadres", "straatnaam": v["adres"]["straat"], "huisnummer": v["adres"]["huisnummer"]}
        if v["adres"].get("huisletter"):
            adres["huisletter"] = v["adres"]["huisletter"]
        adres.update({"postcode": v["adres"]["postcode"], "plaats": v["adres"]["plaats"]})
        items.append({
            **base, "vestigingsnummer": v["vestigingsnummer"], "naam": v["eersteHandelsnaam"],
            "adres": {"binnenlandsAdres": adres}, "type": v["type"], "actief": actief,
            "_links": {
                "basisprofiel": {"href": f"{root}v1/basisprofielen/{kvk}"},
                "vestigingsprofiel": {"href": f"{root}v1/vestigingsprofielen/{v['vestigingsnummer']}"},
            },
            "_names": v["handelsnamen"],
        })
    return items


# --- the server ------------------------------------------------------------------------------


class KvkFout(Exception):
    """Raised in the handler to answer in KVK's error format."""

    def __init__(self, status: int, code: str, omschrijving: str):
        super().__init__(omschrijving)
        self.status, self.code, self.omschrijving = status, code, omschrijving


_ZOEKEN = re.compile(r"^/api/v2/zoeken/?$")
_BASISPROFIEL = re.compile(r"^/api/v1/basisprofielen/([^/]+)(?:/(eigenaar|hoofdvestiging|vestigingen))?/?$")
_VESTIGINGSPROFIEL = re.compile(r"^/api/v1/vestigingsprofielen/([^/]+)/?$")

_PATTERNS = {
    "kvkNummer": (re.compile(r"^[0-9]{8}$"), "IPD0004", "Het opgegeven KVK-nummer is niet valide."),
    "rsin": (re.compile(r"^[0-9]{9}$"), "IPD0010", "Het opgegeven RSIN is niet valide."),
    "vestigingsnummer": (re.compile(r"^[0-9]{12}$"), "IPD0006", "Het opgegeven vestigingsnummer is niet valide."),
    "postcode": (re.compile(r"^[0-9]{4}[a-zA-Z]{2}$"), "IPD1999", INVALID_PARAMS),
    "huisnummer": (re.compile(r"^[0-9]{1,5}$"), "IPD1999", INVALID_PARAMS),
    "huisletter": (re.compile(r"^[a-zA-Z]$"), "IPD1999", INVALID_PARAMS),
    "postbusnummer": (re.compile(r"^[0-9]{1,5}$"), "IPD1999", INVALID_PARAMS),
}
_CRITERIA = ("kvkNummer", "rsin", "vestigingsnummer", "naam", "straatnaam", "plaats", "postcode")


class KvkRequestHandler(DemoRequestHandler):
    server_error_code = "IPD9999"

    @property
    def root(self) -> str:
        return self.demo.api_root

    def handle_demo_request(self) -> None:
        try:
            self._route()
        except KvkFout as fout:
            self.send_json(
                fout.status,
                {"fout": [{"code": fout.code, "omschrijving": fout.omschrijving}]},
                content_type=HAL,
            )

    def _route(self) -> None:
        key = self.demo.api_key
        if key and not hmac.compare_digest(
            (self.headers.get("apikey") or "").encode(), key.encode()
        ):
            raise KvkFout(401, "401", "Geen of onjuiste apikey aangeleverd")
        path = self.request_path
        match = None
        for pattern, api in ((_ZOEKEN, "zoeken"), (_BASISPROFIEL, "basisprofiel"), (_VESTIGINGSPROFIEL, "vestigingsprofiel")):
            match = pattern.match(path)
            if match:
                break
        if match is None:
            raise ProblemError(404, detail="This demo KVK server serves /api/v2/zoeken, /api/v1/basisprofielen and /api/v1/vestigingsprofielen.")
        if self.command != "GET":
            raise ProblemError(405, headers={"Allow": "GET"})
        media_type = self._media_type()
        query = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
        if api == "zoeken":
            payload = self._zoeken(query)
        elif api == "basisprofiel":
            payload = self._basisprofiel(match.group(1), match.group(2), query)
        else:
            payload = self._vestigingsprofiel(match.group(1), query)
        self.send_json(200, payload, content_type=media_type, headers={"api-version": API_VERSIONS[api]})

    def _media_type(self) -> str:
        accepted = [p.split(";")[0].strip().lower() for p in (self.headers.get("Accept") or "*/*").split(",")]
        if any(t in (HAL, "*/*", "application/*") for t in accepted):
            return HAL
        if "application/json" in accepted:
            return "application/json"
        raise KvkFout(406, "406", "Opgegeven Accept header wordt niet ondersteund")

    # -- parameters -----------------------------------------------------------------------
    @staticmethod
    def _one(query: dict, name: str) -> str | None:
        values = query.get(name)
        return values[0] if values else None

    @staticmethod
    def _checked(name: str, value: str) -> str:
        pattern, code, text = _PATTERNS[name]
        if not pattern.match(value):
            raise KvkFout(400, code, text)
        return value

    @staticmethod
    def _boolean(value: str | None, default: bool) -> bool:
        if value is None:
            return default
        if value.lower() not in ("true", "false"):
            raise KvkFout(400, "IPD1999", INVALID_PARAMS)
        return value.lower() == "true"

    @staticmethod
    def _page_number(value: str | None, default: int, high: int) -> int:
        if value is None:
            return default
        if not value.isdigit() or not 1 <= int(value) <= high:
            raise KvkFout(400, "IPD1999", INVALID_PARAMS)
        return int(value)

    def _geo(self, query: dict) -> bool:
        return self._boolean(self._one(query, "geoData"), False)

    # -- the APIs -------------------------------------------------------------------------
    def _company(self, kvk_nummer: str) -> dict:
        self._checked("kvkNummer", kvk_nummer)
        company = self.demo.companies.get(kvk_nummer)
        if company is None:
            raise KvkFout(404, "IPD0005", f"Het product is niet leverbaar voor KVK-nummer {kvk_nummer}")
        return company

    def _basisprofiel(self, kvk_nummer: str, sub: str | None, query: dict) -> dict:
        company = self._company(kvk_nummer)
        if sub == "vestigingen":
            return vestigingen_json(company, self.root)
        geo = self._geo(query)
        if sub == "eigenaar":
            return eigenaar_json(company, self.root, geo=geo)
        if sub == "hoofdvestiging":
            return vestiging_json(company, _hoofdvestiging(company), self.root, geo=geo)
        return basisprofiel_json(company, self.root, geo=geo)

    def _vestigingsprofiel(self, vestigingsnummer: str, query: dict) -> dict:
        self._checked("vestigingsnummer", vestigingsnummer)
        geo = self._geo(query)
        found = self.demo.vestigingen.get(vestigingsnummer)
        if found is None:
            raise KvkFout(404, "IPD0007", f"Het product is niet leverbaar voor vestigingsnummer {vestigingsnummer}")
        company, vestiging = found
        return vestiging_json(company, vestiging, self.root, geo=geo, profiel="vestigingsprofiel")

    def _zoeken(self, query: dict) -> dict:
        criteria = {}
        for name in ("kvkNummer", "rsin", "vestigingsnummer", "postcode", "huisnummer", "huisletter", "postbusnummer"):
            value = self._one(query, name)
            if value is not None:
                criteria[name] = self._checked(name, value)
        for name in ("naam", "straatnaam", "plaats"):
            value = (self._one(query, name) or "").strip()
            if value:
                criteria[name] = value
        types = query.get("type") or []
        if any(t not in ZOEKEN_TYPES for t in types):
            raise KvkFout(400, "IPD5203", "Het opgegeven type is niet valide.")
        inactief = self._boolean(self._one(query, "inclusiefInactieveRegistraties"), False)
        pagina = self._page_number(self._one(query, "pagina"), 1, 1000)
        per_pagina = self._page_number(self._one(query, "resultatenPerPagina"), 10, 100)
        if not any(name in criteria for name in _CRITERIA):
            raise KvkFout(400, "IPD1999", INVALID_PARAMS)
        has_number = "huisnummer" in criteria or "postbusnummer" in criteria
        if ("postcode" in criteria) != has_number or ("huisletter" in criteria and "huisnummer" not in criteria):
            raise KvkFout(400, "IPD1999", INVALID_PARAMS)

        hits = [
            item for item in self.demo.zoek_items
            if (inactief or item["actief"] == "Ja") and (not types or item["type"] in types)
            and _matches(item, criteria)
        ]
        if not hits:
            raise KvkFout(404, "IPD5200", NOT_FOUND_SEARCH)
        shown = hits[:MAX_RESULTS]
        start = (pagina - 1) * per_pagina
        page = {
            "pagina": pagina,
            "resultatenPerPagina": per_pagina,
            "totaal": len(hits),
            "resultaten": [_public(item) for item in shown[start : start + per_pagina]],
        }
        links = {"self": self._page_url(query, pagina)}
        if pagina > 1:
            page["vorige"] = links["vorige"] = self._page_url(query, pagina - 1)
        if start + per_pagina < len(shown):
            page["volgende"] = links["volgende"] = self._page_url(query, pagina + 1)
        page["_links"] = {name: {"href": href} for name, href in links.items()}
        return page

    def _page_url(self, query: dict, pagina: int) -> str:
        pairs = [(k, v) for k, values in query.items() if k != "pagina" for v in values]
        return f"{self.root}v2/zoeken?{urlencode(pairs + [('pagina', pagina)], quote_via=quote)}"


def _matches(item: dict, criteria: dict) -> bool:
    adres = (item.get("adres") or {}).get("binnenlandsAdres") or {}
    for name, value in criteria.items():
        if name in ("kvkNummer", "rsin", "vestigingsnummer"):
            ok = item.get(name) == value
        elif name == "naam":
            ok = any(value.lower() in n.lower() for n in [item["naam"], *item["_names"]] if n)
        elif name == "straatnaam":
            ok = value.lower() in str(adres.get("straatnaam", "")).lower()
        elif name == "plaats":
            ok = value.lower() == str(adres.get("plaats", "")).lower()
        elif name == "postcode":
            ok = value.upper() == adres.get("postcode")
        elif name == "huisnummer":
            ok = int(value) == adres.get("huisnummer")
        elif name == "huisletter":
            ok = value.upper() == str(adres.get("huisletter", "")).upper()
        else:  # postbusnummer: no demo company has a postbus
            ok = False
        if not ok:
            return False
    return True


def _public(item: dict) -> dict:
    """A search result without the demo's own matching aid."""
    return {key: value for key, value in item.items() if key != "_names"}


class KvkDemoServer(DemoServer):
    """A `DemoServer` holding the demo registrations; `api_root` ends in `/api/`."""

    def __init__(self, port: int = 0, *, api_key: str | None = None, **kwargs: Any) -> None:
        super().__init__(KvkRequestHandler, port, name="kvk", **kwargs)
        self.api_key = api_key
        registrations = build_registrations()
        self.companies = {c["kvkNummer"]: c for c in registrations}
        self.vestigingen = {v["vestigingsnummer"]: (c, v) for c in registrations for v in c["vestigingen"]}
        self.zoek_items = [item for c in registrations for item in zoek_items(c, self.api_root)]

    @property
    def api_root(self) -> str:
        return f"{self.base_url}/api/"


def start_kvk_server(
    port: int = 0,
    latency_ms: float | None = None,
    failure_rate: float | None = None,
    *,
    fail_mode: str | None = None,
    api_key: str | None = None,
) -> KvkDemoServer:
    """Start the demo KVK server on 127.0.0.1 in a background thread and return it.

    With `api_key` every request needs that key in the `apikey` header (else 401). Faults not
    given here come from ``IKO_DEMO_KVK_*`` (see `fault_settings_from_env`).
    """
    faults = fault_settings_from_env(
        "KVK", latency_ms=latency_ms, failure_rate=failure_rate, fail_mode=fail_mode
    )
    return KvkDemoServer(port, api_key=api_key, faults=faults).start()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Demo KVK Handelsregister API on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("IKO_DEMO_KVK_PORT", DEFAULT_PORT)))
    parser.add_argument(
        "--api-key", default=os.environ.get("IKO_DEMO_KVK_API_KEY") or None,
        help="require this key in the apikey header (default: IKO_DEMO_KVK_API_KEY, else none)",
    )
    args = parser.parse_args(argv)
    server = KvkDemoServer(args.port, api_key=args.api_key, faults=fault_settings_from_env("KVK"))
    auth = "apikey header required" if args.api_key else "no API key required"
    print(f"Demo KVK API at {server.api_root} ({auth}); Ctrl+C stops it.", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
