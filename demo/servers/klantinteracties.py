"""Demo Open Klant 2.x server on 127.0.0.1: the Klantinteracties API and the Contactgegevens API on
one port, under ``/klantinteracties/api/v1/`` and ``/contactgegevens/api/v1/`` as in Open Klant.

Specs: ``tests/specs/klantinteracties/openapi.yaml`` (Klantinteracties API 0.9.0, Open Klant
2.18) and ``tests/specs/contactgegevens/openapi.yaml`` (Contactgegevens API 1.1.1). Served,
read only (other methods answer 405) except ``POST maak-klantcontact`` (klantinteracties_write.py):

* Klantinteracties: ``partijen`` (the ``partijIdentificator__*`` and ``subIdentificatorVan__*``
  filters, soortPartij, indicatieActief, ...; ``expand`` betrokkenen, betrokkenen.hadKlantcontact,
  categorieRelaties, digitaleAdressen), ``klantcontacten`` (the
  ``hadBetrokkene__wasPartij__partijIdentificator__*`` filters, hadBetrokkene__wasPartij__uuid,
  kanaal, onderwerp, ...; ``expand`` hadBetrokkenen, hadBetrokkenen.wasPartij,
  gingOverOnderwerpobjecten, ...), ``betrokkenen``, ``digitaleadressen``, ``onderwerpobjecten``,
  ``partij-identificatoren``, ``actoren``, ``actorklantcontacten``, ``categorieen``, each with
  ``/{uuid}``; the other collections of the spec answer empty lists.
* Contactgegevens: ``persoon`` and ``organisatie`` (list and ``/{uuid}``; the API has no filters).

Like Open Klant, unknown query parameters are ignored, and so is a filter with an empty value:
the answer then holds every record (so a misspelt filter leaks everyone, which connectors must
guard against). Each ``partijIdentificator__*`` filter matches *any* identificator of a partij, as
in Open Klant.
Lists are newest first (Open Klant orders by ``-pk``) and paginated with ``page`` and
``pageSize`` (default 100, maximum 500) as ``{count, next, previous, results}``. Every request
needs ``Authorization: Token <token>`` (``DEMO_TOKEN`` unless started with another or None).
Errors are ``application/problem+json``.

The data follow ``demo/universe.py`` (a partij per person and one for the company, with their
identificatoren, digitale adressen and klantcontacten from ``demo/data/klantinteracties.json``,
built in klantinteracties_data.py);
onderwerpobjecten point at the zaken of ``demo/data/zaken.json`` by zaaknummer. The
Contactgegevens API holds a persoon per person and an organisatie for the company; as that API
has no BSN or KVK field, `contactgegevens_uuid(bsn_or_kvk)` tells which record is whose.

    from demo.servers.klantinteracties import start_klantinteracties_server
    with start_klantinteracties_server() as server:
        requests.get(server.api_root + "partijen", params={...}, headers={"Authorization": "Token ..."})

Or in the foreground: ``python -m demo.servers.klantinteracties --port 5030``.
"""

from __future__ import annotations

import argparse
import uuid
from typing import Any, Callable
from urllib.parse import parse_qs, urlencode

from .klantinteracties_write import maak_klantcontact
from .base import DemoRequestHandler, DemoServer, FaultSettings, ProblemError, fault_settings_from_env
from .klantinteracties_data import (
    KLANTINTERACTIES_PREFIX, CONTACTGEGEVENS_PREFIX, KLANTINTERACTIES_VERSION,
    CONTACTGEGEVENS_VERSION, DEFAULT_PORT, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, DEMO_TOKEN,
    IDENTIFICATOR_FIELDS, KlantinteractiesDataset, load_cast,
)

# --- filters -------------------------------------------------------------------------------
Predicate = Callable[[KlantinteractiesDataset, dict, str], bool]


def _uuid_of_url(value: str) -> str:
    return value.rstrip("/").rsplit("/", 1)[-1]


def _any_identificator(field: str) -> Callable[[KlantinteractiesDataset, dict, str], bool]:
    """Open Klant's `partijIdentificator__<field>`: any identificator of the partij matches."""
    return lambda data, partij, value: any(i[field] == value for i in data.identificatoren_of(partij))


