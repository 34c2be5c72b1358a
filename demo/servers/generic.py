"""Demo "local inkomensregister": an invented municipal JSON API for the generic connector.

It stands for the registers no dedicated plugin covers (a municipality's own income and benefits
administration). Its API is described in ``demo/servers/generic_openapi.yaml`` (written for this
demo; there is no official spec) and served under ``/inkomensregister/api/v1/``:

* ``GET /``: name and version, no personal data (for the connection check);
* ``GET /inkomens?bsn=<bsn>[&jaar=<jaar>][&page=<n>][&pageSize=<n>]``: paginated
  ``{"count", "next", "previous", "results": [{"bsn", "jaar", "bedrag", "bron", "soort"}]}``.
  Like many real registers it ignores unknown query parameters, so a misspelt filter lists
  every record: the generic connector's ownership check (``subject_pointer``) must catch that;
* ``GET /personen/{bsn}/uitkeringen``: ``{"burgerservicenummer", "_embedded": {"uitkeringen":
  [...]}}``, 404 problem+json for a person the register does not know;
* ``GET /personen/{bsn}/vermogen``: ``{"burgerservicenummer", "peildatum", "bedrag", "bron"}``,
  the person's assets (vermogen) on the peildatum; 404 problem+json for a person without a figure.

The persons are the demo cast of ``demo/universe.py``, plus the register-only persons there (a
household with young children); amounts, assets and benefits are invented.
Errors are ``application/problem+json``; other methods than GET get 405.

    from demo.servers.generic import start_generic_server
    with start_generic_server() as server:
        requests.get(server.api_root + "inkomens", params={"bsn": "999993653"})

Or in the foreground: ``python -m demo.servers.generic --port 5090``.
"""

from __future__ import annotations

import argparse
import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from demo.universe import INKOMENSREGISTER_ONLY_PERSONS, PERSONS_BY_BSN

from .base import DemoRequestHandler, DemoServer, FaultSettings, ProblemError, fault_settings_from_env

PREFIX = "/inkomensregister/api/v1"
DEFAULT_PORT = 5090
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
BSN = re.compile(r"[0-9]{9}")
JAAR = re.compile(r"[0-9]{4}")
POSITIVE = re.compile(r"[1-9][0-9]{0,5}")

# Yearly incomes per person (invented), in the order the register lists them.
INKOMENS: list[dict[str, Any]] = [
    {"bsn": "999993653", "jaar": 2024, "bedrag": 41250.0, "bron": "polisadministratie", "soort": "loon"},
    {"bsn": "999993653", "jaar": 2025, "bedrag": 43100.0, "bron": "polisadministratie", "soort": "loon"},
    {"bsn": "999993847", "jaar": 2024, "bedrag": 17640.0, "bron": "gemeente", "soort": "uitkering"},
    {"bsn": "999993847", "jaar": 2025, "bedrag": 18012.0, "bron": "gemeente", "soort": "uitkering"},
    {"bsn": "999990160", "jaar": 2024, "bedrag": 58900.0, "bron": "polisadministratie", "soort": "loon"},
    {"bsn": "999990160", "jaar": 2025, "bedrag": 60210.5, "bron": "polisadministratie", "soort": "loon"},
    {"bsn": "999992570", "jaar": 2024, "bedrag": 32400.0, "bron": "belastingdienst", "soort": "winst"},
    {"bsn": "999992570", "jaar": 2025, "bedrag": 29875.0, "bron": "belastingdienst", "soort": "winst"},
    {"bsn": "999970008", "jaar": 2024, "bedrag": 21950.0, "bron": "polisadministratie", "soort": "loon"},
    {"bsn": "999970008", "jaar": 2025, "bedrag": 22400.0, "bron": "polisadministratie", "soort": "loon"},
]

