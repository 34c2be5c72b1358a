"""Demo ZGW Zaken API 1.5 and Catalogi API 1.3 server on 127.0.0.1, with the Documenten API 1.4 and
Besluiten API 1.1 of the same zaken: one port, four API roots, as Open Zaak serves them.

Specs: ``tests/specs/zgw-zaken/openapi.yaml`` (Zaken 1.5.1 as served by Open Zaak) and
``tests/specs/zgw-catalogi/openapi.yaml`` (Catalogi 1.3.1). The API roots are
``http://127.0.0.1:<port>/zaken/api/v1/`` and ``http://127.0.0.1:<port>/catalogi/api/v1/``,
as in Open Zaak. Served, read only:

* Zaken: ``GET zaken`` (filters on rollen, identificatie, zaaktype, bronorganisatie, startdatum;
  ``ordering``; ``expand`` with Open Zaak's nested ``_expand``), ``GET zaken/{uuid}``,
  ``GET rollen`` (filters on betrokkeneIdentificatie, zaak, betrokkeneType,
  omschrijvingGeneriek), ``GET rollen/{uuid}``, ``GET statussen`` (filter zaak),
  ``GET statussen/{uuid}``, ``POST zaken/_zoek`` (``uuid__in``, with ``expand``), and the zaak's
  ``zaakobjecten`` and ``zaakinformatieobjecten`` (zaken_relaties.py);
* Catalogi: ``GET zaaktypen``, ``GET zaaktypen/{uuid}``, ``GET statustypen``,
  ``GET statustypen/{uuid}``, and the informatieobjecttypen and besluittypen of the dossiers;
* Documenten (``/documenten/api/v1/``, documenten.py) and Besluiten (``/besluiten/api/v1/``,
  besluiten.py): the documents (metadata) and besluiten of the zaken, built in zgw_dossiers.py.

Like the real API, unknown query parameters are ignored, and so is a filter with an empty value:
the answer then holds every record (so a misspelt filter leaks everyone, which connectors must
guard against). Lists are paginated (``page``, ``pageSize``; the default page size is Open Zaak's,
100; paging tests start the server with a small one). Errors are ``application/problem+json``
(`Fout`, `ValidatieFout`). When started with a client id and secret, every request needs a ZGW JWT
(HS256) signed with that secret.

Properties declared as ``allOf: [$ref]`` plus ``nullable: true`` (`zaakgeometrie`,
`verlenging`, `processobject`, a rol's `contactpersoonRol`, `authenticatieContext`,
`verblijfsadres`...) are left out when empty instead of sent as null as Open Zaak does: under
OAS 3.0.3 `nullable` without `type` does not admit null, so validators reject Open Zaak's null.

The zaken are those of ``demo/data/zaken.json``, built on the persons and company of
``demo/universe.py``, so the other demo registers agree (zaken_data.py).

    from demo.servers.zaken import start_zaken_server
    with start_zaken_server() as server:
        requests.get(server.zaken_api_root + "zaken", params={...})

Or in the foreground: ``python -m demo.servers.zaken --port 5020``.
"""

from __future__ import annotations

import argparse
from typing import Any, Callable, Mapping
from urllib.parse import parse_qs, urlencode

import jwt

from . import besluiten as besluiten_api
from . import documenten as documenten_api
from . import zaken_relaties
from .base import DemoRequestHandler, DemoServer, FaultSettings, ProblemError, fault_settings_from_env
from .zaken_data import CATALOGI_PREFIX, ZAKEN_PREFIX, ZakenDataset, load_cast
from .zgw_dossiers import BESLUITEN_PREFIX, DOCUMENTEN_PREFIX, ZgwDossiers

# The APIs of this server: API root path and version.
APIS = {
    "zaken": (ZAKEN_PREFIX, "1.5.1"),
    "catalogi": (CATALOGI_PREFIX, "1.3.1"),
    "documenten": (DOCUMENTEN_PREFIX, "1.4.2"),
    "besluiten": (BESLUITEN_PREFIX, "1.1.0"),
}
DEFAULT_PORT = 5020
# Open Zaak's page size. Tests of paging start the server with a small one (`page_size`); the demo
# and the benchmarks page as the real server does, so a view's chain of calls is what it would be.
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
CRS = "EPSG:4326"