def _any_sub_identificator(field: str) -> Predicate:
    def predicate(data: KlantinteractiesDataset, partij: dict, value: str) -> bool:
        subs = [data.get("partij-identificatoren", i["subIdentificatorVan"]) for i in partij["partijIdentificatoren"]]
        return any(s and s["partijIdentificator"][field] == value for s in subs)
    return predicate


def _boolean(field: str) -> Predicate:
    return lambda data, record, value: record.get(field) is _parse_bool(field, value)


def _exact(field: str) -> Predicate:
    return lambda data, record, value: str(record.get(field)) == value


def _icontains(field: str) -> Predicate:
    return lambda data, record, value: value.casefold() in str(record.get(field) or "").casefold()


def _ref_uuid(field: str, *, is_url: bool = False) -> Predicate:
    def predicate(data: KlantinteractiesDataset, record: dict, value: str) -> bool:
        wanted = _uuid_of_url(value) if is_url else value
        ref = record.get(field)
        return bool(ref) and ref["uuid"] == wanted
    return predicate


PartijenOf = Callable[[KlantinteractiesDataset, dict], list[dict]]


def _via_partij(partij_predicate: Predicate, partijen: PartijenOf) -> Predicate:
    return lambda data, record, value: any(partij_predicate(data, p, value) for p in partijen(data, record))


def _adres_field(prefix: str, field: str) -> Predicate:
    return lambda data, partij, value: (partij.get(prefix) or {}).get(field) == value


def _partij_of(field: str) -> PartijenOf:
    def partijen(data: KlantinteractiesDataset, record: dict) -> list[dict]:
        partij = data.get("partijen", record.get(field))
        return [partij] if partij else []
    return partijen


def _klantcontact_partijen(data: KlantinteractiesDataset, klantcontact: dict) -> list[dict]:
    return data.partijen_of_betrokkenen(klantcontact)