# Assets (vermogen) per person on the peildatum (invented): savings and the like, what a municipality
# weighs beside income for bijzondere bijstand and kwijtschelding.
VERMOGENS: dict[str, dict[str, Any]] = {
    "999993653": {"peildatum": "2026-01-01", "bedrag": 23400.0, "bron": "belastingdienst"},
    "999993847": {"peildatum": "2026-01-01", "bedrag": 1250.0, "bron": "belastingdienst"},
    "999990160": {"peildatum": "2026-01-01", "bedrag": 85000.0, "bron": "belastingdienst"},
    "999992570": {"peildatum": "2026-01-01", "bedrag": 12000.0, "bron": "belastingdienst"},
    "999970008": {"peildatum": "2026-01-01", "bedrag": 3100.0, "bron": "belastingdienst"},
}
# Everyone the register knows.
KNOWN_BSNS = set(PERSONS_BY_BSN) | {p["bsn"] for p in INKOMENSREGISTER_ONLY_PERSONS}

# Municipal benefits per person (invented); persons without any get an empty list.
UITKERINGEN: dict[str, list[dict[str, Any]]] = {
    "999993847": [
        {"regeling": "Participatiewet", "ingangsdatum": "2023-03-01", "einddatum": None,
         "bedragPerMaand": 1501.0, "status": "lopend"},
        {"regeling": "Bijzondere bijstand", "ingangsdatum": "2024-06-01", "einddatum": "2024-06-30",
         "bedragPerMaand": 350.0, "status": "beeindigd"},
    ],
    "999992570": [
        {"regeling": "Bbz 2004", "ingangsdatum": "2023-01-01", "einddatum": "2023-12-31",
         "bedragPerMaand": 1150.0, "status": "beeindigd"},
    ],
}

def invalid_param(name: str, reason: str) -> ProblemError:
    return ProblemError(
        400,
        "Een of meerdere parameters zijn niet correct.",
        code="paramsValidation",
        extra={"invalidParams": [{"name": name, "code": "invalid", "reason": reason}]},
    )


class GenericRequestHandler(DemoRequestHandler):
    """Handles the inkomensregister paths for a `GenericServer`."""

    unavailable_title = "Het inkomensregister is tijdelijk niet beschikbaar."
    server_error_title = "Interne fout in het inkomensregister."

    def handle_demo_request(self) -> None:
        server: GenericServer = self.demo  # type: ignore[assignment]
        path = self.request_path
        if path != PREFIX and not path.startswith(PREFIX + "/"):
            raise ProblemError(404, "Resource bestaat niet.", code="notFound")
        segments = [unquote(s) for s in path[len(PREFIX):].strip("/").split("/") if s]
        route = self._route(segments)
        if route is None:
            raise ProblemError(404, "Resource bestaat niet.", code="notFound")
        if self.command != "GET":
            raise ProblemError(405, "Methode niet toegestaan.", code="methodNotAllowed", headers={"Allow": "GET"})
        accept = self.headers.get("Accept", "")
        if accept and not any(kind in accept for kind in ("application/json", "*/*", "application/*")):
            raise ProblemError(406, "Gevraagd contenttype wordt niet ondersteund.", code="notAcceptable")
        route(server, segments)

    def _route(self, segments: list[str]):
        if not segments:
            return self._info
        if segments == ["inkomens"]:
            return self._inkomens
        if len(segments) == 3 and segments[0] == "personen" and segments[2] == "uitkeringen":
            return self._uitkeringen
        if len(segments) == 3 and segments[0] == "personen" and segments[2] == "vermogen":
            return self._vermogen
        return None

    def _query(self) -> dict[str, str]:
        raw = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
        return {key: values[-1] for key, values in raw.items()}

    def _info(self, server: GenericServer, segments: list[str]) -> None:
        self.send_json(200, {"naam": "Inkomensregister (demo)", "versie": "1.0.0"})

    def _inkomens(self, server: GenericServer, segments: list[str]) -> None:
        query = self._query()
        records = INKOMENS
        # Unknown parameters are ignored on purpose, as many real registers do.
        if "bsn" in query:
            if not BSN.fullmatch(query["bsn"]):
                raise invalid_param("bsn", "Waarde is geen burgerservicenummer van 9 cijfers.")
            records = [r for r in records if r["bsn"] == query["bsn"]]
        if "jaar" in query:
            if not JAAR.fullmatch(query["jaar"]):
                raise invalid_param("jaar", "Waarde is geen jaartal van 4 cijfers.")
            records = [r for r in records if r["jaar"] == int(query["jaar"])]
        page = self._positive(query, "page", 1)
        page_size = self._positive(query, "pageSize", DEFAULT_PAGE_SIZE)
        if page_size > MAX_PAGE_SIZE:
            raise invalid_param("pageSize", f"Waarde is groter dan {MAX_PAGE_SIZE}.")
        start = (page - 1) * page_size
        if page > 1 and start >= len(records):
            raise ProblemError(404, "Pagina bestaat niet.", code="notFound")
        results = records[start : start + page_size]

        def link(number: int) -> str:
            return f"{server.api_root}inkomens?{urlencode({**query, 'page': number})}"

        self.send_json(
            200,
            {
                "count": len(records),
                "next": link(page + 1) if start + page_size < len(records) else None,
                "previous": link(page - 1) if page > 1 else None,
                "results": [dict(r) for r in results],
            },
        )

    def _positive(self, query: dict[str, str], name: str, default: int) -> int:
        if name not in query:
            return default
        if not POSITIVE.fullmatch(query[name]):
            raise invalid_param(name, "Waarde is geen positief geheel getal.")
        return int(query[name])

    def _uitkeringen(self, server: GenericServer, segments: list[str]) -> None:
        bsn = segments[1]
        if not BSN.fullmatch(bsn):
            raise invalid_param("bsn", "Waarde is geen burgerservicenummer van 9 cijfers.")
        if bsn not in KNOWN_BSNS:
            raise ProblemError(404, "Persoon is niet bekend in het inkomensregister.", code="notFound")
        uitkeringen = [{"burgerservicenummer": bsn, **u} for u in UITKERINGEN.get(bsn, [])]
        self.send_json(200, {"burgerservicenummer": bsn, "_embedded": {"uitkeringen": uitkeringen}})

    def _vermogen(self, server: GenericServer, segments: list[str]) -> None:
        bsn = segments[1]
        if not BSN.fullmatch(bsn):
            raise invalid_param("bsn", "Waarde is geen burgerservicenummer van 9 cijfers.")
        if bsn not in VERMOGENS:
            raise ProblemError(404, "Van deze persoon is geen vermogen bekend.", code="notFound")
        self.send_json(200, {"burgerservicenummer": bsn, **VERMOGENS[bsn]})


