"""Demo BRP API Personen 2.x server: ``POST {prefix}/personen`` on 127.0.0.1, serving the
official, fictitious BRP test persons like the official mock does.

Spec: ``tests/specs/brp-personen/openapi.yaml`` (one operation, `Personen`). The API root
is ``http://127.0.0.1:<port>/haalcentraal/api/brp/`` by default, as in the spec's `servers`
and the official mock image. Errors are ``application/problem+json`` (`Foutbericht`,
`BadRequestFoutbericht` with `invalidParams`): 400, 401 (only when started with a required API
key or bearer token), 404, 405, 406, 415, plus injected 500/503.

    from demo.servers.brp import start_brp_server
    with start_brp_server() as server:
        requests.post(server.personen_url, json={...})

Or in the foreground: ``python -m demo.servers.brp --port 5010``.
"""

from __future__ import annotations

import argparse
import hmac
from typing import Any

from .base import DemoRequestHandler, DemoServer, FaultSettings, ProblemError, fault_settings_from_env
from .brp_data import BrpDataset, get_dataset, personen_response
from .brp_validation import query_errors

DEFAULT_PREFIX = "/haalcentraal/api/brp"
DEFAULT_PORT = 5010
_RFC7231 = "https://datatracker.ietf.org/doc/html/rfc7231#section-"
PROBLEM_TYPES = {
    400: _RFC7231 + "6.5.1",
    401: _RFC7231 + "3.1",
    404: _RFC7231 + "6.5.4",
    405: _RFC7231 + "6.5.5",
    406: _RFC7231 + "6.5.6",
    415: _RFC7231 + "6.5.13",
    500: _RFC7231 + "6.6.1",
    503: _RFC7231 + "6.6.4",
}


class BrpRequestHandler(DemoRequestHandler):
    """Handles ``POST {prefix}/personen`` for a `BrpServer`."""

    max_body_bytes = 64 * 1024
    invalid_json_title = "Request body is geen geldige JSON."
    unavailable_title = "Bronservice BRP is tijdelijk niet beschikbaar."
    server_error_title = "Interne server fout."

    server_error_code = "serverError"

    def problem_type(self, status: int) -> str:
        return PROBLEM_TYPES.get(status) or super().problem_type(status)

    def handle_demo_request(self) -> None:
        server: BrpServer = self.demo  # type: ignore[assignment]
        if self.request_path != server.personen_path:
            raise ProblemError(404, "Opgevraagde resource bestaat niet.", code="notFound")
        if self.command != "POST":
            raise ProblemError(405, "Method not allowed.", code="methodNotAllowed", headers={"Allow": "POST"})
        self._authenticate(server)
        accept = self.headers.get("Accept", "")
        if accept and not any(kind in accept for kind in ("application/json", "*/*", "application/*")):
            raise ProblemError(406, "Gevraagde contenttype wordt niet ondersteund.", code="notAcceptable")
        if "application/json" not in self.headers.get("Content-Type", "").lower():
            raise ProblemError(415, "Media Type wordt niet ondersteund.", code="unsupported")
        query = self.read_json_body()
        errors = query_errors(query)
        if errors:
            names = ", ".join(dict.fromkeys(error["name"] for error in errors))
            raise ProblemError(
                400,
                "Een of meerdere parameters zijn niet correct.",
                detail=f"De foutieve parameter(s) zijn {names}.",
                code="paramsValidation",
                extra={"invalidParams": errors},
            )
        self.send_json(200, personen_response(query, server.dataset))

    def _authenticate(self, server: BrpServer) -> None:
        ok = True
        if server.required_api_key is not None:
            given = self.headers.get(server.api_key_header, "")
            ok = hmac.compare_digest(given.encode(), server.required_api_key.encode())
        if server.required_bearer_token is not None:
            scheme, _, token = self.headers.get("Authorization", "").partition(" ")
            ok = ok and scheme.lower() == "bearer" and hmac.compare_digest(
                token.strip().encode(), server.required_bearer_token.encode()
            )
        if not ok:
            challenge = "Bearer" if server.required_bearer_token is not None else "ApiKey"
            raise ProblemError(
                401,
                "Niet correct geauthenticeerd.",
                code="authentication",
                headers={"WWW-Authenticate": challenge},
            )