PARTIJ_FILTERS: dict[str, Predicate] = {
    **{f"partijIdentificator__{f}": _any_identificator(f) for f in IDENTIFICATOR_FIELDS},
    **{f"subIdentificatorVan__{f}": _any_sub_identificator(f) for f in IDENTIFICATOR_FIELDS},
    "soortPartij": _exact("soortPartij"),
    "nummer": _exact("nummer"),
    "indicatieActief": _boolean("indicatieActief"),
    "indicatieGeheimhouding": _boolean("indicatieGeheimhouding"),
    "bezoekadresNummeraanduidingId": _adres_field("bezoekadres", "nummeraanduidingId"),
    "correspondentieadresNummeraanduidingId": _adres_field("correspondentieadres", "nummeraanduidingId"),
}
KLANTCONTACT_FILTERS: dict[str, Predicate] = {
    **{
        f"hadBetrokkene__wasPartij__partijIdentificator__{f}": _via_partij(
            _any_identificator(f), _klantcontact_partijen
        )
        for f in IDENTIFICATOR_FIELDS
    },
    "hadBetrokkene__wasPartij__uuid": _via_partij(lambda d, p, v: p["uuid"] == v, _klantcontact_partijen),
    "hadBetrokkene__wasPartij__url": _via_partij(lambda d, p, v: p["uuid"] == _uuid_of_url(v), _klantcontact_partijen),
    "hadBetrokkene__uuid": lambda d, k, v: any(b["uuid"] == v for b in k["hadBetrokkenen"]),
    "hadBetrokkene__url": lambda d, k, v: any(b["uuid"] == _uuid_of_url(v) for b in k["hadBetrokkenen"]),
    "kanaal": _exact("kanaal"),
    "onderwerp": _icontains("onderwerp"),
    "inhoud": _icontains("inhoud"),
    "reactie": _icontains("reactie"),
    "referentienummer": _exact("referentienummer"),
    "vertrouwelijk": _boolean("vertrouwelijk"),
    "indicatieContactGelukt": _boolean("indicatieContactGelukt"),
    "onderwerpobject__onderwerpobjectidentificatorObjectId": lambda d, k, v: any(
        (d.get("onderwerpobjecten", o) or {}).get("onderwerpobjectidentificator", {}).get("objectId") == v
        for o in k["gingOverOnderwerpobjecten"]
    ),
}
BETROKKENE_FILTERS: dict[str, Predicate] = {
    **{
        f"wasPartij__partijIdentificator__{f}": _via_partij(_any_identificator(f), _partij_of("wasPartij"))
        for f in IDENTIFICATOR_FIELDS
    },
    "wasPartij__uuid": _ref_uuid("wasPartij"),
    "wasPartij__url": _ref_uuid("wasPartij", is_url=True),
    "hadKlantcontact__uuid": _ref_uuid("hadKlantcontact"),
    "hadKlantcontact__url": _ref_uuid("hadKlantcontact", is_url=True),
    "organisatienaam": _exact("organisatienaam"),
}
DIGITAAL_ADRES_FILTERS: dict[str, Predicate] = {
    **{
        f"verstrektDoorPartij__partijIdentificator__{f}": _via_partij(
            _any_identificator(f), _partij_of("verstrektDoorPartij")
        )
        for f in IDENTIFICATOR_FIELDS
    },
    "verstrektDoorPartij__uuid": _ref_uuid("verstrektDoorPartij"),
    "verstrektDoorPartij__url": _ref_uuid("verstrektDoorPartij", is_url=True),
    "verstrektDoorBetrokkene__uuid": _ref_uuid("verstrektDoorBetrokkene"),
    "soortDigitaalAdres": _exact("soortDigitaalAdres"),
    "adres": _exact("adres"),
    "adres__icontains": _icontains("adres"),
    "isStandaardAdres": _boolean("isStandaardAdres"),
}
ONDERWERPOBJECT_FILTERS: dict[str, Predicate] = {
    "klantcontact__uuid": _ref_uuid("klantcontact"),
    "klantcontact__url": _ref_uuid("klantcontact", is_url=True),
    **{
        f"onderwerpobjectidentificator{f[0].upper()}{f[1:]}": (
            lambda field: lambda d, o, v: (o.get("onderwerpobjectidentificator") or {}).get(field) == v
        )(f)
        for f in IDENTIFICATOR_FIELDS
    },
}
IDENTIFICATOR_FILTERS: dict[str, Predicate] = {
    f"partijIdentificator{f[0].upper()}{f[1:]}": (
        lambda field: lambda d, i, v: i["partijIdentificator"][field] == v
    )(f)
    for f in IDENTIFICATOR_FIELDS
}
ACTOR_KLANTCONTACT_FILTERS: dict[str, Predicate] = {
    "actor__uuid": _ref_uuid("actor"),
    "klantcontact__uuid": _ref_uuid("klantcontact"),
}
# Filters whose value must be a uuid; Open Klant answers 400 to anything else.
UUID_FILTERS = frozenset(
    name for table in (KLANTCONTACT_FILTERS, BETROKKENE_FILTERS, DIGITAAL_ADRES_FILTERS,
                       ONDERWERPOBJECT_FILTERS, ACTOR_KLANTCONTACT_FILTERS)
    for name in table if name.endswith("__uuid")
)


def _parse_bool(name: str, value: str) -> bool:
    lowered = value.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise ProblemError(400, "Invalid input.", code="invalid", extra={"invalidParams": [
        {"name": name, "code": "invalid", "reason": "Kies een geldige optie."}]})