# Open Zaak's `expand` values for zaken (the spec's enum); those the demo has no data for give
# empty lists or null.
EXPAND_VALUES = frozenset(
    [
        "zaaktype", "status", "status.statustype", "resultaat", "resultaat.resultaattype",
        "rollen", "rollen.roltype", "eigenschappen", "eigenschappen.eigenschap", "hoofdzaak",
        "deelzaken", "zaakinformatieobjecten", "zaakobjecten",
    ]
    + [f"{parent}.{child}" for parent in ("hoofdzaak", "deelzaken") for child in (
        "resultaat", "resultaat.resultaattype", "rollen", "rollen.roltype", "status",
        "status.statustype", "zaakinformatieobjecten", "zaakobjecten", "zaaktype",
    )]
)
ZAAK_ORDERING = frozenset(
    ["archiefactiedatum", "einddatum", "identificatie", "publicatiedatum", "registratiedatum", "startdatum"]
)


# --- filters -------------------------------------------------------------------------------
def _by_identificatie(betrokkene_type: str, field: str) -> Callable[[dict, str], bool]:
    def matches(rol: dict, value: str) -> bool:
        identificatie = rol.get("betrokkeneIdentificatie") or {}
        return rol["betrokkeneType"] == betrokkene_type and identificatie.get(field) == value

    return matches


# Filter name on GET rollen -> predicate(rol, value). On GET zaken the same filters are
# reachable as `rol__<name>`: a zaak matches when one of its rollen does.
ROL_FILTERS: dict[str, Callable[[dict, str], bool]] = {
    "betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": _by_identificatie("natuurlijk_persoon", "inpBsn"),
    **{
        f"betrokkeneIdentificatie__nietNatuurlijkPersoon__{field}": _by_identificatie("niet_natuurlijk_persoon", field)
        for field in ("kvkNummer", "innNnpId", "vestigingsNummer")
    },
    "betrokkeneIdentificatie__medewerker__identificatie": _by_identificatie("medewerker", "identificatie"),
    "betrokkeneIdentificatie__organisatorischeEenheid__identificatie": _by_identificatie(
        "organisatorische_eenheid", "identificatie"
    ),
    "betrokkeneType": lambda rol, value: rol["betrokkeneType"] == value,
    "omschrijvingGeneriek": lambda rol, value: rol["omschrijvingGeneriek"] == value,
}
ZAAK_FILTERS: dict[str, Callable[[dict, str], bool]] = {
    "identificatie": lambda z, v: z["identificatie"] == v,
    "bronorganisatie": lambda z, v: z["bronorganisatie"] == v,
    "zaaktype": lambda z, v: z["zaaktype"] == v,
    "startdatum": lambda z, v: z["startdatum"] == v,
    "startdatum__gte": lambda z, v: z["startdatum"] >= v,
    "startdatum__lte": lambda z, v: z["startdatum"] <= v,
    "startdatum__gt": lambda z, v: z["startdatum"] > v,
    "startdatum__lt": lambda z, v: z["startdatum"] < v,
}


def invalid_param(name: str, code: str, reason: str) -> ProblemError:
    """A 400 `ValidatieFout` naming one query parameter."""
    return ProblemError(
        400, "Ongeldige parameter.", code="invalid",
        extra={"invalidParams": [{"name": name, "code": code, "reason": reason}]},
    )