class GenericServer(DemoServer):
    """A `DemoServer` that answers as the demo inkomensregister; see `start_generic_server`."""

    def __init__(self, port: int = 0, *, faults: FaultSettings | None = None, **kwargs: Any) -> None:
        super().__init__(GenericRequestHandler, port, name="GENERIC", faults=faults, **kwargs)

    @property
    def api_root(self) -> str:
        """The API root as a client configures it, with a trailing slash."""
        return f"{self.base_url}{PREFIX}/"


def start_generic_server(
    port: int = 0,
    latency_ms: float | None = None,
    failure_rate: float | None = None,
    *,
    fail_mode: str | None = None,
) -> GenericServer:
    """Start the demo inkomensregister in a background thread; ``port=0`` picks a free port.

    Fault settings left at None come from ``IKO_DEMO_GENERIC_LATENCY_MS`` /
    ``IKO_DEMO_GENERIC_FAILURE_RATE`` / ``IKO_DEMO_GENERIC_FAIL_MODE``. The returned server is
    running; stop it with ``.stop()`` or use it in a ``with`` block.
    """
    faults = fault_settings_from_env(
        "GENERIC", latency_ms=latency_ms, failure_rate=failure_rate, fail_mode=fail_mode
    )
    return GenericServer(port, faults=faults).start()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Demo inkomensregister (generic JSON API) on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}, 0 = free port)")
    parser.add_argument("--latency-ms", type=float, default=None, help="delay per request")
    parser.add_argument("--failure-rate", type=float, default=None, help="share of requests that fail (0..1)")
    parser.add_argument("--fail-mode", choices=("503", "500", "hang"), default=None, help="how failing requests fail")
    args = parser.parse_args(argv)
    faults = fault_settings_from_env(
        "GENERIC", latency_ms=args.latency_ms, failure_rate=args.failure_rate, fail_mode=args.fail_mode
    )
    server = GenericServer(args.port, faults=faults)
    print(f"Demo inkomensregister: API root {server.api_root}   (Ctrl+C stops)", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