# --- expansion -----------------------------------------------------------------------------
# resource -> expand name -> (target resource, getter(data, record) -> list | record | None)
Getter = Callable[[KlantinteractiesDataset, dict], Any]
EXPANSIONS: dict[str, dict[str, tuple[str, Getter]]] = {
    "partijen": {
        "betrokkenen": ("betrokkenen", lambda d, p: [d.get("betrokkenen", r) for r in p["betrokkenen"]]),
        "categorieRelaties": (
            "categorie-relaties", lambda d, p: [d.get("categorie-relaties", r) for r in p["categorieRelaties"]]
        ),
        "digitaleAdressen": (
            "digitaleadressen", lambda d, p: [d.get("digitaleadressen", r) for r in p["digitaleAdressen"]]
        ),
    },
    "betrokkenen": {
        "hadKlantcontact": ("klantcontacten", lambda d, b: d.get("klantcontacten", b["hadKlantcontact"])),
        "wasPartij": ("partijen", lambda d, b: d.get("partijen", b["wasPartij"])),
        "digitaleAdressen": ("digitaleadressen", lambda d, b: []),
    },
    "klantcontacten": {
        "hadBetrokkenen": ("betrokkenen", lambda d, k: [d.get("betrokkenen", r) for r in k["hadBetrokkenen"]]),
        "gingOverOnderwerpobjecten": (
            "onderwerpobjecten", lambda d, k: [d.get("onderwerpobjecten", r) for r in k["gingOverOnderwerpobjecten"]]
        ),
        "leiddeTotInterneTaken": ("internetaken", lambda d, k: []),
        "omvatteBijlagen": ("bijlagen", lambda d, k: []),
    },
    "digitaleadressen": {
        "verstrektDoorBetrokkene": ("betrokkenen", lambda d, a: d.get("betrokkenen", a["verstrektDoorBetrokkene"])),
    },
    "internetaken": {"leiddeTotInterneTaken": ("internetaken", lambda d, k: [])},
}
# The `expand` values of each endpoint, as the spec enumerates them.
EXPAND_CHOICES: dict[str, frozenset[str]] = {
    "partijen": frozenset({"betrokkenen", "betrokkenen.hadKlantcontact", "categorieRelaties", "digitaleAdressen"}),
    "klantcontacten": frozenset({
        "gingOverOnderwerpobjecten", "hadBetrokkenen", "hadBetrokkenen.digitaleAdressen",
        "hadBetrokkenen.wasPartij", "leiddeTotInterneTaken", "omvatteBijlagen",
    }),
    "betrokkenen": frozenset({"digitaleAdressen"}),
    "digitaleadressen": frozenset({
        "verstrektDoorBetrokkene", "verstrektDoorBetrokkene.hadKlantcontact",
        "verstrektDoorBetrokkene.hadKlantcontact.leiddeTotInterneTaken",
    }),
}


def expanded(data: KlantinteractiesDataset, resource: str, record: dict, values: list[str]) -> dict:
    """The record with `_expand` holding the asked relations; deeper ones nest their own `_expand`."""
    if not values:
        return record
    nested: dict[str, list[str]] = {}
    for value in values:
        head, _, rest = value.partition(".")
        nested.setdefault(head, [])
        if rest:
            nested[head].append(rest)
    expand: dict[str, Any] = {}
    for name, deeper in nested.items():
        target, getter = EXPANSIONS[resource][name]
        value = getter(data, record)
        if isinstance(value, list):
            expand[name] = [expanded(data, target, item, deeper) for item in value if item]
        else:
            expand[name] = expanded(data, target, value, deeper) if value else None
    return dict(record, _expand=expand)