# --- the handler ---------------------------------------------------------------------------
class ZakenRequestHandler(DemoRequestHandler):
    """Routes GET requests under the Zaken and Catalogi API roots of a `ZakenServer`."""

    invalid_json_title = "Ongeldige JSON."
    unavailable_title = "Service tijdelijk niet beschikbaar."
    server_error_title = "Er is een serverfout opgetreden."
    server_error_code = "error"

    @property
    def zaken_server(self) -> ZakenServer:
        return self.demo  # type: ignore[return-value]

    @property
    def data(self) -> ZakenDataset:
        return self.zaken_server.dataset

    def handle_demo_request(self) -> None:
        path = self.request_path.rstrip("/")
        for api, (prefix, version) in APIS.items():
            if path.startswith(prefix + "/"):
                rest = path[len(prefix) + 1 :]
                break
        else:
            raise ProblemError(404, "Niet gevonden.", code="not_found")
        self.api_version = version
        resource, _, key = rest.partition("/")
        # Reading only; the `_zoek` operations read with a POST body.
        method = "POST" if key == "_zoek" else "GET"
        if self.command != method:
            raise ProblemError(405, "Methode niet toegestaan.", code="method_not_allowed", headers={"Allow": method})
        self._authenticate()
        self.query = parse_qs(self.path.partition("?")[2], keep_blank_values=True)
        route = ROUTES.get((api, resource))
        if route is None or "/" in key:
            raise ProblemError(404, "Niet gevonden.", code="not_found")
        route(self, key)

    # -- helpers ---------------------------------------------------------------------------
    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def _authenticate(self) -> None:
        server = self.zaken_server
        if server.client_id is None:
            return
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        try:
            if scheme.lower() != "bearer":
                raise jwt.InvalidTokenError("no bearer token")
            claims = jwt.decode(
                token.strip(), server.secret, algorithms=["HS256"], options={"verify_iat": False}
            )
            if claims.get("client_id") != server.client_id:
                raise jwt.InvalidTokenError("unknown client")
        except jwt.PyJWTError:
            raise ProblemError(
                403,
                "Authenticatiegegevens zijn niet opgegeven of ongeldig.",
                code="not_authenticated",
                detail="Stuur een geldige ZGW JWT in de Authorization header.",
            ) from None

    def _check_accept_crs(self) -> None:
        crs = self.headers.get("Accept-Crs")
        if crs is not None and crs.strip().upper() != CRS:
            raise ProblemError(
                406, "CRS niet ondersteund.", code="crs-not-supported", detail=f"Alleen {CRS} wordt ondersteund."
            )

    def send_resource(self, payload: Any, *, crs: bool = False) -> None:
        headers = {"API-version": self.api_version}
        if crs:
            headers["Content-Crs"] = CRS
        self.send_json(200, payload, headers=headers)

    def send_problem(
        self,
        status: int,
        title: str | None = None,
        *,
        detail: str | None = None,
        code: str | None = None,
        type_: str | None = None,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        # ZGW's `Fout` requires `code` and `detail`; fill them for every error.
        merged = {"API-version": getattr(self, "api_version", "1.5.1"), **(headers or {})}
        super().send_problem(
            status, title, detail=detail or title or "Er is een fout opgetreden.",
            code=code or "error", type_=type_, extra=extra, headers=merged,
        )

    def paginate(self, items: list[dict], *, crs: bool = False) -> None:
        page = self._positive_int("page", 1)
        page_size = min(self._positive_int("pageSize", self.zaken_server.page_size), MAX_PAGE_SIZE)
        count = len(items)
        last_page = max(1, -(-count // page_size))
        if page > last_page:
            raise ProblemError(404, "Ongeldige pagina.", code="not_found")
        start = (page - 1) * page_size
        self.send_resource(
            {
                "count": count,
                "next": self._page_url(page + 1) if page < last_page else None,
                "previous": self._page_url(page - 1) if page > 1 else None,
                "results": items[start : start + page_size],
            },
            crs=crs,
        )

    def _positive_int(self, name: str, default: int) -> int:
        raw = self.param(name)
        if raw in (None, ""):
            return default
        if not raw.isdigit() or int(raw) < 1:
            raise invalid_param(name, "invalid", "Geef een positief geheel getal.")
        return int(raw)

    def _page_url(self, page: int) -> str:
        query = {k: v for k, v in self.query.items() if k != "page"}
        query["page"] = [str(page)]
        return f"{self.zaken_server.base_url}{self.request_path}?{urlencode(query, doseq=True)}"

    def _expand_values(self) -> list[str]:
        raw = self.param("expand")
        if not raw:
            return []
        values = [value.strip() for value in raw.split(",") if value.strip()]
        unknown = [value for value in values if value not in EXPAND_VALUES]
        if unknown:
            raise invalid_param("expand", "invalid_choice", "Onbekende expand-waarde.")
        return values

    def _expanded(self, zaak: dict, values: list[str]) -> dict:
        if not values:
            return zaak
        data = self.data
        expand: dict[str, Any] = {}
        for top in dict.fromkeys(value.split(".")[0] for value in values):
            if top == "zaaktype":
                expand["zaaktype"] = data.zaaktype_by_url(zaak["zaaktype"])
            elif top == "status":
                status = data.status_by_url(zaak["status"])
                if status is not None and "status.statustype" in values:
                    # Open Zaak nests a deeper expansion as `_expand` inside the expanded object.
                    status = dict(status, _expand={"statustype": data.statustype_by_url(status["statustype"])})
                expand["status"] = status
            elif top == "rollen":
                expand["rollen"] = [r for r in data.rollen.values() if r["zaak"] == zaak["url"]]
            elif top in ("resultaat", "hoofdzaak"):
                expand[top] = None
            else:
                expand[top] = []
        return dict(zaak, _expand=expand)

    # -- Zaken API -------------------------------------------------------------------------
    def zaken(self, key: str) -> None:
        self._check_accept_crs()
        expand = self._expand_values()
        if key == "_zoek":
            self._zaken_zoek(expand)
            return
        if key:
            zaak = self.data.zaken.get(key)
            if zaak is None:
                raise ProblemError(404, "Niet gevonden.", code="not_found")
            self.send_resource(self._expanded(zaak, expand), crs=True)
            return
        zaken = list(self.data.zaken.values())
        for name, predicate in ZAAK_FILTERS.items():
            value = self.param(name)
            if value:
                zaken = [z for z in zaken if predicate(z, value)]
        for name, predicate in ROL_FILTERS.items():
            value = self.param("rol__" + name)
            if value:
                urls = {r["zaak"] for r in self.data.rollen.values() if predicate(r, value)}
                zaken = [z for z in zaken if z["url"] in urls]
        zaken = self._ordered(zaken)
        self.paginate([self._expanded(z, expand) for z in zaken], crs=True)

    def _zaken_zoek(self, expand: list[str]) -> None:
        """`POST zaken/_zoek` with `uuid__in` (the only search field this demo knows)."""
        if (self.headers.get("Content-Crs") or "").upper() != CRS:
            raise ProblemError(412, "Content-Crs ontbreekt.", code="missing-content-crs", detail=f"Stuur Content-Crs: {CRS}.")
        body = self.read_json_body()
        uuids = body.get("uuid__in") if isinstance(body, dict) else None
        if not isinstance(uuids, list) or not all(isinstance(u, str) for u in uuids):
            raise invalid_param("uuid__in", "invalid", "Geef een lijst van UUIDs.")
        wanted = {u.lower() for u in uuids}
        zaken = self._ordered([z for key, z in self.data.zaken.items() if key in wanted])
        self.paginate([self._expanded(z, expand) for z in zaken], crs=True)

    def _ordered(self, zaken: list[dict]) -> list[dict]:
        ordering = [o.strip() for o in (self.param("ordering") or "").split(",") if o.strip()]
        if any(o.lstrip("-") not in ZAAK_ORDERING for o in ordering):
            raise invalid_param("ordering", "invalid_choice", "Onbekend sorteerveld.")
        for field in reversed(ordering or ["identificatie"]):
            name = field.lstrip("-")
            zaken = sorted(zaken, key=lambda z: (z.get(name) is None, z.get(name) or ""), reverse=field.startswith("-"))
        return zaken

    def rollen(self, key: str) -> None:
        if key:
            self.send_resource(self._one(self.data.rollen, key))
            return
        rollen = list(self.data.rollen.values())
        for name, predicate in ROL_FILTERS.items():
            value = self.param(name)
            if value:
                rollen = [r for r in rollen if predicate(r, value)]
        zaak = self.param("zaak")
        if zaak:
            rollen = [r for r in rollen if r["zaak"] == zaak]
        self.paginate(rollen)

    def statussen(self, key: str) -> None:
        if key:
            self.send_resource(self._one(self.data.statussen, key))
            return
        statussen = list(self.data.statussen.values())
        zaak = self.param("zaak")
        if zaak:
            statussen = [s for s in statussen if s["zaak"] == zaak]
        self.paginate(statussen)

    # -- Catalogi API ----------------------------------------------------------------------
    def zaaktypen(self, key: str) -> None:
        if key:
            self.send_resource(self._one(self.data.zaaktypen, key))
            return
        zaaktypen = list(self.data.zaaktypen.values())
        identificatie = self.param("identificatie")
        if identificatie:
            zaaktypen = [z for z in zaaktypen if z["identificatie"] == identificatie]
        self.paginate(zaaktypen)

    def statustypen(self, key: str) -> None:
        if key:
            self.send_resource(self._one(self.data.statustypen, key))
            return
        statustypen = list(self.data.statustypen.values())
        identificatie = self.param("zaaktypeIdentificatie")
        if identificatie:
            statustypen = [s for s in statustypen if s["zaaktypeIdentificatie"] == identificatie]
        self.paginate(statustypen)

    def _one(self, table: dict[str, dict], key: str) -> dict:
        found = table.get(key)
        if found is None:
            raise ProblemError(404, "Niet gevonden.", code="not_found")
        return found


ROUTES: dict[tuple[str, str], Callable[[ZakenRequestHandler, str], None]] = {
    ("zaken", "zaken"): ZakenRequestHandler.zaken,
    ("zaken", "rollen"): ZakenRequestHandler.rollen,
    ("zaken", "statussen"): ZakenRequestHandler.statussen,
    ("catalogi", "zaaktypen"): ZakenRequestHandler.zaaktypen,
    ("catalogi", "statustypen"): ZakenRequestHandler.statustypen,
    **zaken_relaties.ROUTES,
    **documenten_api.ROUTES,
    **besluiten_api.ROUTES,
}


# --- the server ----------------------------------------------------------------------------
class ZakenServer(DemoServer):
    """A `DemoServer` answering like Open Zaak's Zaken and Catalogi APIs; see `start_zaken_server`."""

    def __init__(
        self,
        port: int = 0,
        *,
        faults: FaultSettings | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        client_id: str | None = None,
        secret: str | None = None,
        **kwargs: Any,
    ) -> None:
        if (client_id is None) != (secret is None):
            raise ValueError("Give both client_id and secret, or neither.")
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self.page_size = page_size
        self.client_id = client_id
        self.secret = secret
        super().__init__(ZakenRequestHandler, port, name="ZAKEN", faults=faults, **kwargs)
        cast = load_cast()
        self.dataset = ZakenDataset(self.base_url, cast)
        self.dossiers = ZgwDossiers(self.base_url, self.dataset.zaken, cast)

    @property
    def zaken_api_root(self) -> str:
        return f"{self.base_url}{ZAKEN_PREFIX}/"

    @property
    def catalogi_api_root(self) -> str:
        return f"{self.base_url}{CATALOGI_PREFIX}/"

    @property
    def documenten_api_root(self) -> str:
        return f"{self.base_url}{DOCUMENTEN_PREFIX}/"

    @property
    def besluiten_api_root(self) -> str:
        return f"{self.base_url}{BESLUITEN_PREFIX}/"


def start_zaken_server(
    port: int = 0,
    latency_ms: float | None = None,
    failure_rate: float | None = None,
    *,
    fail_mode: str | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    client_id: str | None = None,
    secret: str | None = None,
) -> ZakenServer:
    """Start a Zaken + Catalogi demo server in a background thread and return it running.

    ``port=0`` picks a free port. Fault settings left at None come from
    ``IKO_DEMO_ZAKEN_LATENCY_MS`` / ``_FAILURE_RATE`` / ``_FAIL_MODE``. With ``client_id`` and
    ``secret`` every request must carry a ZGW JWT signed with that secret.
    """
    faults = fault_settings_from_env("ZAKEN", latency_ms=latency_ms, failure_rate=failure_rate, fail_mode=fail_mode)
    server = ZakenServer(port, faults=faults, page_size=page_size, client_id=client_id, secret=secret)
    return server.start()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Demo ZGW Zaken 1.5 + Catalogi 1.3 server on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}, 0 = free port)")
    parser.add_argument("--page-size", type=int, default=DEFAULT_PAGE_SIZE, help="default page size of lists")
    parser.add_argument("--latency-ms", type=float, default=None, help="delay per request")
    parser.add_argument("--failure-rate", type=float, default=None, help="share of requests that fail (0..1)")
    parser.add_argument("--fail-mode", choices=("503", "500", "hang"), default=None, help="how failing requests fail")
    parser.add_argument("--client-id", default=None, help="require a ZGW JWT of this client id (with --secret)")
    parser.add_argument("--secret", default=None, help="the secret the ZGW JWT must be signed with")
    args = parser.parse_args(argv)

    faults = fault_settings_from_env(
        "ZAKEN", latency_ms=args.latency_ms, failure_rate=args.failure_rate, fail_mode=args.fail_mode
    )
    server = ZakenServer(
        args.port, faults=faults, page_size=args.page_size, client_id=args.client_id, secret=args.secret
    )
    print(f"Zaken demo server: {len(server.dataset.zaken)} zaken", flush=True)
    print(f"  Zaken API root:    {server.zaken_api_root}", flush=True)
    print(f"  Catalogi API root: {server.catalogi_api_root}", flush=True)
    print(f"  Documenten API root: {server.documenten_api_root}", flush=True)
    print(f"  Besluiten API root: {server.besluiten_api_root}   (Ctrl+C stops)", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