class BrpServer(DemoServer):
    """A `DemoServer` that answers like the BRP API Personen; see `start_brp_server`."""

    def __init__(
        self,
        port: int = 0,
        *,
        prefix: str = DEFAULT_PREFIX,
        faults: FaultSettings | None = None,
        required_api_key: str | None = None,
        api_key_header: str = "X-Api-Key",
        required_bearer_token: str | None = None,
        dataset: BrpDataset | None = None,
        **kwargs: Any,
    ) -> None:
        self.prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
        self.required_api_key = required_api_key
        self.api_key_header = api_key_header
        self.required_bearer_token = required_bearer_token
        self.dataset = dataset or get_dataset()
        super().__init__(BrpRequestHandler, port, name="BRP", faults=faults, **kwargs)

    @property
    def personen_path(self) -> str:
        return f"{self.prefix}/personen"

    @property
    def api_root(self) -> str:
        """The API root as a client configures it, with a trailing slash."""
        return f"{self.base_url}{self.prefix}/"

    @property
    def personen_url(self) -> str:
        return f"{self.base_url}{self.personen_path}"


def start_brp_server(
    port: int = 0,
    latency_ms: float | None = None,
    failure_rate: float | None = None,
    *,
    fail_mode: str | None = None,
    prefix: str = DEFAULT_PREFIX,
    required_api_key: str | None = None,
    api_key_header: str = "X-Api-Key",
    required_bearer_token: str | None = None,
) -> BrpServer:
    """Load the test persons and start a BRP demo server in a background thread.

    ``port=0`` picks a free port. Fault settings left at None come from
    ``IKO_DEMO_BRP_LATENCY_MS`` / ``IKO_DEMO_BRP_FAILURE_RATE`` / ``IKO_DEMO_BRP_FAIL_MODE``.
    The returned server is running; stop it with ``.stop()`` or use it in a ``with`` block.
    """
    faults = fault_settings_from_env("BRP", latency_ms=latency_ms, failure_rate=failure_rate, fail_mode=fail_mode)
    server = BrpServer(
        port,
        prefix=prefix,
        faults=faults,
        required_api_key=required_api_key,
        api_key_header=api_key_header,
        required_bearer_token=required_bearer_token,
    )
    return server.start()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Demo BRP API Personen 2.x server on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}, 0 = free port)")
    parser.add_argument("--prefix", default=DEFAULT_PREFIX, help=f"path before /personen (default {DEFAULT_PREFIX})")
    parser.add_argument("--latency-ms", type=float, default=None, help="delay per request")
    parser.add_argument("--failure-rate", type=float, default=None, help="share of requests that fail (0..1)")
    parser.add_argument("--fail-mode", choices=("503", "500", "hang"), default=None, help="how failing requests fail")
    parser.add_argument("--api-key", default=None, help="require this API key (header --api-key-header)")
    parser.add_argument("--api-key-header", default="X-Api-Key")
    parser.add_argument("--bearer-token", default=None, help="require Authorization: Bearer <token>")
    args = parser.parse_args(argv)

    faults = fault_settings_from_env(
        "BRP", latency_ms=args.latency_ms, failure_rate=args.failure_rate, fail_mode=args.fail_mode
    )
    server = BrpServer(
        args.port,
        prefix=args.prefix,
        faults=faults,
        required_api_key=args.api_key,
        api_key_header=args.api_key_header,
        required_bearer_token=args.bearer_token,
    )
    print(f"BRP demo server: {len(server.dataset)} test persons, API root {server.api_root}", flush=True)
    print(f"  POST {server.personen_url}   (Ctrl+C stops)", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