# --- the handler ---------------------------------------------------------------------------
class KlantinteractiesRequestHandler(DemoRequestHandler):
    """Routes GET requests under the two API roots of a `KlantinteractiesServer`."""

    invalid_json_title = "Ongeldige JSON."
    unavailable_title = "Service tijdelijk niet beschikbaar."
    server_error_title = "Er is een serverfout opgetreden."
    server_error_code = "error"

    @property
    def ok_server(self) -> KlantinteractiesServer:
        return self.demo  # type: ignore[return-value]

    @property
    def data(self) -> KlantinteractiesDataset:
        return self.ok_server.dataset

    def handle_demo_request(self) -> None:
        path = self.request_path.rstrip("/")
        if path.startswith(KLANTINTERACTIES_PREFIX + "/"):
            api, self.api_version = "klantinteracties", KLANTINTERACTIES_VERSION
            rest = path[len(KLANTINTERACTIES_PREFIX) + 1:]
        elif path.startswith(CONTACTGEGEVENS_PREFIX + "/"):
            api, self.api_version = "contactgegevens", CONTACTGEGEVENS_VERSION
            rest = path[len(CONTACTGEGEVENS_PREFIX) + 1:]
        else:
            raise ProblemError(404, "Niet gevonden.", code="not_found")
        self._authenticate()
        resource, _, key = rest.partition("/")
        if (api, resource, self.command) == ("klantinteracties", "maak-klantcontact", "POST"):
            return maak_klantcontact(self)  # the one write (klantinteracties_write.py)
        if (api, resource) not in ROUTES or "/" in key:
            raise ProblemError(404, "Niet gevonden.", code="not_found")
        if self.command != "GET":
            raise ProblemError(405, f'Methode "{self.command}" niet toegestaan.', code="method_not_allowed",
                               headers={"Allow": "GET"})
        self.query = parse_qs(self.path.partition("?")[2], keep_blank_values=True)
        filters, expand_resource = ROUTES[(api, resource)]
        values = self._expand_values(resource) if expand_resource else []
        if key:
            self.send_resource(expanded(self.data, resource, self._one(resource, key), values))
            return
        records = list(reversed(self.data.tables.get(resource, {}).values()))
        for name, predicate in filters.items():
            value = self.param(name)
            if value:
                if name in UUID_FILTERS:
                    self._check_uuid(name, value)
                records = [r for r in records if predicate(self.data, r, value)]
        self.paginate([expanded(self.data, resource, r, values) for r in records])

    # -- helpers ---------------------------------------------------------------------------
    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def _authenticate(self) -> None:
        expected = self.ok_server.token
        if expected is None:
            return
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        if not token:
            raise ProblemError(401, "Authenticatiegegevens zijn niet opgegeven.", code="not_authenticated",
                               detail="Authenticatiegegevens zijn niet opgegeven.")
        if scheme != "Token" or token.strip() != expected:
            raise ProblemError(401, "Ongeldige token.", code="authentication_failed", detail="Ongeldige token.")

    def _check_uuid(self, name: str, value: str) -> None:
        try:
            uuid.UUID(value)
        except ValueError:
            raise ProblemError(400, "Invalid input.", code="invalid", detail="Ongeldige invoer.", extra={
                "invalidParams": [{"name": name, "code": "invalid", "reason": "Voer een geldige UUID in."}]
            }) from None

    def _one(self, resource: str, key: str) -> dict:
        found = self.data.tables.get(resource, {}).get(key)
        if found is None:
            raise ProblemError(404, "Niet gevonden.", code="not_found", detail="Niet gevonden.")
        return found

    def _expand_values(self, resource: str) -> list[str]:
        raw = self.param("expand")
        if not raw:
            return []
        values = [value.strip() for value in raw.split(",") if value.strip()]
        unknown = [value for value in values if value not in EXPAND_CHOICES[resource]]
        if unknown:
            raise ProblemError(400, "Invalid input.", code="invalid", detail="Ongeldige invoer.", extra={
                "invalidParams": [{"name": "expand", "code": "invalid_choice",
                                   "reason": "Selecteer een geldige keuze."}]
            })
        return values

    def send_resource(self, payload: Any) -> None:
        self.send_json(200, payload, headers={"API-version": self.api_version})

    def send_problem(self, status, title=None, *, detail=None, code=None, type_=None, extra=None, headers=None):
        merged = {"API-version": getattr(self, "api_version", KLANTINTERACTIES_VERSION), **(headers or {})}
        super().send_problem(status, title, detail=detail or title, code=code or "error", type_=type_,
                             extra=extra, headers=merged)

    def paginate(self, items: list[dict]) -> None:
        # Like DRF's page-number pagination: a bad pageSize falls back to the default.
        raw_size = self.param("pageSize") or ""
        page_size = int(raw_size) if raw_size.isdigit() and int(raw_size) > 0 else self.ok_server.page_size
        page_size = min(page_size, MAX_PAGE_SIZE)
        raw_page = self.param("page") or "1"
        count = len(items)
        last_page = max(1, -(-count // page_size))
        if not raw_page.isdigit() or not 1 <= int(raw_page) <= last_page:
            raise ProblemError(404, "Ongeldige pagina.", code="not_found", detail="Ongeldige pagina.")
        page = int(raw_page)
        start = (page - 1) * page_size
        self.send_resource({
            "count": count,
            "next": self._page_url(page + 1) if page < last_page else None,
            "previous": self._page_url(page - 1) if page > 1 else None,
            "results": items[start:start + page_size],
        })

    def _page_url(self, page: int) -> str:
        query = {k: v for k, v in self.query.items() if k != "page"}
        if page > 1:
            query["page"] = [str(page)]
        encoded = urlencode(query, doseq=True)
        return f"{self.ok_server.base_url}{self.request_path}" + (f"?{encoded}" if encoded else "")


# (api, resource) -> (filters, whether `expand` is offered)
ROUTES: dict[tuple[str, str], tuple[dict[str, Predicate], bool]] = {
    ("klantinteracties", "partijen"): (PARTIJ_FILTERS, True),
    ("klantinteracties", "klantcontacten"): (KLANTCONTACT_FILTERS, True),
    ("klantinteracties", "betrokkenen"): (BETROKKENE_FILTERS, True),
    ("klantinteracties", "digitaleadressen"): (DIGITAAL_ADRES_FILTERS, True),
    ("klantinteracties", "onderwerpobjecten"): (ONDERWERPOBJECT_FILTERS, False),
    ("klantinteracties", "partij-identificatoren"): (IDENTIFICATOR_FILTERS, False),
    ("klantinteracties", "actoren"): ({"naam": _exact("naam"), "soortActor": _exact("soortActor")}, False),
    ("klantinteracties", "actorklantcontacten"): (ACTOR_KLANTCONTACT_FILTERS, False),
    ("klantinteracties", "categorieen"): ({}, False),
    ("klantinteracties", "categorie-relaties"): ({
        "partij__uuid": _ref_uuid("partij"),
        "categorie__naam": lambda d, r, v: r["categorie"]["naam"] == v,
    }, False),
    # Collections of the spec the demo holds no records of: empty lists, 404 for a uuid.
    **{("klantinteracties", name): ({}, False) for name in (
        "bijlagen", "internetaken", "rekeningnummers", "vertegenwoordigingen",
    )},
    ("contactgegevens", "persoon"): ({}, False),
    ("contactgegevens", "organisatie"): ({}, False),
}


# --- the server ----------------------------------------------------------------------------
class KlantinteractiesServer(DemoServer):
    """A `DemoServer` answering like Open Klant's Klantinteracties and Contactgegevens APIs."""

    def __init__(
        self,
        port: int = 0,
        *,
        faults: FaultSettings | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        token: str | None = DEMO_TOKEN,
        **kwargs: Any,
    ) -> None:
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self.page_size = page_size
        self.token = token
        super().__init__(KlantinteractiesRequestHandler, port, name="KLANTINTERACTIES", faults=faults, **kwargs)
        self.dataset = KlantinteractiesDataset(self.base_url, load_cast())

    @property
    def api_root(self) -> str:
        """The Klantinteracties API root."""
        return f"{self.base_url}{KLANTINTERACTIES_PREFIX}/"

    @property
    def contactgegevens_api_root(self) -> str:
        return f"{self.base_url}{CONTACTGEGEVENS_PREFIX}/"


def start_klantinteracties_server(
    port: int = 0,
    latency_ms: float | None = None,
    failure_rate: float | None = None,
    *,
    fail_mode: str | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    token: str | None = DEMO_TOKEN,
) -> KlantinteractiesServer:
    """Start an Open Klant demo server in a background thread and return it running.

    ``port=0`` picks a free port. Fault settings left at None come from
    ``IKO_DEMO_KLANTINTERACTIES_LATENCY_MS`` / ``_FAILURE_RATE`` / ``_FAIL_MODE``. Requests need
    ``Authorization: Token <token>``; ``token=None`` accepts any request.
    """
    faults = fault_settings_from_env(
        "KLANTINTERACTIES", latency_ms=latency_ms, failure_rate=failure_rate, fail_mode=fail_mode
    )
    return KlantinteractiesServer(port, faults=faults, page_size=page_size, token=token).start()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Demo Open Klant (Klantinteracties + Contactgegevens) server on 127.0.0.1."
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}, 0 = free port)")
    parser.add_argument("--page-size", type=int, default=DEFAULT_PAGE_SIZE, help="default page size of lists")
    parser.add_argument("--latency-ms", type=float, default=None, help="delay per request")
    parser.add_argument("--failure-rate", type=float, default=None, help="share of requests that fail (0..1)")
    parser.add_argument("--fail-mode", choices=("503", "500", "hang"), default=None, help="how failing requests fail")
    parser.add_argument("--token", default=DEMO_TOKEN, help="the token clients must send (empty: none needed)")
    args = parser.parse_args(argv)

    faults = fault_settings_from_env(
        "KLANTINTERACTIES", latency_ms=args.latency_ms, failure_rate=args.failure_rate, fail_mode=args.fail_mode
    )
    server = KlantinteractiesServer(args.port, faults=faults, page_size=args.page_size, token=args.token or None)
    tables = server.dataset.tables
    print(f"Open Klant demo server: {len(tables['partijen'])} partijen, "
          f"{len(tables['klantcontacten'])} klantcontacten", flush=True)
    print(f"  Klantinteracties API root: {server.api_root}", flush=True)
    print(f"  Contactgegevens API root:  {server.contactgegevens_api_root}   (Ctrl+C stops)", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
